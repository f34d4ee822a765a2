import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyPhrase } from '../../src/answer/heuristics.js';
import { createLlmClassifier } from '../../src/answer/llm-classifier.js';
import { ModelRouter } from '../../src/answer/router.js';
import { createOpenAiProvider } from '../../src/providers/llm/openai.js';
import { detectLanguage } from '../../src/text/language.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';

/** phrase -> expected tier, reason, language. */
const TABLE: Array<[string, 'cheap' | 'strong' | 'unsure', string, string]> = [
  ['When do you open tomorrow?', 'cheap', 'info', 'en'],
  ['What is your address?', 'cheap', 'info', 'en'],
  ['Do you have rye bread today?', 'cheap', 'availability', 'en'],
  ['Where is my order?', 'cheap', 'order_status', 'en'],
  ['Thanks, bye', 'cheap', 'short', 'en'],
  ['I want to order a birthday cake for Saturday', 'strong', 'order', 'en'],
  ['I want to complain, the bread was stale', 'strong', 'complaint', 'en'],
  ['What is the difference between your rye and sourdough?', 'strong', 'comparison', 'en'],
  ['When do you open? And do you deliver to the harbour?', 'strong', 'multi_question', 'en'],
  ['Tell me something nice about the history of your family bakery', 'unsure', 'unsure', 'en'],
  ['Во сколько вы открываетесь?', 'cheap', 'info', 'ru'],
  ['Какой у вас адрес?', 'cheap', 'info', 'ru'],
  ['Где мой заказ?', 'cheap', 'order_status', 'ru'],
  ['Хочу заказать торт на субботу', 'strong', 'order', 'ru'],
  ['Я хочу пожаловаться, хлеб был черствый', 'strong', 'complaint', 'ru'],
  ['Чем отличается ржаной хлеб от бездрожжевого?', 'strong', 'comparison', 'ru'],
  ['Коли ви відчиняєтесь?', 'cheap', 'info', 'uk'],
  ['Чи є у вас житній хліб?', 'cheap', 'availability', 'uk'],
  ['Хочу замовити торт на суботу', 'strong', 'order', 'uk'],
  ['Я хочу поскаржитися на обслуговування', 'strong', 'complaint', 'uk'],
  ['Порівняйте, будь ласка, ваші торти', 'strong', 'comparison', 'uk'],
  ['מתי אתם פתוחים?', 'cheap', 'info', 'he'],
  ['מה הכתובת שלכם?', 'cheap', 'info', 'he'],
  ['אני רוצה להזמין עוגה ליום שבת', 'strong', 'order', 'he'],
  ['אני רוצה להגיש תלונה על הלחם', 'strong', 'complaint', 'he'],
  ['מה ההבדל בין לחם שיפון ללחם מחמצת?', 'strong', 'comparison', 'he'],
  [
    'So basically I was walking past the other day and was wondering whether the people who work there would maybe be able to help me with a rather unusual request for my grandmother',
    'strong',
    'long',
    'en',
  ],
];

describe('routing heuristics: phrase -> model tier', () => {
  it.each(TABLE)('%s -> %s (%s, %s)', (phrase, tier, reason, language) => {
    const v = classifyPhrase(phrase);
    expect({ tier: v.tier, reason: v.reason, language: v.language }).toEqual({
      tier,
      reason,
      language,
    });
  });

  it('tells Ukrainian from Russian and reads Hebrew script', () => {
    expect(detectLanguage('Скільки коштує торт?')).toBe('uk');
    expect(detectLanguage('Сколько стоит торт?')).toBe('ru');
    expect(detectLanguage('כמה עולה עוגה?')).toBe('he');
    expect(detectLanguage('123', 'ru')).toBe('ru');
  });
});

describe('ModelRouter', () => {
  let server: FixtureServer | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await server?.close();
    server = undefined;
  });

  it('decides by heuristics without calling the classifier', async () => {
    const classifier = vi.fn(async () => 'cheap' as const);
    const router = new ModelRouter({ classifier });
    const d = await router.route('Can you compare your two chocolate cakes?');
    expect(d).toMatchObject({ tier: 'strong', reason: 'comparison', source: 'heuristic' });
    expect(classifier).not.toHaveBeenCalled();
  });

  it('asks the LLM classifier when unsure and caches its decision', async () => {
    server = await startOpenAiServer({ replies: [{ match: { model: 'router' }, text: 'SIMPLE' }] });
    const llm = createOpenAiProvider({ model: 'router', apiKey: 'k', baseURL: server.baseURL });
    const router = new ModelRouter({ classifier: createLlmClassifier(llm) });
    const phrase = 'Tell me something nice about the history of your family bakery';
    expect(await router.route(phrase)).toMatchObject({
      tier: 'cheap',
      reason: 'classifier',
      source: 'classifier',
    });
    expect(await router.route(`${phrase.toUpperCase()}!`)).toMatchObject({
      tier: 'cheap',
      source: 'cache',
    });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.max_tokens).toBe(3);
  });

  it('gives up on the classifier at 800 ms and routes to the strong model (fake clock)', async () => {
    vi.useFakeTimers();
    let sawAbort = false;
    const classifier = (_p: string, signal: AbortSignal) =>
      new Promise<'cheap'>((_, reject) => {
        signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(new Error('aborted'));
        });
      });
    const router = new ModelRouter({ classifier });
    const pending = router.route('Tell me something nice about the history of your family bakery');
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(799);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ tier: 'strong', reason: 'classifier_timeout' });
    expect(sawAbort).toBe(true);
  });

  it('closes a stalled classifier request at the deadline (real fixture)', async () => {
    server = await startOpenAiServer({ replies: [{ text: 'SIMPLE', firstTokenMs: 5000 }] });
    const llm = createOpenAiProvider({ model: 'router', apiKey: 'k', baseURL: server.baseURL });
    const router = new ModelRouter({
      classifier: createLlmClassifier(llm),
      classifierTimeoutMs: 150,
    });
    const t0 = performance.now();
    const d = await router.route('Tell me something nice about the history of your family bakery');
    expect(performance.now() - t0, 'at the 150 ms deadline, not before').toBeGreaterThanOrEqual(
      145,
    );
    expect(d.reason).toBe('classifier_timeout');
    await server.requests[0]!.closed;
    expect(server.requests[0]!.closedEarly).toBe(true);
  });

  it('falls back to the unsure tier on classifier errors, without budget, or when off', async () => {
    const failing = new ModelRouter({
      classifier: async () => {
        throw new Error('boom');
      },
      unsureTier: 'cheap',
    });
    const phrase = 'Tell me something nice about the history of your family bakery';
    expect(await failing.route(phrase)).toMatchObject({
      tier: 'cheap',
      reason: 'classifier_error',
    });
    const classifier = vi.fn(async () => 'cheap' as const);
    const tight = new ModelRouter({ classifier });
    expect(await tight.route(phrase, { canCallLlm: () => false })).toMatchObject({
      tier: 'strong',
      reason: 'unsure',
    });
    expect(classifier).not.toHaveBeenCalled();
    const off = new ModelRouter({ mode: 'off', classifier });
    expect(await off.route('When do you open?')).toMatchObject({
      tier: 'strong',
      reason: 'routing_off',
    });
  });
});
