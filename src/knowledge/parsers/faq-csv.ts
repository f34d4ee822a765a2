/**
 * FAQ in CSV: the first line is a header naming the `question` and `answer` columns (and
 * optionally `lang`; other columns are ignored), then one pair a record. A file without that
 * header is not an FAQ and is refused, naming the header expected. Malformed records are
 * reported with file and line; the others are kept. Records are read as the text streams in.
 *
 * @module
 */
import { ParseError } from '../../errors.js';
import type { ChunkOptions } from '../chunker.js';
import type { ParsedDocument, ParserFactory } from '../types.js';
import { parseWhole } from './collect.js';
import { CsvReader, type CsvRecord } from './csv.js';
import { faqChunk, MAX_RECORD_CHARS } from './faq.js';

/** The header an FAQ CSV file starts with. */
export const FAQ_CSV_HEADER = 'question,answer';

function shown(fields: string[]): string {
  const text = fields.join(',').replace(/\s+/gu, ' ');
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

/** Makes a streaming FAQ CSV parser. */
export const faqCsvParser: ParserFactory = (file, sink) => {
  let columns: { q: number; a: number; l: number; width: number } | undefined;
  let refused = false;
  let first = true;
  const onRecord = (record: CsvRecord): void => {
    if (refused) return;
    const where = `${file}:${record.line}`;
    if (!columns) {
      const header = record.fields.map((f) => f.trim().toLowerCase());
      const q = header.indexOf('question');
      const a = header.indexOf('answer');
      if (record.tooLong || q < 0 || a < 0) {
        refused = true;
        const found = record.tooLong ? 'a line too long to be one' : `"${shown(record.fields)}"`;
        sink.refuse(
          `not an FAQ CSV: the first line must be the header "${FAQ_CSV_HEADER}" (optionally with a "lang" column); found ${found}`,
        );
        return;
      }
      columns = { q, a, l: header.indexOf('lang'), width: header.length };
      return;
    }
    if (record.tooLong) {
      sink.error(
        new ParseError(where, `record longer than ${MAX_RECORD_CHARS} characters; skipped`),
      );
      return;
    }
    if (record.fields.length !== columns.width) {
      sink.error(
        new ParseError(where, `expected ${columns.width} fields, found ${record.fields.length}`),
      );
      return;
    }
    const lang = columns.l >= 0 ? record.fields[columns.l]?.trim() : undefined;
    const chunk = faqChunk(
      {
        question: record.fields[columns.q] ?? '',
        answer: record.fields[columns.a] ?? '',
        ...(lang ? { lang } : {}),
      },
      record.line,
    );
    if (typeof chunk === 'string') sink.error(new ParseError(where, chunk));
    else sink.chunk(chunk);
  };
  const reader = new CsvReader(onRecord, { maxRecordChars: MAX_RECORD_CHARS });
  return {
    push(text) {
      if (refused) return;
      reader.push(first ? text.replace(/^\uFEFF/u, '') : text);
      first = first && text === '';
    },
    end() {
      if (refused) return;
      reader.end();
      const line = reader.unterminatedQuoteLine;
      if (line !== undefined) {
        sink.error(
          new ParseError(
            `${file}:${line}`,
            'quote opened here is never closed; the rest of the file is skipped',
          ),
        );
      }
    },
  };
};

/** Parses an FAQ CSV file. */
export function parseFaqCsv(
  source: string,
  file: string,
  options: ChunkOptions = {},
): ParsedDocument {
  return parseWhole(faqCsvParser, source, file, options);
}
