/**
 * FAQ in CSV: a header naming `question` and `answer` (and optionally `lang`) columns, one pair a
 * record. Without such a header the first two columns are taken as question and answer.
 * Malformed records are reported with file and line; the others are kept.
 *
 * @module
 */
import { ParseError } from '../../errors.js';
import type { ChunkDraft, ParsedDocument } from '../types.js';
import { readCsv } from './csv.js';
import { faqChunk } from './faq.js';

/** Parses an FAQ CSV file. */
export function parseFaqCsv(source: string, file: string): ParsedDocument {
  const chunks: ChunkDraft[] = [];
  const errors: ParseError[] = [];
  const { records, unterminatedQuoteLine } = readCsv(source.replace(/^\uFEFF/u, ''));
  if (unterminatedQuoteLine !== undefined) {
    errors.push(
      new ParseError(
        `${file}:${unterminatedQuoteLine}`,
        'quote opened here is never closed; the rest of the file is skipped',
      ),
    );
  }
  const header = records[0]?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const hasHeader = header.includes('question') && header.includes('answer');
  const q = hasHeader ? header.indexOf('question') : 0;
  const a = hasHeader ? header.indexOf('answer') : 1;
  const l = hasHeader ? header.indexOf('lang') : -1;
  const width = hasHeader ? header.length : 2;
  for (const record of hasHeader ? records.slice(1) : records) {
    const where = `${file}:${record.line}`;
    if (record.fields.length !== width) {
      errors.push(new ParseError(where, `expected ${width} fields, found ${record.fields.length}`));
      continue;
    }
    const lang = l >= 0 ? record.fields[l]?.trim() : undefined;
    const chunk = faqChunk(
      {
        question: record.fields[q] ?? '',
        answer: record.fields[a] ?? '',
        ...(lang ? { lang } : {}),
      },
      record.line,
    );
    if (typeof chunk === 'string') errors.push(new ParseError(where, chunk));
    else chunks.push(chunk);
  }
  return { chunks, errors };
}
