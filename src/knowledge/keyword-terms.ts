/**
 * The terms of the full-text index and of a keyword query. LanceDB's FTS index stems one
 * language per column, and a knowledge base mixes English, Russian, Ukrainian and Hebrew (two of
 * which its stemmers do not know), so the text is analyzed here (`src/text/analyzer.ts`: stop
 * words dropped, each word reduced to its stems by its language's stemmer) and the index only
 * splits on spaces. A query is analyzed the same way; each of its stems is searched with a
 * weight (a word with several readings shares one weight among them), and also the index's
 * stems of the same family by their beginning (`related`: "имплант" -> "имплантат",
 * "имплантац"; "deliv" -> "deliveri"; "дет" -> "детск"), at half the weight, so that words of
 * one family meet where a stemmer leaves them apart.
 *
 * The analysis is versioned: a knowledge base indexed by another version is re-indexed once
 * when it is opened for keyword search (see `KnowledgeStore`).
 *
 * @module
 */
import { analyze, related } from '../text/analyzer.js';
import { isLanguage, type Language } from '../text/language.js';

/** Version of the keyword analysis; a change re-indexes stored knowledge bases. */
export const KEYWORD_INDEX_VERSION = 2;

/** The chunk column holding the indexed terms of this version. */
export const TERMS_COLUMN = `terms_v${KEYWORD_INDEX_VERSION}`;

/** Weight of a term met only by a shared beginning, relative to the stem it extends. */
export const EXPANSION_WEIGHT = 0.5;

const MAX_SHORTER = 2;
const MAX_EXPANSIONS = 8;

function language(lang: string | undefined): Language | undefined {
  return lang && isLanguage(lang) ? lang : undefined;
}

/**
 * The index terms of a chunk's text: the stems of its content words, space-separated, a word's
 * stems repeated as often as the word occurs.
 *
 * @example
 * ```ts
 * keywordTerms('Доставку привозим за час', 'ru'); // 'доставк привоз час'
 * ```
 */
export function keywordTerms(text: string, lang?: string): string {
  const out: string[] = [];
  for (const { stems } of analyze(text, language(lang))) out.push(...stems);
  return out.join(' ');
}

/** A query term and its weight. */
export interface WeightedTerm {
  term: string;
  boost: number;
}

/**
 * The distinct terms of an index, for matching words of one family by their beginning.
 *
 * @example
 * ```ts
 * new Vocabulary(['имплантат', 'имплантац']).related('имплант'); // ['имплантат', 'имплантац']
 * ```
 */
export class Vocabulary {
  readonly #sorted: string[];
  readonly #all: ReadonlySet<string>;

  constructor(terms: Iterable<string>) {
    this.#all = new Set(terms);
    this.#sorted = [...this.#all].sort();
  }

  /** Number of distinct terms. */
  get size(): number {
    return this.#sorted.length;
  }

  /**
   * Index terms of the same family as `stem` (see `related` in `src/text/analyzer.ts`; not
   * `stem` itself), nearest in length first, at most 8.
   */
  related(stem: string): string[] {
    if (stem.length < 3) return [];
    const out: string[] = [];
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#sorted[mid]! < stem) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#sorted.length; i++) {
      const term = this.#sorted[i]!;
      if (!term.startsWith(stem)) break;
      if (related(stem, term)) out.push(term);
    }
    for (let cut = 1; cut <= MAX_SHORTER; cut++) {
      const shorter = stem.slice(0, -cut);
      if (this.#all.has(shorter) && related(shorter, stem)) out.push(shorter);
    }
    return out
      .sort((x, y) => Math.abs(x.length - stem.length) - Math.abs(y.length - stem.length))
      .slice(0, MAX_EXPANSIONS);
  }
}

/**
 * The weighted terms of a query in language `lang`: each content word's stems share a weight
 * of 1, and the relatives of each stem in `vocabulary` get {@link EXPANSION_WEIGHT} of it. A term
 * reached twice keeps its highest weight.
 *
 * @example
 * ```ts
 * queryTerms('Сколько стоит имплант?', 'ru', vocabulary);
 * // [{ term: 'сто', boost: 1 }, { term: 'имплант', boost: 1 }, { term: 'имплантат', boost: 0.5 }, ...]
 * ```
 */
export function queryTerms(query: string, lang?: string, vocabulary?: Vocabulary): WeightedTerm[] {
  const weights = new Map<string, number>();
  const add = (term: string, boost: number) => {
    weights.set(term, Math.max(weights.get(term) ?? 0, boost));
  };
  for (const { stems } of analyze(query, language(lang))) {
    const share = 1 / stems.length;
    for (const stem of stems) {
      add(stem, share);
      for (const related of vocabulary?.related(stem) ?? []) add(related, share * EXPANSION_WEIGHT);
    }
  }
  return [...weights].map(([term, boost]) => ({ term, boost }));
}
