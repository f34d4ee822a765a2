import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { chunkText } from '../../src/knowledge/chunker.js';
import { readCsv } from '../../src/knowledge/parsers/csv.js';
import { parseFaqCsv } from '../../src/knowledge/parsers/faq-csv.js';
import { parseFaqJsonl } from '../../src/knowledge/parsers/faq-jsonl.js';
import { parseMarkdown } from '../../src/knowledge/parsers/markdown.js';

const sentence = (i: number): string =>
  `Sentence number ${i} talks about fresh bread and delivery times.`;

describe('chunkText', () => {
  it('keeps short text as one chunk', () => {
    expect(chunkText('One. Two.')).toEqual(['One. Two.']);
  });

  it('splits long text under the bound, on word boundaries, with overlap', () => {
    const text = Array.from({ length: 60 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkText(text, { maxChars: 400, overlapChars: 120 });
    expect(chunks.length).toBeGreaterThan(5);
    const words = new Set(text.split(' '));
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(400);
      for (const w of c.split(/\s+/)) expect(words.has(w)).toBe(true);
    }
    for (let i = 1; i < chunks.length; i++) {
      const lastSentence = chunks[i - 1]!.split(/(?<=\.)\s+/).at(-1)!;
      expect(chunks[i]!.startsWith(lastSentence)).toBe(true);
    }
    const all = chunks.join(' ');
    for (let i = 0; i < 60; i++) expect(all).toContain(sentence(i));
  });

  it('splits a sentence longer than the bound by words', () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkText(long, { maxChars: 300, overlapChars: 0 });
    expect(chunks.every((c) => c.length <= 300)).toBe(true);
    expect(chunks.join(' ')).toBe(long);
  });
});

describe('parseMarkdown', () => {
  it('splits by headings and prefixes the heading path', () => {
    const md =
      '---\ntitle: x\n---\n# Shop\n\nIntro **text**.\n\n## Delivery\n\nWe deliver [daily](https://x.example).\n\n```\n# not a heading\n```\n';
    const { chunks, errors } = parseMarkdown(md, 'shop.md');
    expect(errors).toEqual([]);
    expect(chunks.map((c) => c.title)).toEqual(['Shop', 'Shop > Delivery']);
    expect(chunks[0]!.text).toBe('Shop\n\nIntro text.');
    expect(chunks[1]!.text).toContain('We deliver daily (https://x.example).');
    expect(chunks[1]!.text).toContain('# not a heading');
    expect(chunks[1]!.line).toBe(10);
  });
});

describe('FAQ parsers', () => {
  it('JSONL: keeps good lines whole and reports bad ones with file and line', () => {
    const src = [
      '{"question": "Hours?", "answer": "From 7 to 20."}',
      '{"question": "Broken", ',
      '',
      '{"question": "No answer"}',
      '{"question": "Lang?", "answer": "Да", "lang": "ru"}',
      '{"question": "Bad lang", "answer": "x", "lang": "xx"}',
    ].join('\n');
    const { chunks, errors } = parseFaqJsonl(src, 'kb/faq.jsonl');
    expect(chunks.map((c) => c.text)).toEqual(['Hours?\nFrom 7 to 20.', 'Lang?\nДа']);
    expect(chunks[1]!.lang).toBe('ru');
    expect(chunks[1]!.line).toBe(5);
    expect(errors.map((e) => e.source)).toEqual([
      'kb/faq.jsonl:2',
      'kb/faq.jsonl:4',
      'kb/faq.jsonl:6',
    ]);
    expect(errors.every((e) => e instanceof ParseError)).toBe(true);
  });

  it('CSV: quoting, doubled quotes, commas and newlines inside fields', () => {
    const { records } = readCsv('a,b\r\n"x, y","say ""hi""\nthere"\n\nlast,row\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
      ['last', 'row'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it('CSV FAQ: reports bad records with their line and keeps the rest', () => {
    const src =
      'question,answer\n"Q1","A1"\n"only one field"\n"Q3",""\n"Q4","A4\nmore"\n"Q5","A5"\n';
    const { chunks, errors } = parseFaqCsv(src, 'faq.csv');
    expect(chunks.map((c) => c.title)).toEqual(['Q1', 'Q4', 'Q5']);
    expect(chunks[1]!.text).toBe('Q4\nA4 more');
    expect(errors.map((e) => e.source)).toEqual(['faq.csv:3', 'faq.csv:4']);
  });

  it('CSV FAQ: an unterminated quote is reported where it opened', () => {
    const { chunks, errors } = parseFaqCsv('question,answer\nQ1,A1\n"Q2,A2\nQ3,A3\n', 'faq.csv');
    expect(chunks.map((c) => c.title)).toEqual(['Q1']);
    expect(errors[0]!.source).toBe('faq.csv:3');
  });
});
