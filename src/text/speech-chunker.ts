/**
 * A streaming text chunker that turns LLM deltas into pieces ready for text-to-speech.
 *
 * The first piece is released as early as possible: at the first clause boundary (comma,
 * semicolon, colon or a spaced dash) once it has a few words; after that, whole sentences. It
 * knows abbreviations (`Mr.`, `e.g.`, `т.е.`, `ул.`, `вул.`), numbers and times (`3.5`, `3,5`,
 * `10:30`, `1,000`), ellipses, Russian/Ukrainian quotes (`«»`) and dashes, and Hebrew punctuation
 * (sof pasuq `׃`, geresh `׳` and gershayim `״`). It only ever cuts at whitespace, so no word is
 * split; an overlong run without punctuation is cut at the last space before `maxChars`.
 * {@link splitSentences} uses the same rules on a whole text, for engines that synthesize one
 * utterance at a time.
 *
 * @module
 */
import { NEVER_FINAL } from './abbreviations.js';

/** Options of {@link SpeechChunker}. */
export interface SpeechChunkerOptions {
  /** Words needed before a clause boundary may release the first piece (default 3). */
  minFirstWords?: number;
  /** Release clauses (not only sentences) for the first piece (default true). */
  firstClause?: boolean;
  /** Longest piece before a forced cut at a space (default 250). */
  maxChars?: number;
  /** Drop Markdown marks (`*`, `#`, backticks, list bullets) a model may emit (default true). */
  stripMarkdown?: boolean;
}

