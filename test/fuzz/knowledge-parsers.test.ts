import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { readCsv } from '../../src/knowledge/parsers/csv.js';
import { parseFaqCsv } from '../../src/knowledge/parsers/faq-csv.js';
import { parseFaqJsonl } from '../../src/knowledge/parsers/faq-jsonl.js';
import { parseMarkdown } from '../../src/knowledge/parsers/markdown.js';
import { parseText } from '../../src/knowledge/parsers/text.js';
import type { ParsedDocument } from '../../src/knowledge/types.js';
import { fuzz } from './fuzz-params.js';

/** Text built from Markdown-significant pieces, so the parsers' branches are all reached. */
const markdownish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '#',
        '# ',
        '### ',
        '####### ',
        '[',
        '](',
        ')',
        '![',
        '`',
        '```',
        '~~~',
        '---',
      ),
      fc.constantFrom('\n', '\r\n', '\n\n', '**', '__', ' ', '\t', '.', '?', 'word', 'ёж', 'שלום'),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 120 },
  )
  .map((parts) => parts.join(''));

const anyText = fc.oneof(markdownish, fc.string({ maxLength: 500, unit: 'grapheme' }));

function lineCount(source: string): number {
  return source.split(/\r?\n|\r/u).length;
}

/** Checks the shape every parser promises, whatever the input. */
function checkDocument(doc: ParsedDocument, source: string, file: string): void {
  const lines = lineCount(source);
  for (const chunk of doc.chunks) {
    expect(chunk.text.trim()).not.toBe('');
    expect(chunk.line).toBeGreaterThanOrEqual(1);
    expect(chunk.line).toBeLessThanOrEqual(lines + 1);
  }
  for (const err of doc.errors) {
    expect(err).toBeInstanceOf(ParseError);
    const m = /^(.*):(\d+)$/u.exec(err.source);
    expect(m?.[1]).toBe(file);
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(1);
    expect(Number(m?.[2])).toBeLessThanOrEqual(lines);
  }
}

/** A question or answer: any text with something besides white space. */
const phrase = fc
  .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
  .filter((s) => s.replace(/\s+/gu, '') !== '');
const lang = fc.constantFrom(undefined, 'en', 'ru', 'uk', 'he');
const pair = fc.record({ question: phrase, answer: phrase, lang });
const norm = (s: string) => s.replace(/\s+/gu, ' ').trim();
const readFirstRecord = (source: string): string[] =>
  (readCsv(source).records[0]?.fields ?? []).map((f) => f.trim().toLowerCase());

