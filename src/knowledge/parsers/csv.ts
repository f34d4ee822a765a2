/**
 * A small RFC 4180 CSV reader: quoted fields, doubled quotes, separators and line breaks inside
 * quotes, CRLF or LF. Each record carries the line it starts on.
 *
 * @module
 */

/** One CSV record. */
export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** Result of {@link readCsv}: the records and, when the file ends inside quotes, where that quote opened. */
export interface CsvResult {
  records: CsvRecord[];
  unterminatedQuoteLine?: number;
}

/**
 * Reads CSV text. Blank lines are skipped.
 *
 * @example
 * ```ts
 * readCsv('q,a\n"Hi, there","say ""hi"""').records[1].fields; // ['Hi, there', 'say "hi"']
 * ```
 */
export function readCsv(source: string, separator = ','): CsvResult {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let quoteLine = 0;
  let line = 1;
  let recordLine = 1;
  let touched = false;
  const endRecord = (): void => {
    fields.push(field);
    if (touched || fields.length > 1 || field !== '') records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      touched = true;
    } else if (ch === separator) {
      fields.push(field);
      field = '';
      touched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (quoted) return { records, unterminatedQuoteLine: quoteLine };
  if (field !== '' || fields.length > 0 || touched) endRecord();
  return { records };
}
