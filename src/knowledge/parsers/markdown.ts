/**
 * Markdown parser: splits by headings (the heading path becomes the chunk title and first line),
 * then chunks each section's prose. Fenced code is kept as text; front matter and HTML comments
 * (`<!-- ... -->`, also over several lines) are skipped: they are notes for the author, and a
 * chunk's text may be spoken to a caller.
 *
 * @module
 */
import { type ChunkOptions, chunkText } from '../chunker.js';
import type { ChunkDraft, ParsedDocument } from '../types.js';

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/u;

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
  _file: string,
  options: ChunkOptions = {},
): ParsedDocument {
  const lines = source.split(/\r?\n/u);
  const chunks: ChunkDraft[] = [];
  const path: string[] = [];
  let body: string[] = [];
  let bodyLine = 1;
  let inFence = false;
  let inComment = false;
  let start = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
    if (end > 0) start = end + 1;
  }
  const flush = (): void => {
    const text = body.join('\n').trim();
    body = [];
    if (!text) return;
    const title = path.filter(Boolean).join(' > ');
    const max = (options.maxChars ?? 800) - title.length - 2;
    for (const piece of chunkText(text, { ...options, maxChars: Math.max(200, max) })) {
      chunks.push({
        text: title ? `${title}\n\n${piece}` : piece,
        kind: 'section',
        title,
        line: bodyLine,
      });
    }
  };
  for (let i = start; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (!inFence) {
      const stripped = stripComments(line, inComment);
      inComment = stripped.open;
      if (stripped.text === undefined) continue;
      line = stripped.text;
    }
    if (/^\s*(```|~~~)/u.test(line)) {
      inFence = !inFence;
      continue;
    }
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      flush();
      const level = heading[1]!.length;
      path.length = level - 1;
      path[level - 1] = clean(heading[2] ?? '');
      bodyLine = i + 2;
      continue;
    }
    if (body.length === 0 && !line.trim()) {
      bodyLine = i + 2;
      continue;
    }
    body.push(inFence ? line : clean(line));
  }
  flush();
  return { chunks, errors: [] };
}
