/**
 * The text that goes into the full-text index. LanceDB's FTS index has one stemming language per
 * column, and a knowledge base mixes English, Russian, Ukrainian and Hebrew, so words are reduced
 * here by a crude, language-agnostic rule instead: Latin words lose common English suffixes and
 * are cut to 7 letters, Cyrillic words lose their last two letters (case endings) down to 4 and
 * are cut to 6, Hebrew words are also indexed without up to two attached prefix letters (ה ו ב ל מ ש כ) and
 * without a plural ending. Each word is indexed both as written and as its stem, so an exact match still
 * ranks first. The same function turns a query into its search terms.
 *
 * @module
 */

const WORD = /[\p{L}\p{N}]+/gu;
const CYRILLIC = /^[\u0400-\u04ff]+$/u;
const LATIN = /^[a-z\u00c0-\u024f]+$/u;
const HEBREW = /^[\u05d0-\u05ea]+$/u;
const HEBREW_PREFIX = /^[הובלמשכ]/u;
const HEBREW_PLURAL = /(ים|ות)$/u;

/** The word and its reduced forms. */
function stems(word: string): string[] {
  if (CYRILLIC.test(word)) {
    if (word.length <= 4) return [word];
    return [word, word.slice(0, Math.min(6, Math.max(4, word.length - 2)))];
  }
  if (LATIN.test(word)) {
    const stripped = word.replace(/(ies|ing|ed|es|s)$/u, '');
    return [word, (stripped.length >= 3 ? stripped : word).slice(0, 7)];
  }
  if (HEBREW.test(word)) {
    const out: string[] = [];
    let base = word;
    for (let strips = 0; strips <= 2; strips++) {
      out.push(base);
      if (base.length >= 5) out.push(base.replace(HEBREW_PLURAL, ''));
      if (base.length < 5 || !HEBREW_PREFIX.test(base)) break;
      base = base.slice(1);
    }
    return out;
  }
  return [word];
}

/**
 * The words of `text` with their stems, lowercased, space-separated.
 *
 * @example
 * ```ts
 * keywordTerms('Доставку?'); // 'доставку достав'
 * ```
 */
export function keywordTerms(text: string): string {
  const out: string[] = [];
  for (const match of text.normalize('NFC').toLowerCase().replace(/ё/gu, 'е').matchAll(WORD)) {
    out.push(...new Set(stems(match[0])));
  }
  return out.join(' ');
}
