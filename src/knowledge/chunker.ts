/**
 * Splits prose into chunks of at most `maxChars` characters on paragraph, then sentence, then
 * word boundaries, with a sentence-level overlap between neighbours so that a fact on a boundary
 * is found from either side. A "word" longer than `maxChars` (no real word is) is cut.
 *
 * The chunker streams: text is pushed in pieces of any size, split anywhere, and each chunk is
 * handed out as soon as it is complete, so a file of any size is chunked in bounded memory.
 *
 * @module
 */

/** Options for {@link chunkText} and {@link ChunkStream}. */
export interface ChunkOptions {
  /** Largest chunk, characters (default 800). */
  maxChars?: number;
  /** Text repeated from the end of one chunk at the start of the next, at most (default 150). */
  overlapChars?: number;
}

interface Unit {
  text: string;
  /** Starts a new paragraph. */
  para: boolean;
}

const TOKEN = /(\s+)|\S+/gu;
const SENTENCE_END = new Set(['.', '!', '?', '…', ';', ':']);
const PARAGRAPH_BREAK = /\n\s*\n/u;

function join(list: Unit[]): string {
  return list.map((u, i) => (i === 0 ? u.text : `${u.para ? '\n\n' : ' '}${u.text}`)).join('');
}

/** Cuts `word` near `at` without splitting a surrogate pair. */
function cutAt(word: string, at: number): number {
  const code = word.charCodeAt(at - 1);
  return at > 1 && code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}

/**
 * A chunker fed piece by piece.
 *
 * @example
 * ```ts
 * const chunks: string[] = [];
 * const stream = new ChunkStream((c) => chunks.push(c), { maxChars: 800 });
 * for await (const piece of textPieces) stream.push(piece);
 * stream.end();
 * ```
 */
export class ChunkStream {
  readonly #maxChars: number;
  readonly #overlapChars: number;
  readonly #emit: (chunk: string) => void;
  /** The last token read: the next piece may continue it. */
  #pending = '';
  #pendingIsSpace = false;
  #sentence = '';
  #sentenceEnds = false;
  #paragraphStarts = true;
  #current: Unit[] = [];
  #length = 0;

  constructor(emit: (chunk: string) => void, options: ChunkOptions = {}) {
    this.#emit = emit;
    this.#maxChars = Math.max(1, options.maxChars ?? 800);
    this.#overlapChars = options.overlapChars ?? 150;
  }

  /** Feeds the next piece of text. */
  push(text: string): void {
    if (!text) return;
    const buffer = this.#pending + text;
    let last = '';
    let lastIsSpace = false;
    TOKEN.lastIndex = 0;
    for (let m = TOKEN.exec(buffer); m; m = TOKEN.exec(buffer)) {
      if (last) this.#token(last, lastIsSpace);
      last = m[0];
      lastIsSpace = m[1] !== undefined;
    }
    // A run of white space only matters for whether it breaks a paragraph: keep it short.
    if (!lastIsSpace) this.#pending = last;
    else this.#pending = PARAGRAPH_BREAK.test(last) ? '\n\n' : last.includes('\n') ? '\n' : ' ';
    this.#pendingIsSpace = lastIsSpace;
    while (!this.#pendingIsSpace && this.#pending.length > this.#maxChars) {
      const at = cutAt(this.#pending, this.#maxChars);
      this.#wordPart(this.#pending.slice(0, at));
      this.#pending = this.#pending.slice(at);
    }
  }

  /** Ends the text: the last chunks are handed out. */
  end(): void {
    if (this.#pending) this.#token(this.#pending, this.#pendingIsSpace);
    this.#pending = '';
    this.#paragraphEnd();
    if (this.#current.length > 0) this.#emit(join(this.#current));
    this.#current = [];
    this.#length = 0;
  }

  #token(token: string, space: boolean): void {
    if (!space) this.#word(token);
    else if (token.length > 1 && PARAGRAPH_BREAK.test(token)) this.#paragraphEnd();
  }

  #word(word: string): void {
    let rest = word;
    while (rest.length > this.#maxChars) {
      const at = cutAt(rest, this.#maxChars);
      this.#wordPart(rest.slice(0, at));
      rest = rest.slice(at);
    }
    this.#wordPart(rest);
  }

  #wordPart(word: string): void {
    if (this.#sentenceEnds) {
      this.#unit(this.#sentence);
      this.#sentence = '';
    }
    if (this.#sentence && this.#sentence.length + 1 + word.length > this.#maxChars) {
      this.#unit(this.#sentence);
      this.#sentence = word;
    } else {
      this.#sentence = this.#sentence ? `${this.#sentence} ${word}` : word;
    }
    this.#sentenceEnds = SENTENCE_END.has(word.at(-1) ?? '');
  }

  #paragraphEnd(): void {
    if (this.#sentence) this.#unit(this.#sentence);
    this.#sentence = '';
    this.#sentenceEnds = false;
    this.#paragraphStarts = true;
  }

  #unit(text: string): void {
    const unit: Unit = { text, para: this.#paragraphStarts };
    this.#paragraphStarts = false;
    const added = this.#length === 0 ? text.length : this.#length + 2 + text.length;
    if (this.#current.length > 0 && added > this.#maxChars) {
      this.#emit(join(this.#current));
      const tail: Unit[] = [];
      let tailLength = 0;
      for (let i = this.#current.length - 1; i > 0; i--) {
        const u = this.#current[i]!;
        if (tailLength + u.text.length + 1 > this.#overlapChars) break;
        tail.unshift(u);
        tailLength += u.text.length + 1;
      }
      this.#current = tailLength + text.length + 2 <= this.#maxChars ? tail : [];
      this.#length = this.#current.length ? join(this.#current).length : 0;
    }
    this.#current.push(unit);
    this.#length = this.#length === 0 ? text.length : this.#length + 2 + text.length;
  }
}

/**
 * Chunks `text`; a text shorter than `maxChars` is one chunk.
 *
 * @example
 * ```ts
 * chunkText(longSection, { maxChars: 800, overlapChars: 150 }); // ['...', '...']
 * ```
 */
export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const chunks: string[] = [];
  const stream = new ChunkStream((c) => chunks.push(c), options);
  stream.push(text);
  stream.end();
  return chunks;
}
