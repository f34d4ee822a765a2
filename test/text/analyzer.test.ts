import { describe, expect, it } from 'vitest';
import { analyze, related, stemsOf, words } from '../../src/text/analyzer.js';
import { isStopWord, stopWords } from '../../src/text/stop-words.js';
import { stemUkrainian, ukrainianStems } from '../../src/text/ukrainian-stemmer.js';

const same = (lang: 'en' | 'ru' | 'uk' | 'he', ...forms: string[]) =>
  new Set(forms.map((f) => stemsOf(words(f)[0]!, lang)[0])).size === 1;

describe('words and stop words', () => {
  it('keeps apostrophes inside words and writes ё as е', () => {
    expect(words("П’ятниця, child's X-ray, ёлка")).toEqual([
      "п'ятниця",
      "child's",
      'x',
      'ray',
      'елка',
    ]);
  });

  it('drops function words and phone-question words in each language', () => {
    expect(isStopWord('можно', 'ru')).toBe(true);
    expect(isStopWord('ви', 'uk')).toBe(true);
    expect(isStopWord('можна', 'ru')).toBe(true); // Cyrillic lists are shared
    expect(isStopWord('доставка', 'ru')).toBe(false);
    expect(stopWords('en').has('please')).toBe(true);
    expect(analyze('Hi, do you guys accept Apple Pay?', 'en').map((w) => w.word)).toEqual([
      'accept',
      'apple',
      'pay',
    ]);
    expect(analyze('Скажите, а у вас можно заплатить картой?', 'ru').map((w) => w.word)).toEqual([
      'заплатить',
      'картой',
    ]);
    expect(analyze('Чи є у вас паркування?', 'uk').map((w) => w.word)).toEqual(['паркування']);
    expect(analyze('ומה יש לכם בשבת?', 'he').map((w) => w.word)).toEqual(['בשבת']);
  });
});

describe('stemmers', () => {
  it('uses Snowball English (Porter2) and Russian', () => {
    expect(same('en', 'deliveries', 'delivery')).toBe(true);
    expect(same('en', 'sedate', 'sedation')).toBe(true);
    expect(stemsOf('paying', 'en')).toEqual(['pay']);
    expect(same('ru', 'доставка', 'доставку', 'доставки')).toBe(true);
    expect(same('ru', 'субботам', 'субботу')).toBe(true);
    expect(same('ru', 'ребёнку', 'ребенком')).toBe(true);
  });

  it('meets Ukrainian verb, noun and adjective forms', () => {
    expect(same('uk', 'працюєте', 'працюємо', 'працює', 'працюють')).toBe(true);
    expect(same('uk', 'діток', 'дітей', 'діти', 'дітьми')).toBe(true);
    expect(same('uk', 'доставка', 'доставку', 'доставок', 'доставкою')).toBe(true);
    expect(same('uk', 'вартість', 'вартості', 'вартістю')).toBe(true);
    expect(same('uk', 'робити', 'робила', 'робить', 'робимо')).toBe(true);
    expect(same('uk', 'безкоштовний', 'безкоштовна', 'безкоштовно')).toBe(true);
    expect(same('uk', "п'ятниця", 'п’ятницю')).toBe(true);
    expect(same('uk', 'вночі', 'уночі')).toBe(true);
    expect(stemUkrainian('брекети')).toBe('брекет');
    expect(stemUkrainian('роботи')).toBe(stemUkrainian('робота'));
  });

  it('gives both readings of a closed і syllable (біль/болю, but хліб/хліба)', () => {
    expect(ukrainianStems('біль')).toContain(ukrainianStems('болю')[0]);
    expect(ukrainianStems('хліб')).toContain(ukrainianStems('хліба')[0]);
    expect(ukrainianStems('зубів')).toEqual(['зуб']);
  });

  it('reads Hebrew words without prefix letters and plural or feminine endings', () => {
    expect(stemsOf('והמשלוחים', 'he')).toContain('משלוח');
    expect(stemsOf('בשבת', 'he')).toContain('שבת');
    expect(stemsOf('זריקות', 'he')).toContain('זריק');
    expect(stemsOf('זריקה', 'he')).toContain('זריק');
    // ה (the article) is not followed by another prefix letter.
    expect(stemsOf('הלבנה', 'he')).not.toContain('בנה');
  });

  it('relates stems of one family by their beginning', () => {
    expect(related('имплант', 'имплантац')).toBe(true);
    expect(related('дет', 'детск')).toBe(true);
    expect(related('сто', 'стоимост')).toBe(false);
    expect(related('шт', 'штраф')).toBe(false);
    expect(related('שבת', 'שבתות')).toBe(false);
  });
});
