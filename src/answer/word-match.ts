/**
 * Word overlap for the offline answerer: content words of a text (stop words removed) and a
 * forgiving match between word forms (shared stems, Hebrew prefix letters), in English, Russian,
 * Ukrainian and Hebrew.
 *
 * @module
 */

const STOP_WORDS = new Set(
  `a an the is are am was be do does did you your yours we our us i me my to of in on at for and or
it its this that these those what when where how which who whom why can could would will should
with have has had please tell about there any some from by as if so not no yes just also than
и в во на с со к ко по о об у за из от до для что как когда где это вы вас вам ваш ваши ваша мы нас
наш я мне меня ли не а но есть можно скажите пожалуйста какой какая какие тут там же бы ну то он она
они их его её мой моя
і й в у на з із до для що як коли де це ви вас вам ваш ваші ваша ми нас наш я мені мене чи не а але є
можна скажіть будь ласка який яка які тут там же б то він вона вони їх його її мій моя
של את על עם אני אתם אתן אתה הוא היא זה זו מה מתי איפה איך יש לכם לך אם גם או כן לא אפשר אנחנו הם`.split(
    /\s+/,
  ),
);

const HEBREW_PREFIXES = 'והלבשמכ';

/** The content words of `text`, lower case. */
export function contentWords(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  return words.filter((w) => w.length > 1 && !STOP_WORDS.has(w));
}

function hebrewBase(w: string): string {
  return w.length >= 4 && HEBREW_PREFIXES.includes(w[0]!) && /[\u0590-\u05FF]/.test(w)
    ? w.slice(1)
    : w;
}

/** True when two word forms are the same word (equal, a shared stem of 4+ letters, or a Hebrew prefix). */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const x = hebrewBase(a);
  const y = hebrewBase(b);
  if (x === y) return true;
  const n = Math.min(x.length, y.length);
  if (n < 4) return false;
  let common = 0;
  while (common < n && x[common] === y[common]) common++;
  return common >= Math.max(4, n - 2);
}

/** Share of `query` words found in `text` words (0..1). */
export function overlap(query: readonly string[], text: readonly string[]): number {
  if (query.length === 0) return 0;
  let hits = 0;
  for (const q of query) if (text.some((t) => sameWord(q, t))) hits++;
  return hits / query.length;
}
