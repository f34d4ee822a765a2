/**
 * FAQ in JSON Lines: one `{"question": ..., "answer": ..., "lang"?: ...}` object a line.
 * A malformed line is reported with its file and line number; the other lines are kept. Lines
 * are read as they stream in; a line longer than {@link MAX_RECORD_CHARS} is reported, not held.
 *
 * @module
 */
import { ParseError } from '../../errors.js';
import type { ChunkOptions } from '../chunker.js';
import type { ChunkDraft, ParsedDocument, ParserFactory, ParserSink } from '../types.js';
import { parseWhole } from './collect.js';
import { faqChunk, MAX_RECORD_CHARS } from './faq.js';
import { LineSplitter } from './lines.js';

/** The chunk of one line, a message saying what is wrong with it, or nothing for a blank line. */
function readLine(raw: string, line: number): ChunkDraft | string | undefined {
  const text = raw.trim();
  if (!text || text.startsWith('//')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `invalid JSON (${(err as Error).message})`;
  }
  const obj = value as Record<string, unknown> | null;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    return 'expected an object with question and answer';
  const { question, answer, lang } = obj;
  if (typeof question !== 'string' || typeof answer !== 'string')
    return 'question and answer must be strings';
  if (lang !== undefined && typeof lang !== 'string') return 'lang must be a string';
  return faqChunk({ question, answer, ...(lang ? { lang } : {}) }, line);
}

function parseLine(raw: string, line: number, file: string, sink: ParserSink): void {
  const result = readLine(raw, line);
  if (typeof result === 'string') sink.error(new ParseError(`${file}:${line}`, result));
  else if (result) sink.chunk(result);
}

/** Makes a streaming FAQ JSONL parser. */
export const faqJsonlParser: ParserFactory = (file, sink) => {
  let parts: string[] = [];
  let size = 0;
  const lines = new LineSplitter((piece) => {
    size += piece.text.length;
    if (size <= MAX_RECORD_CHARS) parts.push(piece.text);
    if (!piece.last) return;
    if (size > MAX_RECORD_CHARS) {
      sink.error(
        new ParseError(
          `${file}:${piece.line}`,
          `line longer than ${MAX_RECORD_CHARS} characters (one question and answer a line)`,
        ),
      );
    } else parseLine(parts.join(''), piece.line, file, sink);
    parts = [];
    size = 0;
  });
  return { push: (text) => lines.push(text), end: () => lines.end() };
};

/**
 * Parses an FAQ JSONL file.
 *
 * @example
 * ```ts
 * const { chunks, errors } = parseFaqJsonl('{"question":"Hours?","answer":"7-20"}\n{oops', 'faq.jsonl');
 * errors[0].message; // 'faq.jsonl:2: invalid JSON ...'
 * ```
 */
export function parseFaqJsonl(
  source: string,
  file: string,
  options: ChunkOptions = {},
): ParsedDocument {
  return parseWhole(faqJsonlParser, source, file, options);
}
