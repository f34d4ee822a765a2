/**
 * FAQ in JSON Lines: one `{"question": ..., "answer": ..., "lang"?: ...}` object a line.
 * A malformed line is reported with its file and line number; the other lines are kept.
 *
 * @module
 */
import { ParseError } from '../../errors.js';
import type { ChunkDraft, ParsedDocument } from '../types.js';
import { faqChunk } from './faq.js';

/**
 * Parses an FAQ JSONL file.
 *
 * @example
 * ```ts
 * const { chunks, errors } = parseFaqJsonl('{"question":"Hours?","answer":"7-20"}\n{oops', 'faq.jsonl');
 * errors[0].message; // 'faq.jsonl:2: invalid JSON ...'
 * ```
 */
export function parseFaqJsonl(source: string, file: string): ParsedDocument {
  const chunks: ChunkDraft[] = [];
  const errors: ParseError[] = [];
  source.split(/\r?\n/u).forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (!text || text.startsWith('//')) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      errors.push(
        new ParseError(`${file}:${line}`, `invalid JSON (${(err as Error).message})`, {
          cause: err,
        }),
      );
      return;
    }
    const obj = value as Record<string, unknown> | null;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      errors.push(new ParseError(`${file}:${line}`, 'expected an object with question and answer'));
      return;
    }
    const { question, answer, lang } = obj;
    if (typeof question !== 'string' || typeof answer !== 'string') {
      errors.push(new ParseError(`${file}:${line}`, 'question and answer must be strings'));
      return;
    }
    if (lang !== undefined && typeof lang !== 'string') {
      errors.push(new ParseError(`${file}:${line}`, 'lang must be a string'));
      return;
    }
    const chunk = faqChunk({ question, answer, ...(lang ? { lang } : {}) }, line);
    if (typeof chunk === 'string') errors.push(new ParseError(`${file}:${line}`, chunk));
    else chunks.push(chunk);
  });
  return { chunks, errors };
}
