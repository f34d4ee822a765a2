import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AnswerEvent } from '../../src/answer/answerer.js';
import { loadAnswerConfig } from '../../src/answer/config.js';
import { createAnswerer } from '../../src/answer/create-answerer.js';
import { createOfflineAnswerer, parseFaq } from '../../src/answer/offline-answerer.js';
import { AbortedError } from '../../src/errors.js';
import type { Passage } from '../../src/knowledge/types.js';

const PASSAGES: Passage[] = [
  {
    id: 'faq-hours',
    text: 'Q: What are your opening hours? A: We are open from 7 am to 7 pm on weekdays, and from 8 to 4 on Saturday.',
    score: 0.8,
  },
  {
    id: 'faq-gluten',
    text: 'Q: Do you have gluten-free bread? A: Yes, gluten-free bread is baked on Tuesdays and Fridays.',
    score: 0.7,
  },
  {
    id: 'about',
    text: 'Sunny Crust is a family bakery founded in 1998. Our sourdough rises for 36 hours before baking. We also sell coffee.',
    score: 0.6,
  },
  {
    id: 'faq-ru',
    text: 'Вопрос: Есть ли у вас доставка? Ответ: Да, мы доставляем заказы от 30 долларов в радиусе 5 км.',
    score: 0.5,
  },
  {
    id: 'faq-he',
    text: 'שאלה: האם יש לכם חניה? תשובה: כן, יש חניה חינם מאחורי המאפייה.',
    score: 0.5,
  },
];

async function ask(query: string, language = '', passages = PASSAGES, registry?: Registry) {
  const answerer = createOfflineAnswerer({
    phone: '+1 555 0142',
    ...(registry ? { registry } : {}),
  });
  const events: AnswerEvent[] = [];
  for await (const e of answerer.answer({
    query,
    passages,
    history: [],
    system: '',
    language,
    signal: new AbortController().signal,
  })) {
    events.push(e);
  }
  const done = events.find((e) => e.type === 'done');
  if (done?.type !== 'done') throw new Error('no done event');
  return { events, done };
}

describe('offline answerer', () => {
  it('answers from the answer part of the best matching FAQ passage', async () => {
    const { events, done } = await ask('When are you open?');
    expect(events[0]).toEqual({ type: 'offline' });
    expect(done).toMatchObject({
      offline: true,
      outcome: 'answered',
      text: 'We are open from 7 am to 7 pm on weekdays, and from 8 to 4 on Saturday.',
    });
    const pieces = events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
    expect(pieces.join(' ')).toBe(done.text);
  });

  it('answers from prose with the best matching sentences', async () => {
    const { done } = await ask('How long does the sourdough rise?');
    expect(done.text).toBe('Our sourdough rises for 36 hours before baking.');
  });

  it('answers in the query language from FAQ in Russian and Hebrew', async () => {
    expect((await ask('А доставка у вас есть?')).done.text).toBe(
      'Да, мы доставляем заказы от 30 долларов в радиусе 5 км.',
    );
    expect((await ask('יש חניה?')).done.text).toBe('כן, יש חניה חינם מאחורי המאפייה.');
  });

  it('says it does not know, with the phone number, in the caller language', async () => {
    const registry = new Registry();
    const en = await ask('Can I bring my dog to the concert?', '', PASSAGES, registry);
    expect(en.done).toMatchObject({ outcome: 'fallback' });
    expect(en.done.text).toBe(
      "I'm sorry, I don't know that. You can reach our staff at +1 555 0142.",
    );
    const uk = await ask('Чи можна прийти з собакою на концерт?', '', PASSAGES, registry);
    expect(uk.done.text).toContain('Вибачте, я цього не знаю');
    const metric = await registry.getSingleMetric('voxstate_offline_answers_total')!.get();
    expect(metric.values).toContainEqual(
      expect.objectContaining({ value: 1, labels: { outcome: 'fallback', language: 'uk' } }),
    );
  });

  it('ranks matches by the retriever score and never answers from a passage that misses the key word', async () => {
    const passages: Passage[] = [
      {
        id: 'cakes',
        text: 'How much does a custom cake cost?\nCustom cakes cost from $38 per kilogram.',
        score: 0.4,
      },
      {
        id: 'delivery',
        text: 'Do you deliver?\nYes, delivery costs $4.99 within 5 km.',
        score: 0.9,
      },
      { id: 'slow', text: 'How fast is delivery?\nUsually within 60 to 90 minutes.', score: 0.8 },
    ];
    expect((await ask('How much is delivery?', 'en', passages)).done.text).toBe(
      'Yes, delivery costs $4.99 within 5 km.',
    );
    // The cake passage ranked first shares "how much ... cost" with the question but not its
    // key word, "delivery" (the Russian demo's turn 2 was answered with cake prices this way).
    const swapped = passages.map((p) => ({ ...p, score: p.id === 'cakes' ? 0.95 : 0.3 }));
    expect((await ask('How much is delivery?', 'en', swapped)).done.text).toBe(
      'Yes, delivery costs $4.99 within 5 km.',
    );
    const fast = [passages[2]!, { ...passages[1]!, score: 0.2 }];
    expect((await ask('How fast is delivery?', 'en', fast)).done.text).toBe(
      'Usually within 60 to 90 minutes.',
    );
  });

  it('parses FAQ labels in four languages', () => {
    expect(parseFaq('Q: a? A: b.')).toEqual({ question: 'a?', answer: 'b.' });
    expect(parseFaq('Питання: де? Відповідь: тут.')).toEqual({ question: 'де?', answer: 'тут.' });
    expect(parseFaq('Just prose.')).toBeUndefined();
    expect(parseFaq('Do you deliver?\nYes, within 10 km.')).toEqual({
      question: 'Do you deliver?',
      answer: 'Yes, within 10 km.',
    });
  });

  it('stops when aborted', async () => {
    const answerer = createOfflineAnswerer({ phone: '1' });
    const ac = new AbortController();
    ac.abort();
    const it = answerer.answer({
      query: 'x',
      passages: [],
      history: [],
      system: '',
      language: 'en',
      signal: ac.signal,
    });
    await expect(it[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(AbortedError);
  });

  it('is what createAnswerer picks when no provider is configured', () => {
    expect(createAnswerer(loadAnswerConfig({}), { phone: '1' }).kind).toBe('offline');
    expect(createAnswerer(loadAnswerConfig({ OPENAI_API_KEY: 'sk-x' }), { phone: '1' }).kind).toBe(
      'llm',
    );
  });
});
