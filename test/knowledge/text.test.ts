import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { keywordTerms } from '../../src/knowledge/keyword-terms.js';
import { chunkLanguage } from '../../src/knowledge/language.js';
import { normalizeQuery } from '../../src/knowledge/normalize.js';
import { vectorTableName } from '../../src/knowledge/table-name.js';
import { decodeVector, encodeVector } from '../../src/knowledge/vector-codec.js';

describe('text helpers', () => {
  it('detects chunk languages by script, und without letters', () => {
    expect(chunkLanguage('We deliver every day')).toBe('en');
    expect(chunkLanguage('Доставка работает каждый день')).toBe('ru');
    expect(chunkLanguage('Доставляємо щодня, включно з неділею')).toBe('uk');
    expect(chunkLanguage('אנחנו שולחים כל יום')).toBe('he');
    expect(chunkLanguage('12:00 — 14:00')).toBe('und');
  });

  it('normalizes queries for cache keys', () => {
    expect(normalizeQuery('  Do you   DELIVER?! ')).toBe('do you deliver');
    expect(normalizeQuery('Е\u0308ЛКА')).toBe(normalizeQuery('ёлка'));
  });

  it('reduces inflected words to shared keyword stems', () => {
    expect(keywordTerms('доставка', 'ru')).toBe(keywordTerms('доставку', 'ru'));
    expect(keywordTerms('Deliveries', 'en')).toBe(keywordTerms('delivery', 'en'));
    expect(keywordTerms('Сколько стоит доставка?', 'ru')).toBe('сто доставк');
  });

  it('meets Hebrew words with attached prefixes and plural endings', () => {
    const shared = (a: string, b: string) => {
      const t = keywordTerms(b).split(' ');
      return keywordTerms(a)
        .split(' ')
        .filter((x) => t.includes(x));
    };
    expect(shared('והמשלוחים', 'משלוח')).toContain('משלוח');
    expect(shared('למאפייה', 'מאפייה')).toContain('מאפייה');
  });

  it('round-trips vectors through Float32 LE bytes and rejects bad lengths', () => {
    const v = Float32Array.from([0.5, -0.25, 1e-7, 3]);
    const bytes = encodeVector(v.subarray(1));
    expect(bytes.length).toBe(12);
    expect(bytes.readFloatLE(0)).toBe(-0.25);
    expect(Array.from(decodeVector(bytes, 3))).toEqual(Array.from(v.subarray(1)));
    expect(() => decodeVector(Buffer.alloc(7))).toThrow(ParseError);
  });

  it('derives distinct, safe table names from model ids', () => {
    const a = vectorTableName('local:Xenova/multilingual-e5-small');
    expect(a).toMatch(/^kb_vec_local_xenova_multilingual_e5_small_[0-9a-f]{8}$/);
    expect(vectorTableName('a/b')).not.toBe(vectorTableName('a_b'));
  });
});
