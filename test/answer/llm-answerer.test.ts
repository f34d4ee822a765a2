import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerEvent, AnswerRequest } from '../../src/answer/answerer.js';
import { createLlmAnswerer } from '../../src/answer/llm-answerer.js';
import { type ModelSet, ProviderHealth } from '../../src/answer/model-set.js';
import { ModelRouter } from '../../src/answer/router.js';
import { AbortedError } from '../../src/errors.js';
import { createAnthropicProvider } from '../../src/providers/llm/anthropic.js';
import { createOpenAiProvider } from '../../src/providers/llm/openai.js';
import { startAnthropicServer } from '../fakes/anthropic-server.js';
import {
  type FixtureServer,
  type ScriptedReply,
  startOpenAiServer,
} from '../fakes/openai-server.js';

const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function openai(replies: ScriptedReply[]): Promise<FixtureServer> {
  const s = await startOpenAiServer({ replies });
  servers.push(s);
  return s;
}

function oa(s: FixtureServer, model: string, idleTimeoutMs = 2000) {
  return createOpenAiProvider({ model, apiKey: 'k', baseURL: s.baseURL, idleTimeoutMs });
}

function request(query: string, extra: Partial<AnswerRequest> = {}): AnswerRequest {
  return {
    query,
    passages: [{ id: 'p1', text: 'We open at 7 am on weekdays.', score: 0.9 }],
    history: [],
    system: 'You are the phone assistant of a bakery.',
    language: 'en',
    signal: new AbortController().signal,
    ...extra,
  };
}

