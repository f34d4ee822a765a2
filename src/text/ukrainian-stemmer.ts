/**
 * A Ukrainian stemmer, written for voxstate. It follows the scheme of the Snowball Russian
 * stemmer (snowballstem.org/algorithms/russian/stemmer.html): endings are removed only inside
 * RV, the part of the word after its first vowel; step 1 removes a perfective gerund ending, or
 * else a reflexive ending and then an adjective, verb or noun ending; then `и`, a doubled `нн`
 * and a final `ь` go. The ending lists are Ukrainian (case endings of nouns and adjectives,
 * present, past, future and imperative endings of verbs, gerunds in -учи/-ючи/-вши), and four
 * rules for Ukrainian sound alternations make the forms of one word meet: a fleeting vowel
 * (доставок/доставка, діток/дітки), the diminutive suffix -к- after a consonant (картка/карта),
 * `і` in the last syllable read as `о` (біль/болю, ніч/ночі, вартість/вартості, which also
 * drops the suffix -ість/-ость), and a word-initial `в` before a consonant read as `у`
 * (вночі/уночі). The apostrophe is dropped and `ґ` is read as `г`.
 *
 * The npm packages we looked at were not usable for phone questions: the Ukrainian stemmer of
 * `@orama/stemmers` keeps "працюєте" and "працюємо" apart (it has no 2nd/1st person plural
 * endings) and "біль"/"болю", "вартість"/"вартості", "діток"/"дітей" too.
 *
 * @module
 */

const VOWELS = 'аеиоуюяіїє';

const GERUND = ['учись', 'ючись', 'ачись', 'ячись', 'вшись', 'учи', 'ючи', 'ачи', 'ячи', 'вши'];
const REFLEXIVE = ['ся', 'сь'];
const ADJECTIVE = [
  'ього',
  'ьому',
  'ими',
  'іми',
  'ого',
  'ому',
  'ьою',
  'ий',
  'ій',
  'им',
  'ім',
  'их',
  'іх',
  'ої',
];
/** Verb endings removed whole. */
const VERB = [
  'тимемо',
  'тимете',
  'тимуть',
  'тимеш',
  'тиме',
  'тиму',
  'емо',
  'ємо',
  'имо',
  'їмо',
  'ете',
  'єте',
  'ите',
  'їте',
  'уть',
  'ють',
  'ать',
  'ять',
  'еть',
  'єть',
  'ить',
  'іть',
  'їть',
  'йте',
  'ймо',
  'еш',
  'єш',
  'иш',
  'їш',
];
/**
 * Infinitive and past-tense endings after a vowel: after и/і/ї the vowel goes too
 * (робити/робила/робив -> роб), after а/я it stays (читати/читала/читав -> чита, as читаю).
 */
const INFINITIVE_PAST = ['ти', 'ла', 'ло', 'ли', 'в'];
const NOUN = [
  'іями',
  'ією',
  'іям',
  'іях',
  'ами',
  'ями',
  'ьми',
  'ові',
  'еві',
  'єві',
  'ія',
  'ії',
  'ію',
  'ій',
  'ам',
  'ям',
  'ах',
  'ях',
  'ом',
  'ем',
  'єм',
  'ою',
  'ею',
  'єю',
  'ів',
  'їв',
  'ей',
  'а',
  'я',
  'о',
  'е',
  'є',
  'у',
  'ю',
  'і',
  'ї',
  'и',
  'ь',
  'й',
].sort((a, b) => b.length - a.length);

const byLength = (list: string[]) => [...list].sort((a, b) => b.length - a.length);
const SORTED = {
  gerund: byLength(GERUND),
  reflexive: byLength(REFLEXIVE),
  adjective: byLength(ADJECTIVE),
  verb: byLength(VERB),
};

function isVowel(ch: string | undefined): boolean {
  return ch !== undefined && VOWELS.includes(ch);
}

