import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpeechChunker, splitSentences } from '../../src/text/speech-chunker.js';

/** Streams `text` in pieces of `size` characters (0 = word by word) and collects the output. */
function run(text: string, size = 0): string[] {
  const c = new SpeechChunker();
  const deltas = size === 0 ? (text.match(/\S+\s*|\s+/g) ?? []) : chunk(text, size);
  const out: string[] = [];
  for (const d of deltas) out.push(...c.push(d));
  out.push(...c.flush());
  return out;
}

function chunk(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts;
}

const GOLDEN: Array<{ lang: string; text: string; pieces: string[] }> = [
  {
    lang: 'en',
    text: 'Sure, we are open today, from 8 a.m. to 6 p.m. Mr. Smith bakes at 10:30 every morning. A loaf costs $3.50, and 1,000 loaves sell weekly! Anything else?',
    pieces: [
      'Sure, we are open today,',
      'from 8 a.m. to 6 p.m. Mr. Smith bakes at 10:30 every morning.',
      'A loaf costs $3.50, and 1,000 loaves sell weekly!',
      'Anything else?',
    ],
  },
  {
    lang: 'en',
    text: 'Well... we sell bread, cakes, etc. The shop is on Main St. near the park — ask for Dr. Brown, e.g. at the counter.',
    pieces: [
      'Well...',
      'we sell bread, cakes, etc.',
      'The shop is on Main St. near the park — ask for Dr. Brown, e.g. at the counter.',
    ],
  },
  {
    lang: 'ru',
    text: 'Добрый день! Мы находимся по адресу ул. Ленина, д. 5, т.е. в самом центре. Работаем с 9:00 до 18:30, цена батона 3,5 рубля. Он сказал: «Приходите завтра.» Ждём вас…',
    pieces: [
      'Добрый день!',
      'Мы находимся по адресу ул. Ленина, д. 5, т.е. в самом центре.',
      'Работаем с 9:00 до 18:30, цена батона 3,5 рубля.',
      'Он сказал: «Приходите завтра.»',
      'Ждём вас…',
    ],
  },
  {
    lang: 'ru',
    text: 'Конечно, мы доставляем заказы — по городу бесплатно. Хлеб, торты и т.д. Всё свежее.',
    pieces: [
      'Конечно, мы доставляем заказы —',
      'по городу бесплатно.',
      'Хлеб, торты и т.д.',
      'Всё свежее.',
    ],
  },
  {
    lang: 'uk',
    text: 'Так, ми працюємо щодня, крім неділі. Наша адреса: вул. Шевченка, буд. 12, м. Київ. Ціна — 45,50 грн. Чекаємо на вас!',
    pieces: [
      'Так, ми працюємо щодня,',
      'крім неділі.',
      'Наша адреса: вул. Шевченка, буд. 12, м. Київ.',
      'Ціна — 45,50 грн. Чекаємо на вас!',
    ],
  },
  {
    lang: 'he',
    text: 'שלום, אנחנו פתוחים היום עד 18:00. הכתובת שלנו היא רחוב הרצל 5, תל אביב! צה״ל מזמינים אצלנו? כן׃ בכל יום.',
    pieces: [
      'שלום, אנחנו פתוחים היום עד 18:00.',
      'הכתובת שלנו היא רחוב הרצל 5, תל אביב!',
      'צה״ל מזמינים אצלנו?',
      'כן׃',
      'בכל יום.',
    ],
  },
  {
    lang: 'he',
    text: 'בטח, המחיר הוא 12.5 שקלים לכיכר. "נשמח לראותכם." תודה!',
    pieces: ['בטח, המחיר הוא 12.5 שקלים לכיכר.', '"נשמח לראותכם."', 'תודה!'],
  },
];

describe('SpeechChunker golden pieces', () => {
  for (const g of GOLDEN) {
    it(`${g.lang}: ${g.text.slice(0, 40)}`, () => {
      expect(run(g.text)).toEqual(g.pieces);
      expect(run(g.text, 1)).toEqual(g.pieces);
      expect(run(g.text, 7)).toEqual(g.pieces);
      expect(run(g.text, 10_000)).toEqual(g.pieces);
    });
  }
});

describe('SpeechChunker streaming behaviour', () => {
  it('releases the first clause before the sentence is complete', () => {
    const c = new SpeechChunker();
    expect(c.push('Hello there, ')).toEqual([]);
    expect(c.push('welcome to ')).toEqual([]);
    expect(c.push('Sunny Bakery, ')).toEqual(['Hello there, welcome to Sunny Bakery,']);
    expect(c.push('how can I help')).toEqual([]);
    expect(c.flush()).toEqual(['how can I help']);
  });

  it('does not release a short first clause', () => {
    const c = new SpeechChunker();
    expect(c.push('Hi, ')).toEqual([]);
    expect(c.push('we open at nine. ')).toEqual([]);
    expect(c.push('B')).toEqual(['Hi, we open at nine.']);
  });

  it('waits for the next character before deciding on a full stop', () => {
    const c = new SpeechChunker({ firstClause: false });
    expect(c.push('It costs 3.')).toEqual([]);
    expect(c.push('5 dollars. ')).toEqual([]);
    expect(c.push('Thanks')).toEqual(['It costs 3.5 dollars.']);
  });

  it('drops Markdown marks a model may emit', () => {
    expect(run('**Sure!** We have:\n- rye bread,\n- sourdough. `Great`')).toEqual([
      'Sure!',
      'We have: rye bread, sourdough.',
      'Great',
    ]);
  });

  it('cuts an overlong run at a space, never inside a word', () => {
    const c = new SpeechChunker({ maxChars: 40 });
    const words =
      'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron';
    const out = [...c.push(words), ...c.flush()];
    expect(out.length).toBeGreaterThan(1);
    for (const p of out) expect(p.length).toBeLessThanOrEqual(40);
    expect(out.join(' ')).toBe(words);
  });

  it('never loses or splits words, however the text is streamed', () => {
    const word = fc.stringMatching(/^[a-zA-Zа-яА-Яא-ת0-9]{1,8}$/);
    const punct = fc.constantFrom('', '', '', ',', '.', '!', '?', ':', '...', '»', ' —', '.»');
    const text = fc
      .array(fc.tuple(word, punct), { minLength: 1, maxLength: 40 })
      .map((ws) => ws.map(([w, p]) => w + p).join(' '));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 20 }), (t, size) => {
        const out = run(t, size);
        const tokens = t.split(/\s+/).filter(Boolean);
        expect(out.join(' ').split(/\s+/).filter(Boolean)).toEqual(tokens);
        for (const p of out) expect(p).toBe(p.trim());
      }),
      { numRuns: 200 },
    );
  });
});

describe('splitSentences', () => {
  it('splits a whole text into sentences, merging short ones into the next', () => {
    expect(splitSentences('Hello. How can I help you today?')).toEqual([
      'Hello. How can I help you today?',
    ]);
    expect(splitSentences('We open at nine. We close at five on Fridays.', 10)).toEqual([
      'We open at nine.',
      'We close at five on Fridays.',
    ]);
  });

  it('keeps abbreviations, numbers and a short tail with their sentence', () => {
    expect(
      splitSentences('Приходите на ул. Ленина, 5 в 10:30. Цена 3.5 тыс. руб. Ждём!', 12),
    ).toEqual(['Приходите на ул. Ленина, 5 в 10:30.', 'Цена 3.5 тыс. руб. Ждём!']);
    expect(splitSentences('')).toEqual([]);
  });
});
