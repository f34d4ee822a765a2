/**
 * Splits streamed text into lines (LF or CRLF) for the line-based parsers. A line longer than
 * the piece bound is handed out in pieces, so one enormous line never sits in memory whole.
 *
 * @module
 */

/** A line, or a piece of a long line. */
export interface LinePiece {
  text: string;
  /** 1-based line number. */
  line: number;
  /** The line starts with this piece. */
  first: boolean;
  /** The line ends with this piece. */
  last: boolean;
}

/** Longest piece of a line handed out at once, characters. */
export const MAX_LINE_PIECE = 64 * 1024;

/**
 * Cuts text pushed in any pieces into lines.
 *
 * @example
 * ```ts
 * const lines = new LineSplitter((p) => console.log(p.line, p.text));
 * lines.push('a\r\nb');
 * lines.end(); // 1 'a', then 2 'b'
 * ```
 */
export class LineSplitter {
  readonly #onPiece: (piece: LinePiece) => void;
  readonly #maxPiece: number;
  #buffer = '';
  #line = 1;
  #first = true;

  constructor(onPiece: (piece: LinePiece) => void, maxPiece = MAX_LINE_PIECE) {
    this.#onPiece = onPiece;
    this.#maxPiece = Math.max(2, maxPiece);
  }

  /** Feeds the next piece of text. */
  push(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.#lineEnd(this.#buffer + text.slice(start, nl));
      this.#buffer = '';
      start = nl + 1;
    }
    this.#buffer = this.#cut(this.#buffer + text.slice(start));
  }

  /** Ends the text: the last line is handed out (an empty one after a final line break). */
  end(): void {
    this.#lineEnd(this.#buffer);
    this.#buffer = '';
  }

  /** Hands out the start of a line longer than a piece; returns the rest. */
  #cut(text: string): string {
    let rest = text;
    while (rest.length > this.#maxPiece) {
      let at = this.#maxPiece;
      const code = rest.charCodeAt(at - 1);
      if (code === 0x0d || (code >= 0xd800 && code <= 0xdbff)) at--;
      this.#onPiece({ text: rest.slice(0, at), line: this.#line, first: this.#first, last: false });
      this.#first = false;
      rest = rest.slice(at);
    }
    return rest;
  }

  #lineEnd(text: string): void {
    const rest = this.#cut(text);
    const line = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
    this.#onPiece({ text: line, line: this.#line, first: this.#first, last: true });
    this.#line++;
    this.#first = true;
  }
}