describe('knowledge-base parser fuzzing', () => {
  it('Markdown and plain text: any text parses without a throw or an error', () => {
    fc.assert(
      fc.property(anyText, (source) => {
        for (const [parse, file] of [
          [parseMarkdown, 'doc.md'],
          [parseText, 'doc.txt'],
        ] as const) {
          const doc = parse(source, file, { maxChars: 200, overlapChars: 40 });
          checkDocument(doc, source, file);
          expect(doc.errors).toEqual([]);
        }
      }),
      fuzz(400),
    );
  });

  it('Markdown: a long line of link brackets parses in linear time', () => {
    for (const line of ['[a]('.repeat(50_000), '!['.repeat(100_000), '['.repeat(200_000)]) {
      const started = performance.now();
      parseMarkdown(line, 'brackets.md');
      // Quadratic matching took seconds here; linear takes a few ms.
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('FAQ JSONL and CSV: any text parses; problems are ParseErrors naming file and line', () => {
    fc.assert(
      fc.property(anyText, (source) => {
        checkDocument(parseFaqJsonl(source, 'faq.jsonl'), source, 'faq.jsonl');
        checkDocument(parseFaqCsv(source, 'faq.csv'), source, 'faq.csv');
      }),
      fuzz(400),
    );
  });

  it('FAQ JSONL: bad lines are reported by line number and every good line is kept', () => {
    const badLine = fc.oneof(
      fc.string({ maxLength: 30 }).map((s) => `{${s}`),
      fc.constantFrom('[]', 'null', '42', '"text"', 'true', '{"question":"q"}'),
      fc.constantFrom(
        '{"question":1,"answer":"a"}',
        '{"question":"q","answer":"   "}',
        '{"question":"q","answer":"a","lang":"xx"}',
        '{"question":"q","answer":"a","lang":5}',
        '{"question":"q","answer":["a"]}',
      ),
    );
    const line = fc.oneof(
      { arbitrary: pair.map((p) => ({ kind: 'good' as const, p })), weight: 3 },
      { arbitrary: badLine.map((text) => ({ kind: 'bad' as const, text })), weight: 2 },
      {
        arbitrary: fc
          .constantFrom('', '   ', '// a comment')
          .map((text) => ({ kind: 'skip' as const, text })),
        weight: 1,
      },
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        (lines, eol) => {
          const source = lines
            .map((l) => (l.kind === 'good' ? JSON.stringify(l.p) : l.text))
            .join(eol);
          const doc = parseFaqJsonl(source, 'faq.jsonl');
          checkDocument(doc, source, 'faq.jsonl');
          const good = lines.flatMap((l, i) =>
            l.kind === 'good' ? [{ ...l.p, line: i + 1 }] : [],
          );
          expect(doc.chunks.map((c) => [c.line, c.text, c.lang])).toEqual(
            good.map((g) => [g.line, `${norm(g.question)}\n${norm(g.answer)}`, g.lang]),
          );
          expect(doc.errors.map((e) => e.source)).toEqual(
            lines.flatMap((l, i) => (l.kind === 'bad' ? [`faq.jsonl:${i + 1}`] : [])),
          );
        },
      ),
      fuzz(300),
    );
  });

  it('FAQ CSV: bad records are reported by line number and every good record is kept', () => {
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const badRecord = fc.oneof(
      fc.constantFrom('only one field', 'a,b,c', '"",answer', 'question,""', ',', '" ",x'),
      fc
        .tuple(
          phrase,
          phrase,
          phrase.map((p) => `zz${p}`),
        )
        .map((f) => f.map(quote).join(',')),
    );
    const record = fc.oneof(
      { arbitrary: pair.map((p) => ({ kind: 'good' as const, p })), weight: 3 },
      { arbitrary: badRecord.map((text) => ({ kind: 'bad' as const, text })), weight: 1 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom('Question,answer,lang', 'lang,question,answer', 'question,answer'),
        fc.array(record, { maxLength: 25 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        (header, records, eol, unterminated) => {
          const columns = header.toLowerCase().split(',');
          const withLang = columns.includes('lang');
          const row = (p: { question: string; answer: string; lang: string | undefined }) =>
            columns
              .map((c) =>
                c === 'question' ? p.question : c === 'answer' ? p.answer : (p.lang ?? ''),
              )
              .map(quote)
              .join(',');
          const all = [header, ...records.map((r) => (r.kind === 'good' ? row(r.p) : r.text))];
          const starts: number[] = [];
          let lineNo = 1;
          for (const t of all) {
            starts.push(lineNo);
            lineNo += (t.match(/\n/g)?.length ?? 0) + 1;
          }
          if (unterminated) all.push('"never closed,', 'x,y');
          const source = all.join(eol);
          const doc = parseFaqCsv(source, 'faq.csv');
          checkDocument(doc, source, 'faq.csv');
          const good = records.flatMap((r, i) =>
            r.kind === 'good' ? [{ ...r.p, line: starts[i + 1]! }] : [],
          );
          expect(doc.chunks.map((c) => [c.line, c.text, c.lang])).toEqual(
            good.map((g) => [
              g.line,
              `${norm(g.question)}\n${norm(g.answer)}`,
              withLang ? g.lang : undefined,
            ]),
          );
          const bad = records.flatMap((r, i) =>
            r.kind === 'bad' ? [`faq.csv:${starts[i + 1]}`] : [],
          );
          // Problems come in reading order: the quote never closed is found at the end.
          expect(doc.errors.map((e) => e.source)).toEqual(
            unterminated ? [...bad, `faq.csv:${lineNo}`] : bad,
          );
        },
      ),
      fuzz(300),
    );
  });

  it('FAQ CSV: a file whose first line is not the FAQ header is refused whole', () => {
    fc.assert(
      fc.property(
        fc.array(pair, { minLength: 1, maxLength: 10 }),
        fc.constantFrom('', 'name,email\n', 'q,a\n', 'answer,text\n'),
        (pairs, header) => {
          const source =
            header + pairs.map((p) => `"${p.question.replace(/"/g, '""')}",x`).join('\n');
          const first = readFirstRecord(source);
          fc.pre(!first.includes('question') || !first.includes('answer'));
          const doc = parseFaqCsv(source, 'faq.csv');
          expect(doc.chunks).toEqual([]);
          expect(doc.errors).toEqual([]);
          expect(doc.refused).toMatch(
            /^not an FAQ CSV: the first line must be the header "question,answer"/,
          );
        },
      ),
      fuzz(200),
    );
  });
});
