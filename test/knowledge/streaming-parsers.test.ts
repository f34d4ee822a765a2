/**
 * The chunker and the parsers stream: text split anywhere gives exactly what the whole text
 * gives, chunks are handed out before the text ends, and one enormous line is never needed whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkStream, chunkText } from '../../src/knowledge/chunker.js';
import { parseWhole } from '../../src/knowledge/parsers/collect.js';
import { CsvReader, type CsvRecord } from '../../src/knowledge/parsers/csv.js';
import { faqCsvParser } from '../../src/knowledge/parsers/faq-csv.js';
import { faqJsonlParser } from '../../src/knowledge/parsers/faq-jsonl.js';
import { type LinePiece, LineSplitter } from '../../src/knowledge/parsers/lines.js';
import { markdownParser } from '../../src/knowledge/parsers/markdown.js';
import { textParser } from '../../src/knowledge/parsers/text.js';
import type { ChunkDraft, ParserFactory } from '../../src/knowledge/types.js';
import { fuzz } from '../fuzz/fuzz-params.js';

const piece = fc.oneof(
  fc.constantFrom(
    '\n',
    '\r\n',
    '\n\n',
    ' \n \n',
    '. ',
    '? ',
    '…',
    ' ',
    '\t',
    'word',
    'Sentence.',
    'ёж',
    'שלום',
    '😀',
    '# ',
    '## ',
    '```\n',
    '---\n',
    '"',
    ',',
    '{"question":"q","answer":"a"}\n',
    'question,answer\n',
  ),
  fc.string({ maxLength: 20 }),
);
const text = fc.array(piece, { maxLength: 200 }).map((p) => p.join(''));

/** `source` cut at the given places. */
function cut(source: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (source.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of at) {
    out.push(source.slice(from, c));
    from = c;
  }
  out.push(source.slice(from));
  return out;
}

function parsePieces(factory: ParserFactory, pieces: string[], options = {}) {
  const chunks: ChunkDraft[] = [];
  const errors: string[] = [];
  let refused: string | undefined;
  const parser = factory(
    'f',
    {
      chunk: (c) => chunks.push(c),
      error: (e) => errors.push(e.message),
      refuse: (r) => {
        refused ??= r;
      },
    },
    options,
  );
  for (const p of pieces) parser.push(p);
  parser.end();
  return refused === undefined ? { chunks, errors } : { chunks: [], errors: [], refused };
}

describe('streaming chunker', () => {
  it('gives the same chunks however the text is cut into pieces, none over the bound', () => {
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 20, max: 300 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (source, maxChars, overlapChars, cuts) => {
          const options = { maxChars, overlapChars };
          const whole = chunkText(source, options);
          const out: string[] = [];
          const stream = new ChunkStream((c) => out.push(c), options);
          for (const p of cut(source, cuts)) stream.push(p);
          stream.end();
          expect(out).toEqual(whole);
          for (const c of whole) expect(c.length).toBeLessThanOrEqual(maxChars);
        },
      ),
      fuzz(600),
    );
  });

  it('hands chunks out before the text ends, and cuts a run without spaces', () => {
    const out: string[] = [];
    const stream = new ChunkStream((c) => out.push(c), { maxChars: 800 });
    for (let i = 0; i < 100; i++) stream.push('x'.repeat(10_000));
    expect(out.length).toBeGreaterThan(1000);
    stream.end();
    expect(out.join('')).toBe('x'.repeat(1_000_000));
    expect(out.every((c) => c.length <= 800)).toBe(true);
  });
});

describe('streaming parsers', () => {
  it.each([
    ['Markdown', markdownParser],
    ['text', textParser],
    ['FAQ JSONL', faqJsonlParser],
    ['FAQ CSV', faqCsvParser],
  ] as const)('%s: the same result however the text is cut', (_name, factory) => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 12 }), (source, cuts) => {
        const options = { maxChars: 200, overlapChars: 40 };
        const whole = parseWhole(factory, source, 'f', options);
        const streamed = parsePieces(factory, cut(source, cuts), options);
        expect(streamed).toEqual({ ...whole, errors: whole.errors.map((e) => e.message) });
      }),
      fuzz(400),
    );
  });

  it('Markdown: a 5 MB line under a heading streams out as chunks under that heading', () => {
    const chunks: ChunkDraft[] = [];
    const parser = markdownParser(
      'big.md',
      { chunk: (c) => chunks.push(c), error: () => {}, refuse: () => {} },
      {},
    );
    parser.push('# Big\n\n');
    for (let i = 0; i < 100; i++) parser.push('Some words in a very long line. '.repeat(1600));
    expect(chunks.length).toBeGreaterThan(1000);
    parser.end();
    expect(chunks.every((c) => c.title === 'Big' && c.line === 3 && c.text.length <= 800)).toBe(
      true,
    );
  });

  it('lines: a long line comes in bounded pieces with its number; CRLF is one break', () => {
    const pieces: LinePiece[] = [];
    const lines = new LineSplitter((p) => pieces.push(p), 10);
    lines.push('ab\r');
    lines.push('\n0123456789abcdefghij');
    lines.push('klm\nend');
    lines.end();
    expect(pieces).toEqual([
      { text: 'ab', line: 1, first: true, last: true },
      { text: '0123456789', line: 2, first: true, last: false },
      { text: 'abcdefghij', line: 2, first: false, last: false },
      { text: 'klm', line: 2, first: false, last: true },
      { text: 'end', line: 3, first: true, last: true },
    ]);
  });

  it('CSV: a record longer than the bound is reported by its line, not held', () => {
    const records: CsvRecord[] = [];
    const reader = new CsvReader((r) => records.push(r), { maxRecordChars: 100 });
    reader.push('q,a\n"');
    for (let i = 0; i < 50; i++) reader.push('long quoted text, '.repeat(10));
    reader.push('",x\nlast,one\n');
    reader.end();
    expect(records).toEqual([
      { fields: ['q', 'a'], line: 1 },
      { fields: [], line: 2, tooLong: true },
      { fields: ['last', 'one'], line: 3 },
    ]);
  });
});
