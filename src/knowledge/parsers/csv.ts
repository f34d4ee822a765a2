/**
 * A small RFC 4180 CSV reader: quoted fields, doubled quotes, separators and line breaks inside
 * quotes, CRLF, LF or CR. Each record carries the line it starts on. It streams: text is pushed
 * in pieces split anywhere, and a record longer than the bound is reported without being held.
 *
 * @module
 */

/** One CSV record. */
export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
  /** The record was longer than the reader's bound: its fields were dropped. */
  tooLong?: boolean;
}

/** Result of {@link readCsv}: the records and, when the file ends inside quotes, where that quote opened. */
export interface CsvResult {
  records: CsvRecord[];
  unterminatedQuoteLine?: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&');
}

/**
 * A CSV reader fed piece by piece. Blank lines are skipped.
 *
 * @example
 * ```ts
 * const reader = new CsvReader((record) => console.log(record.line, record.fields));
 * reader.push('q,a\n"Hi, th');
 * reader.push('ere",x\n');
 * reader.end(); // 1 ['q', 'a'], then 2 ['Hi, there', 'x']
 * ```
 */
export class CsvReader {
  readonly #onRecord: (record: CsvRecord) => void;
  readonly #separator: string;
  readonly #maxChars: number;
  readonly #plain: RegExp;
  #fields: string[] = [];
  #field = '';
  #size = 0;
  #quoted = false;
  /** A `"` inside quotes was the last character read: it closes the quotes or doubles. */
  #quoteSeen = false;
  /** A CR was the last character read: a LF right after it is the same line break. */
  #crSeen = false;
  #quoteLine = 0;
  #line = 1;
  #recordLine = 1;
  #touched = false;
  #unterminated: number | undefined;

  constructor(
    onRecord: (record: CsvRecord) => void,
    options: { separator?: string; maxRecordChars?: number } = {},
  ) {
    this.#onRecord = onRecord;
    this.#separator = options.separator ?? ',';
    this.#maxChars = options.maxRecordChars ?? Number.POSITIVE_INFINITY;
    this.#plain = new RegExp(`["\\r\\n]|${escapeRegExp(this.#separator)}`, 'gu');
  }

  /** Where the quote opened that the text ended inside, if it did (after {@link end}). */
  get unterminatedQuoteLine(): number | undefined {
    return this.#unterminated;
  }

  /** Feeds the next piece of text. */
  push(text: string): void {
    let i = 0;
    while (i < text.length) {
      if (this.#crSeen) {
        this.#crSeen = false;
        if (text[i] === '\n') {
          i++;
          continue;
        }
      }
      i = this.#quoted ? this.#inQuotes(text, i) : this.#outside(text, i);
    }
  }

  /** Ends the text: the last record is handed out, or the unterminated quote noted. */
  end(): void {
    if (this.#quoteSeen) {
      this.#quoteSeen = false;
      this.#quoted = false;
    }
    if (this.#quoted) {
      this.#unterminated = this.#quoteLine;
      return;
    }
    if (this.#field !== '' || this.#fields.length > 0 || this.#touched) this.#endRecord();
  }

  #inQuotes(text: string, start: number): number {
    if (this.#quoteSeen) {
      this.#quoteSeen = false;
      if (text[start] === '"') {
        this.#append('"');
        return start + 1;
      }
      this.#quoted = false;
      return start;
    }
    let i = start;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') break;
      if (ch === '\n') this.#line++;
    }
    this.#append(text.slice(start, i));
    if (i < text.length) {
      this.#quoteSeen = true;
      return i + 1;
    }
    return i;
  }

  #outside(text: string, start: number): number {
    this.#plain.lastIndex = start;
    const match = this.#plain.exec(text);
    const at = match ? match.index : text.length;
    this.#append(text.slice(start, at));
    if (!match) return at;
    const ch = match[0];
    if (ch === '"' && this.#field === '') {
      this.#quoted = true;
      this.#quoteLine = this.#line;
      this.#touched = true;
    } else if (ch === '"') {
      this.#append('"');
    } else if (ch === '\n' || ch === '\r') {
      this.#endRecord();
      this.#line++;
      this.#recordLine = this.#line;
      this.#crSeen = ch === '\r';
    } else {
      this.#fields.push(this.#field);
      this.#field = '';
      this.#touched = true;
    }
    return at + ch.length;
  }

  #append(text: string): void {
    this.#size += text.length;
    if (this.#size <= this.#maxChars) this.#field += text;
    else this.#field = '';
  }

  #endRecord(): void {
    this.#fields.push(this.#field);
    if (this.#size > this.#maxChars) {
      this.#onRecord({ fields: [], line: this.#recordLine, tooLong: true });
    } else if (this.#touched || this.#fields.length > 1 || this.#field !== '') {
      this.#onRecord({ fields: this.#fields, line: this.#recordLine });
    }
    this.#fields = [];
    this.#field = '';
    this.#size = 0;
    this.#touched = false;
  }
}

/**
 * Reads CSV text whole. Blank lines are skipped.
 *
 * @example
 * ```ts
 * readCsv('q,a\n"Hi, there","say ""hi"""').records[1].fields; // ['Hi, there', 'say "hi"']
 * ```
 */
export function readCsv(source: string, separator = ','): CsvResult {
  const records: CsvRecord[] = [];
  const reader = new CsvReader((r) => records.push(r), { separator });
  reader.push(source);
  reader.end();
  const line = reader.unterminatedQuoteLine;
  return line === undefined ? { records } : { records, unterminatedQuoteLine: line };
}
