/**
 * Markdown parser: splits by headings (the heading path becomes the chunk title and first line),
 * then chunks each section's prose. Fenced code is kept as text; front matter and HTML comments
 * (`<!-- ... -->`, also over several lines) are skipped: they are notes for the author, and a
 * chunk's text may be spoken to a caller.
 * It streams: lines are read as they arrive and a section's chunks are handed out as they fill.
 *
 * @module
 */
import { type ChunkOptions, ChunkStream } from '../chunker.js';
import type { ParsedDocument, ParserFactory, ParserSink, StreamingParser } from '../types.js';
import { parseWhole } from './collect.js';
import { type LinePiece, LineSplitter } from './lines.js';

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/u;
/** Front matter longer than this is not front matter: its lines are read as text. */
const MAX_FRONT_MATTER_LINES = 200;

/**
 * Removes HTML comments from a line; `open` says whether the line starts inside a comment. Returns
 * the text outside comments (undefined when there is none to keep) and whether a comment is still
 * open at the end of the line.
 */
function stripComments(line: string, open: boolean): { text: string | undefined; open: boolean } {
  let rest = line;
  let out = '';
  let inside = open;
  let touched = open;
  for (;;) {
    if (inside) {
      const end = rest.indexOf('-->');
      if (end < 0) return { text: touched && !out.trim() ? undefined : out, open: true };
      rest = rest.slice(end + 3);
      inside = false;
      continue;
    }
    const start = rest.indexOf('<!--');
    if (start < 0) break;
    out += rest.slice(0, start);
    rest = rest.slice(start + 4);
    inside = true;
    touched = true;
  }
  out += rest;
  return { text: touched && !out.trim() ? undefined : out, open: false };
}

// Link text and target stop at `[`, where the next match would start: without that, a line of
// many `[` (or `[a](` without a closing parenthesis) takes quadratic time.
function clean(line: string): string {
  return line
    .replace(/!\[[^[\]]*\]\([^)[]*\)/gu, '')
    .replace(/\[([^[\]]+)\]\(([^)[]+)\)/gu, '$1 ($2)')
    .replace(/(\*\*|__|`)/gu, '');
}

class MarkdownParser implements StreamingParser {
  readonly #sink: ParserSink;
  readonly #options: ChunkOptions;
  readonly #lines = new LineSplitter((piece) => this.#frontMatter(piece));
  readonly #path: string[] = [];
  #inFence = false;
  /** The current line is a heading or a fence marker: its further pieces are not text. */
  #skipLine = false;
  #inComment = false;
  #section: ChunkStream | undefined;
  #bodyLine = 1;
  /** Lines held while the first line `---` may open front matter; undefined once decided. */
  #held: LinePiece[] | undefined = [];

  constructor(sink: ParserSink, options: ChunkOptions) {
    this.#sink = sink;
    this.#options = options;
  }

  push(text: string): void {
    this.#lines.push(text);
  }

  end(): void {
    this.#lines.end();
    this.#release();
    this.#flush();
  }

  #frontMatter(piece: LinePiece): void {
    const held = this.#held;
    const marker = piece.first && piece.last && piece.text.trim() === '---';
    if (held && held.length > 0 && marker) {
      this.#held = undefined;
      this.#bodyLine = piece.line + 1;
    } else if (held && (held.length > 0 || marker)) {
      held.push(piece);
      if (held.length > MAX_FRONT_MATTER_LINES || !piece.last) this.#release();
    } else {
      this.#held = undefined;
      this.#piece(piece);
    }
  }

  /** The first line `---` opened no front matter: its lines are read as text after all. */
  #release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const piece of held) this.#piece(piece);
  }

  #piece(whole: LinePiece): void {
    let piece = whole;
    if (!this.#inFence) {
      const stripped = stripComments(piece.text, this.#inComment);
      this.#inComment = stripped.open;
      if (stripped.text === undefined) {
        if (piece.first) this.#skipLine = false;
        return;
      }
      piece = { ...piece, text: stripped.text };
    }
    if (!piece.first) {
      if (!this.#skipLine) this.#text(this.#inFence ? piece.text : clean(piece.text), piece);
      return;
    }
    this.#skipLine = false;
    const line = piece.text;
    if (/^\s*(```|~~~)/u.test(line)) {
      this.#inFence = !this.#inFence;
      this.#skipLine = true;
      return;
    }
    // A line too long to be read whole is text, never a heading.
    const heading = this.#inFence || !piece.last ? null : HEADING.exec(line);
    if (heading) {
      this.#flush();
      const level = heading[1]!.length;
      this.#path.length = level - 1;
      this.#path[level - 1] = clean(heading[2] ?? '');
      this.#bodyLine = piece.line + 1;
      this.#skipLine = true;
      return;
    }
    this.#text(this.#inFence ? line : clean(line), piece);
  }

  #text(text: string, piece: LinePiece): void {
    if (!this.#section) {
      if (!text.trim()) {
        if (piece.last) this.#bodyLine = piece.line + 1;
        return;
      }
      this.#section = this.#open();
    }
    this.#section.push(piece.last ? `${text}\n` : text);
  }

  #open(): ChunkStream {
    const title = this.#path.filter(Boolean).join(' > ');
    const max = (this.#options.maxChars ?? 800) - title.length - 2;
    const line = this.#bodyLine;
    return new ChunkStream(
      (piece) =>
        this.#sink.chunk({
          text: title ? `${title}\n\n${piece}` : piece,
          kind: 'section',
          title,
          line,
        }),
      { ...this.#options, maxChars: Math.max(200, max) },
    );
  }

  #flush(): void {
    this.#section?.end();
    this.#section = undefined;
  }
}

/** Makes a streaming Markdown parser. */
export const markdownParser: ParserFactory = (_file, sink, options) =>
  new MarkdownParser(sink, options);

/**
 * Parses a Markdown document into section chunks.
 *
 * @example
 * ```ts
 * const { chunks } = parseMarkdown('# Delivery\n\nWe deliver daily.', 'delivery.md');
 * chunks[0].text; // 'Delivery\n\nWe deliver daily.'
 * ```
 */
export function parseMarkdown(
  source: string,
  file: string,
  options: ChunkOptions = {},
): ParsedDocument {
  return parseWhole(markdownParser, source, file, options);
}
