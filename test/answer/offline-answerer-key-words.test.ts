import { describe, expect, it } from 'vitest';
import { createOfflineAnswerer, findCandidates } from '../../src/answer/offline-answerer.js';
import { keyWords } from '../../src/answer/word-match.js';
import type { Passage } from '../../src/knowledge/types.js';
import { analyze } from '../../src/text/analyzer.js';

const BAKERY: Passage[] = [
  {
    id: 'ru-cakes',
    text: 'Сколько стоит торт на день рождения?\nТорты на заказ стоят от $38 за килограмм.',
    score: 1,
  },
  {
    id: 'ru-delivery',
    text: 'Доставка > Зона и стоимость доставки\n\nДоставка до 5 км стоит $4.99, от 5 до 10 км — $7.99.',
    score: 0.6,
  },
  {
    id: 'uk-cakes',
    text: 'Скільки коштує торт?\nТорти на замовлення коштують від $38 за кілограм.',
    score: 0.5,
  },
  { id: 'he-cakes', text: 'כמה עולה עוגה?\nעוגות בהזמנה עולות החל מ-$38 לקילו.', score: 0.5 },
];

async function say(query: string, language: string, passages = BAKERY) {
  const answerer = createOfflineAnswerer({ phone: '+1-555-0142' });
  for await (const e of answerer.answer({
    query,
    passages,
    history: [],
    system: '',
    language,
    signal: new AbortController().signal,
  })) {
    if (e.type === 'done') return e;
  }
  throw new Error('no done event');
}

describe('offline answerer: the question key words', () => {
  it('takes the subject, not the frame, as the key words', () => {
    const words = (q: string, lang: 'en' | 'ru' | 'uk' | 'he') =>
      keyWords(analyze(q, lang), lang).map((w) => w.word);
    expect(words('Сколько стоит доставка?', 'ru')).toEqual(['доставка']);
    expect(words('How much does an implant cost?', 'en')).toEqual(['implant']);
    expect(words('Ви працюєте в суботу?', 'uk')).toEqual(['суботу']);
    expect(words('When are you open?', 'en')).toEqual([]);
    expect(words('כמה עולה שתל?', 'he')).toEqual(['שתל']);
  });

  it('says it does not know, in the call language, when no passage has the key word', async () => {
    const ru = await say('Сколько стоит имплант?', 'ru');
    expect(ru).toMatchObject({ outcome: 'fallback' });
    expect(ru.text).toBe(
      'Извините, я этого не знаю. Вы можете позвонить нашим сотрудникам по номеру +1-555-0142.',
    );
    const uk = await say('Скільки коштує імплант?', 'uk');
    expect(uk.text).toMatch(/^Вибачте, я цього не знаю/u);
    const he = await say('כמה עולה שתל?', 'he');
    expect(he.text).toMatch(/^סליחה, אני לא יודעת/u);
    const en = await say('How much is a dental implant?', 'en');
    expect(en.text).toMatch(/^I'm sorry, I don't know that/u);
  });

  it('answers from a lower-ranked passage that has the key word, never from one that misses it', async () => {
    const done = await say('Сколько стоит доставка?', 'ru');
    expect(done).toMatchObject({ outcome: 'answered' });
    expect(done.text).toBe('Доставка до 5 км стоит $4.99, от 5 до 10 км — $7.99.');
    expect(
      findCandidates('Сколько стоит доставка?', BAKERY, 'ru').map((c) => c.passageId),
    ).not.toContain('ru-cakes');
  });

  it('still answers a question that is all frame from the best passage', async () => {
    const hours: Passage[] = [
      { id: 'h', text: 'Во сколько вы открываетесь?\nКаждый день с 8:00 до 20:00.', score: 1 },
    ];
    expect((await say('Когда вы открываетесь?', 'ru', hours)).text).toBe(
      'Каждый день с 8:00 до 20:00.',
    );
  });

  it('lets one of three key words be missing (a long colloquial question)', async () => {
    const lift: Passage[] = [
      {
        id: 'a',
        text: 'Address and parking\n\nThere is a lift and the clinic is step-free.',
        score: 1,
      },
    ];
    expect(
      (await say('do you have a lift for a wheelchair, and is it step-free?', 'en', lift)).text,
    ).toBe('There is a lift and the clinic is step-free.');
  });
});