/** Removes the longest ending of `list` that lies inside RV (from `rv`); the new word or null. */
function strip(word: string, rv: number, list: readonly string[]): string | null {
  for (const ending of list) {
    if (word.endsWith(ending) && word.length - ending.length >= rv) {
      return word.slice(0, word.length - ending.length);
    }
  }
  return null;
}

function stripInfinitiveOrPast(word: string, rv: number): string | null {
  for (const ending of INFINITIVE_PAST) {
    if (!word.endsWith(ending)) continue;
    const at = word.length - ending.length;
    const before = word[at - 1];
    if (before === 'и' || before === 'і' || before === 'ї') {
      if (at - 1 >= rv && at - 1 >= 2) return word.slice(0, at - 1);
    } else if ((before === 'а' || before === 'я') && at >= rv && at >= 2) {
      return word.slice(0, at);
    }
  }
  return null;
}

function step1(word: string, rv: number): string {
  const gerund = strip(word, rv, SORTED.gerund);
  if (gerund !== null) return gerund;
  const w = strip(word, rv, SORTED.reflexive) ?? word;
  return (
    strip(w, rv, SORTED.adjective) ??
    strip(w, rv, SORTED.verb) ??
    stripInfinitiveOrPast(w, rv) ??
    strip(w, rv, NOUN) ??
    w
  );
}

/** The fleeting vowel, the diminutive -к- and the suffix -ість/-ость (see the module note). */
function derivation(stem: string): string {
  let s = stem;
  const consonantBefore = (i: number) => i >= 0 && !isVowel(s[i]) && s[i] !== 'ь';
  if (s.length >= 5 && s.endsWith('ок') && consonantBefore(s.length - 3)) s = `${s.slice(0, -2)}к`;
  if (s.length >= 4 && s.endsWith('к') && consonantBefore(s.length - 2)) s = s.slice(0, -1);
  if (s.length >= 6 && (s.endsWith('ост') || s.endsWith('іст'))) s = s.slice(0, -3);
  return s;
}

/** `і` in a closed last syllable of the word: the syllable that alternates with `о`. */
const CLOSED_I = /і([^аеиоуюяіїє]+)$/u;

/**
 * The stems of a lower-case Ukrainian word: one, or two when its last syllable is closed with
 * `і`, which may be an `о` in the word's other forms (біль/болю) or not (хліб/хліба), so both
 * readings are given.
 *
 * @example
 * ```ts
 * ukrainianStems('працюєте'); // ['працю'], as 'працюємо'
 * ukrainianStems('біль'); // ['біл', 'бол'], and 'болю' -> ['бол']
 * ```
 */
export function ukrainianStems(word: string): string[] {
  let w = word.replace(/['’ʼ]/gu, '').replace(/ґ/gu, 'г');
  if (w.length >= 3 && w[0] === 'в' && !isVowel(w[1]) && w[1] !== 'ь') w = `у${w.slice(1)}`;
  const first = stemUkrainian(w);
  const closed = CLOSED_I.exec(w);
  if (!closed || closed.index >= first.length) return [first];
  const second = stemUkrainian(w.replace(CLOSED_I, 'о$1'));
  return second === first ? [first] : [first, second];
}

/** The single stem of a lower-case Ukrainian word (without the `і`/`о` reading). */
export function stemUkrainian(word: string): string {
  const w = word;
  if (w.length < 3) return w;
  let first = -1;
  for (let i = 0; i < w.length; i++) {
    if (isVowel(w[i])) {
      first = i;
      break;
    }
  }
  if (first < 0) return w;
  const rv = first + 1;
  let s = step1(w, rv);
  if (s.endsWith('и') && s.length - 1 >= rv) s = s.slice(0, -1);
  if (s.endsWith('нн')) s = s.slice(0, -1);
  else if (s.endsWith('ь')) s = s.slice(0, -1);
  return derivation(s);
}
