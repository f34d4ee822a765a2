/**
 * Markdown parser: splits by headings (the heading path becomes the chunk title and first line),
 * then chunks each section's prose. Fenced code is kept as text; front matter is skipped.
 *
 * @module
 */
import { type ChunkOptions, chunkText } from '../chunker.js';
import type { ChunkDraft, ParsedDocument } from '../types.js';

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/u;

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
    const line = lines[i] ?? '';
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