async function collect(it: AsyncIterable<AnswerEvent>): Promise<AnswerEvent[]> {
  const out: AnswerEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const texts = (events: AnswerEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
const models = (events: AnswerEvent[]) =>
  events.flatMap((e) => (e.type === 'model' ? [`${e.provider}:${e.model}`] : []));
const done = (events: AnswerEvent[]) => events.find((e) => e.type === 'done');

describe('LLM answerer', () => {
  it('routes a simple question to the cheap model and streams speakable pieces', async () => {
    const s = await openai([
      {
        match: { model: 'mini' },
        text: 'Good morning, we open at seven on weekdays. See you soon!',
      },
    ]);
    const registry = new Registry();
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(s, 'mini')], strong: [oa(s, 'big')] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
      registry,
    });
    const events = await collect(answerer.answer(request('When do you open?')));
    expect(models(events)).toEqual(['openai:mini']);
    expect(texts(events)).toEqual(['Good morning, we open at seven on weekdays.', 'See you soon!']);
    expect(done(events)).toMatchObject({ outcome: 'answered', offline: false });
    expect(events.some((e) => e.type === 'usage')).toBe(true);
    const user = s.requests[0]!.messages.at(-1)!.content;
    expect(user).toContain('[1] We open at 7 am on weekdays.');
    expect(user).toContain('Caller: When do you open?');
    const metric = await registry.getSingleMetric('voxstate_llm_routing_decisions_total')!.get();
    expect(metric.values).toEqual([
      expect.objectContaining({ value: 1, labels: { model: 'mini', reason: 'info' } }),
    ]);
  });

  it('routes a complex question straight to the strong model', async () => {
    const s = await openai([{ text: 'Of course, what cake would you like?' }]);
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(s, 'mini')], strong: [oa(s, 'big')] },
      router: new ModelRouter(),
      fallbackPhone: '1',
    });
    const events = await collect(answerer.answer(request('I want to order a birthday cake')));
    expect(models(events)).toEqual(['openai:big']);
  });

  for (const [what, failure] of [
    ['an HTTP 500', { fail: { status: 500 } }],
    ['an empty answer', { text: '' }],
    ['a refusal in the opening words', { text: "I'm sorry, but I can't help with that request." }],
    ['a provider refusal signal', { text: '', refusal: 'I cannot help.' }],
  ] as Array<[string, ScriptedReply]>) {
    it(`retries once on the strong model after ${what} from the cheap one`, async () => {
      const s = await openai([
        { match: { model: 'mini' }, ...failure },
        { match: { model: 'big' }, text: 'We open at seven.' },
      ]);
      const registry = new Registry();
      const answerer = createLlmAnswerer({
        models: { cheap: [oa(s, 'mini')], strong: [oa(s, 'big')] },
        router: new ModelRouter(),
        fallbackPhone: '1',
        registry,
      });
      const events = await collect(answerer.answer(request('When do you open?')));
      expect(models(events)).toEqual(['openai:mini', 'openai:big']);
      expect(texts(events)).toEqual(['We open at seven.']);
      expect(events.find((e) => e.type === 'retry')).toMatchObject({ model: 'mini' });
      expect(done(events)).toMatchObject({ outcome: 'answered', text: 'We open at seven.' });
      expect(s.requests.map((r) => r.model)).toEqual(['mini', 'big']);
      const metric = await registry.getSingleMetric('voxstate_llm_routing_decisions_total')!.get();
      expect(metric.values.map((v) => v.labels.model)).toEqual(['mini', 'big']);
    });
  }

  it('fails over to the other provider when one is down, and keeps away from it', async () => {
    const down = await openai([{ fail: { status: 503 } }]);
    const up = await startAnthropicServer({ replies: [{ text: 'We open at seven.' }] });
    servers.push(up);
    const an = (model: string) =>
      createAnthropicProvider({ model, apiKey: 'k', baseURL: up.baseURL });
    const set: ModelSet = {
      cheap: [oa(down, 'mini'), an('haiku')],
      strong: [oa(down, 'big'), an('sonnet')],
    };
    const answerer = createLlmAnswerer({
      models: set,
      router: new ModelRouter(),
      fallbackPhone: '1',
      health: new ProviderHealth({ cooldownMs: 60_000 }),
    });
    const first = await collect(answerer.answer(request('When do you open?')));
    expect(models(first)).toEqual(['openai:mini', 'anthropic:sonnet']);
    expect(done(first)).toMatchObject({ outcome: 'answered' });
    const second = await collect(answerer.answer(request('What is your address?')));
    expect(models(second)).toEqual(['anthropic:haiku']);
    expect(down.requests).toHaveLength(1);
  });

  it('fails over when the primary provider refuses connections', async () => {
    const dead = await startOpenAiServer();
    await dead.close();
    const up = await startAnthropicServer({ replies: [{ text: 'Yes, we deliver.' }] });
    servers.push(up);
    const an = (model: string) =>
      createAnthropicProvider({ model, apiKey: 'k', baseURL: up.baseURL });
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(dead, 'mini'), an('haiku')], strong: [oa(dead, 'big'), an('sonnet')] },
      router: new ModelRouter(),
      fallbackPhone: '1',
    });
    const events = await collect(answerer.answer(request('Do you have rye bread?')));
    expect(models(events)).toEqual(['openai:mini', 'anthropic:sonnet']);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ error: 'provider' });
    expect(done(events)).toMatchObject({ outcome: 'answered', text: 'Yes, we deliver.' });
  });

  it('speaks the configured fallback phrase when every model fails', async () => {
    const s = await openai([{ fail: { status: 500 } }]);
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(s, 'mini')], strong: [oa(s, 'big')] },
      router: new ModelRouter(),
      fallbackPhone: '1',
      fallbackPhrase: (reason, language) => `${reason}/${language}`,
    });
    const events = await collect(answerer.answer(request('When do you open?')));
    expect(texts(events)).toEqual(['failed/en']);
    expect(done(events)).toMatchObject({ outcome: 'fallback', fallback: 'failed' });
    expect(s.requests.map((r) => r.model)).toEqual(['mini', 'big']);
  });

  it('does not retry once a piece was released; the answer ends truncated', async () => {
    const s = await openai([
      {
        match: { model: 'mini' },
        text: 'We open at seven on weekdays. And on',
        stallAfterChunks: 7,
      },
      { match: { model: 'big' }, text: 'never used' },
    ]);
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(s, 'mini', 150)], strong: [oa(s, 'big')] },
      router: new ModelRouter(),
      fallbackPhone: '1',
    });
    const events = await collect(answerer.answer(request('When do you open?')));
    expect(texts(events)).toEqual(['We open at seven on weekdays.']);
    expect(done(events)).toMatchObject({ outcome: 'truncated' });
    expect(s.requests).toHaveLength(1);
  });

  it('speaks a fallback when the call budget is spent and counts it', async () => {
    const s = await openai([{ fail: { status: 500 } }]);
    const registry = new Registry();
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(s, 'mini')], strong: [oa(s, 'big')] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
      budget: { maxLlmCalls: 1, maxTokens: 8000 },
      registry,
    });
    const events = await collect(answerer.answer(request('When do you open?')));
    expect(texts(events)).toEqual([
      "I'm sorry, I can't answer that right now. Please call us at +1 555 0142.",
    ]);
    expect(done(events)).toMatchObject({ outcome: 'fallback', fallback: 'budget' });
    expect(s.requests).toHaveLength(1);
    const metric = await registry.getSingleMetric('voxstate_budget_exceeded_total')!.get();
    expect(metric.values).toEqual([
      expect.objectContaining({ value: 1, labels: { budget: 'llm_calls' } }),
    ]);
  });

  it('speaks a fallback in the caller language when the token budget is too small', async () => {
    const s = await openai([{ text: 'never' }]);
    const registry = new Registry();
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(s, 'mini')], strong: [oa(s, 'big')] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
      budget: { maxLlmCalls: 3, maxTokens: 20 },
      registry,
    });
    const events = await collect(
      answerer.answer(request('Когда вы открываетесь?', { language: 'ru' })),
    );
    expect(texts(events).join(' ')).toContain('Извините');
    expect(s.requests).toHaveLength(0);
    const metric = await registry.getSingleMetric('voxstate_budget_exceeded_total')!.get();
    expect(metric.values[0]?.labels.budget).toBe('tokens');
  });

  it('counts the classifier call in the budget', async () => {
    const s = await openai([
      { match: { lastUser: /^Tell me/ }, text: 'COMPLEX' },
      { text: 'Our family has baked here since 1998.' },
    ]);
    const cheap = oa(s, 'mini');
    const { createLlmClassifier } = await import('../../src/answer/llm-classifier.js');
    const answerer = createLlmAnswerer({
      models: { cheap: [cheap], strong: [oa(s, 'big')] },
      router: new ModelRouter({ classifier: createLlmClassifier(cheap) }),
      fallbackPhone: '1',
      budget: { maxLlmCalls: 2, maxTokens: 8000 },
    });
    const phrase = 'Tell me something nice about the history of your family bakery';
    const events = await collect(answerer.answer(request(phrase)));
    expect(models(events)).toEqual(['openai:big']);
    expect(s.requests.map((r) => r.model)).toEqual(['mini', 'big']);
  });

  it('aborts mid-stream: the fixture sees the connection closed and nothing is retried', async () => {
    const s = await openai([
      { text: 'one, two, three, four, five, six, seven, eight.', chunkDelayMs: 40 },
    ]);
    const answerer = createLlmAnswerer({
      models: { cheap: [oa(s, 'mini')], strong: [oa(s, 'big')] },
      router: new ModelRouter(),
      fallbackPhone: '1',
    });
    const ac = new AbortController();
    const events: AnswerEvent[] = [];
    await expect(
      (async () => {
        for await (const e of answerer.answer(
          request('When do you open?', { signal: ac.signal }),
        )) {
          events.push(e);
          // At the first words, while the fixture still has seven chunks 40 ms apart to send: no
          // timer that a loaded machine could fire after the stream has ended.
          if (e.type === 'text') ac.abort();
        }
      })(),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(0);
    await s.requests[0]!.closed;
    expect(s.requests[0]!.closedEarly).toBe(true);
    expect(s.requests).toHaveLength(1);
  });
});