/** A piece without the Markdown marks that TTS would read aloud. */
export function stripMarkdown(piece: string): string {
  return piece
    .replace(/^\s*(?:[-•]|#{1,6})\s+/gmu, '')
    .replace(/[*`#]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const TERMINATORS = new Set(['.', '!', '?', '…', '׃', '؟']);
const CLOSERS = new Set(['»', '"', '”', '’', "'", ')', ']', '״', '“', '*', '`']);
const OPENERS = new Set(['«', '"', '“', '„', '(', '[', "'", '‘', '״']);
const CLAUSE = new Set([',', ';', ':']);
const DASHES = new Set(['—', '–']);
const WS = /\s/;

type Scan = { kind: 'cut'; at: number } | { kind: 'wait' } | { kind: 'none' };

function isLower(ch: string): boolean {
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

function isUpper(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

/**
 * Splits streamed text into speakable pieces.
 *
 * @example
 * ```ts
 * const chunker = new SpeechChunker();
 * for await (const delta of llmDeltas) for (const piece of chunker.push(delta)) tts.say(piece);
 * for (const piece of chunker.flush()) tts.say(piece);
 * ```
 */
export class SpeechChunker {
  #buf = '';
  #released = 0;
  readonly #minFirstWords: number;
  readonly #firstClause: boolean;
  readonly #maxChars: number;
  readonly #clean: (piece: string) => string;

  constructor(options: SpeechChunkerOptions = {}) {
    this.#minFirstWords = options.minFirstWords ?? 3;
    this.#firstClause = options.firstClause ?? true;
    this.#maxChars = options.maxChars ?? 250;
    this.#clean = options.stripMarkdown === false ? (p) => p : stripMarkdown;
  }

  /** Pieces released so far. */
  get released(): number {
    return this.#released;
  }

  /** Text held back, not yet released. */
  get pending(): string {
    return this.#buf;
  }

  /** Adds a delta; returns the pieces that became ready, in order. */
  push(delta: string): string[] {
    this.#buf += delta;
    return this.#drain(false);
  }

  /** Releases everything left (end of the stream). */
  flush(): string[] {
    const out = this.#drain(true);
    const rest = this.#clean(this.#buf.trim());
    this.#buf = '';
    if (rest) {
      out.push(rest);
      this.#released++;
    }
    return out;
  }

  #drain(final: boolean): string[] {
    const out: string[] = [];
    for (;;) {
      const scan = this.#scan(final);
      let at: number | undefined;
      if (scan.kind === 'cut') at = scan.at;
      else if (this.#buf.length > this.#maxChars) at = this.#forcedCut();
      if (at === undefined) break;
      const piece = this.#clean(this.#buf.slice(0, at).trim());
      this.#buf = this.#buf.slice(at).replace(/^\s+/, '');
      if (piece) {
        out.push(piece);
        this.#released++;
      }
    }
    return out;
  }

  #forcedCut(): number | undefined {
    const head = this.#buf.slice(0, this.#maxChars);
    const clause = Math.max(
      head.lastIndexOf(', '),
      head.lastIndexOf('; '),
      head.lastIndexOf(' — '),
    );
    if (clause > this.#maxChars / 3) return clause + 1;
    const space = head.search(/\s\S*$/);
    return space > 0 ? space : undefined;
  }

  #scan(final: boolean): Scan {
    const b = this.#buf;
    const clauses = this.#firstClause && this.#released === 0;
    for (let i = 0; i < b.length; i++) {
      const ch = b[i]!;
      if (TERMINATORS.has(ch)) {
        const r = this.#sentenceEnd(i, final);
        if (r.kind !== 'none') return r;
        continue;
      }
      if (!clauses) continue;
      if (CLAUSE.has(ch)) {
        if (i + 1 >= b.length) return final ? { kind: 'none' } : { kind: 'wait' };
        if (!WS.test(b[i + 1]!)) continue;
        if (this.#words(0, i) >= this.#minFirstWords) return { kind: 'cut', at: i + 1 };
      } else if (DASHES.has(ch) && i > 1 && WS.test(b[i - 1]!) && /\p{L}/u.test(b[i - 2]!)) {
        if (i + 1 >= b.length) return final ? { kind: 'none' } : { kind: 'wait' };
        if (!WS.test(b[i + 1]!)) continue;
        if (this.#words(0, i) >= this.#minFirstWords) return { kind: 'cut', at: i + 1 };
      }
    }
    return { kind: 'none' };
  }

  #words(from: number, to: number): number {
    return this.#buf
      .slice(from, to)
      .split(/\s+/)
      .filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  }

  /** Decides whether the terminator at `i` ends a sentence. */
  #sentenceEnd(i: number, final: boolean): Scan {
    const b = this.#buf;
    let j = i;
    while (j < b.length && TERMINATORS.has(b[j]!)) j++;
    while (j < b.length && CLOSERS.has(b[j]!)) j++;
    if (j >= b.length) return final ? { kind: 'cut', at: j } : { kind: 'wait' };
    if (!WS.test(b[j]!)) return { kind: 'none' };
    let k = j;
    while (k < b.length && WS.test(b[k]!)) k++;
    if (k >= b.length) return final ? { kind: 'cut', at: j } : { kind: 'wait' };
    const run = b.slice(i, j).replace(/[^.!?…׃؟]/g, '');
    if (run !== '.') return { kind: 'cut', at: j };
    let n = k;
    while (n + 1 < b.length && OPENERS.has(b[n]!)) n++;
    const next = b[n]!;
    const word = this.#wordBefore(i);
    if (word === '') return { kind: 'cut', at: j };
    if (NEVER_FINAL.has(word.toLowerCase())) return { kind: 'none' };
    if (/^[A-Z]$/.test(word) && isUpper(next)) return { kind: 'none' };
    if (isLower(next)) return { kind: 'none' };
    return { kind: 'cut', at: j };
  }

  /** The token before position `i`, without leading quotes/brackets. */
  #wordBefore(i: number): string {
    const b = this.#buf;
    let s = i;
    while (s > 0 && !WS.test(b[s - 1]!)) s--;
    let w = b.slice(s, i);
    while (w && OPENERS.has(w[0]!)) w = w.slice(1);
    return w;
  }
}

/**
 * The sentences of a whole `text` (the {@link SpeechChunker}'s rules, sentences only, Markdown
 * kept), with pieces shorter than `minChars` merged into the next one (a lone "Hi." sounds
 * choppy as its own utterance). For engines that synthesize a whole utterance at once, so that
 * the first sentence can play while the next is synthesized.
 *
 * @example
 * ```ts
 * splitSentences('Hello. How can I help you today?'); // ['Hello. How can I help you today?']
 * splitSentences('We open at nine. We close at five on Fridays.', 10);
 * // ['We open at nine.', 'We close at five on Fridays.']
 * ```
 */
export function splitSentences(text: string, minChars = 12): string[] {
  const chunker = new SpeechChunker({ firstClause: false, stripMarkdown: false });
  const parts = [...chunker.push(text), ...chunker.flush()];
  const out: string[] = [];
  let carry = '';
  for (const part of parts) {
    carry = carry ? `${carry} ${part}` : part;
    if (carry.length >= minChars) {
      out.push(carry);
      carry = '';
    }
  }
  if (carry) {
    if (out.length > 0) out[out.length - 1] += ` ${carry}`;
    else out.push(carry);
  }
  return out;
}
