import { describe, expect, it } from 'vitest';
import { chunkLanguage, queryLanguage } from '../../src/knowledge/language.js';
import { detectLanguage, detectTextLanguage } from '../../src/text/language.js';

describe('language detection (one detector for calls, chunks and queries)', () => {
  it('reads the script: Hebrew, Cyrillic, Latin; nothing without letters', () => {
    expect(detectTextLanguage('כמה עולה שתל?')).toBe('he');
    expect(detectTextLanguage('Do you take Apple Pay?')).toBe('en');
    expect(detectTextLanguage('12:00 — 14:00')).toBeUndefined();
    expect(detectLanguage('123', 'ru')).toBe('ru');
    expect(chunkLanguage('12:00 — 14:00')).toBe('und');
  });

  it('tells Ukrainian from Russian by their own letters', () => {
    expect(detectTextLanguage('Скільки коштує імплант?')).toBe('uk');
    expect(detectTextLanguage("До котрої ви відчинені в п'ятницю?")).toBe('uk');
    expect(detectTextLanguage('Вы работаете в субботу?')).toBe('ru');
    expect(detectTextLanguage('Сколько стоит съёмка?')).toBe('ru');
  });

  it('tells them apart by words and endings when no letter of their own is there', () => {
    // No і ї є ґ, no ы э ъ ё in any of these.
    expect(detectTextLanguage('Хочу скасувати запис')).toBe('uk');
    expect(detectTextLanguage('Чи можна оплатити карткою?')).toBe('uk');
    expect(detectTextLanguage('Я хочу поскаржитися на обслуговування')).toBe('uk');
    expect(detectTextLanguage('Сколько стоит доставка?')).toBe('ru');
    expect(detectTextLanguage('Можно оплатить картой?')).toBe('ru');
    expect(detectTextLanguage('Где парковка?')).toBe('ru');
  });

  it('lets a hint settle Cyrillic text without marks, but not outvote the text', () => {
    expect(detectTextLanguage('Доставка?')).toBe('ru');
    expect(detectTextLanguage('Доставка?', 'uk')).toBe('uk');
    expect(queryLanguage('Доставка?', 'uk')).toBe('uk');
    expect(queryLanguage('Чи лікуєте ви діток?', 'ru')).toBe('uk');
    expect(queryLanguage('Сколько стоит доставка?', 'uk')).toBe('ru');
    expect(queryLanguage('12:30', 'he')).toBe('he');
    expect(queryLanguage('12:30')).toBeUndefined();
    expect(queryLanguage('12:30', 'xx')).toBeUndefined();
  });
});
