/**
 * Preemptive answers on a fake clock: a finished partial unchanged for the stable interval starts
 * the answer (model and first sentence's synthesis) without playing anything; the answer actor
 * takes it over when the final transcript, passages and history match (a hit, replayed from the
 * start), and otherwise it is cancelled (the model's signal aborts) with its tokens recorded in
 * the cost ledger as wasted; new words cancel it at once; hits and misses are counted.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { PreemptiveAnswer } from '../../src/actors/preemptive-answer.js';
import type { AnswerEvent, Answerer, AnswerRequest } from '../../src/answer/answerer.js';
import type { ToolRunner } from '../../src/answer/tool-runner.js';
import { CostLedger } from '../../src/cost/ledger.js';
import type { PriceTable } from '../../src/cost/prices.js';
import type { Passage } from '../../src/knowledge/types.js';
import type { SynthesizeOptions } from '../../src/speech/tts-service.js';
import { registerCatalog } from '../../src/telemetry/catalog.js';
import { FakeClock } from '../fakes/fake-clock.js';

const PASSAGES: Passage[] = [{ id: 'p1', text: 'We deliver every day.', score: 0.9 }];
const PRICES = {
  currency: 'USD',
  stt: {},
  llm: { fast: { inputPerToken: 0.001, outputPerToken: 0.002 } },
  tts: {},
  embeddings: {},
  realtime: {},
  baseline: {},
} as unknown as PriceTable;

/** An answerer whose stream the test releases piece by piece. */
function scriptedAnswerer(withUsage: boolean) {
  const requests: AnswerRequest[] = [];
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => (release = r));
  const answerer: Answerer = {
    kind: 'llm',
    async *answer(req): AsyncIterable<AnswerEvent> {
      requests.push(req);
      yield {
        type: 'model',
        provider: 'fake',
        model: 'fast',
        tier: 'cheap',
        reason: 't',
        attempt: 1,
      };
      yield { type: 'text', text: 'Yes, we deliver.' };
      await new Promise<void>((resolve, reject) => {
        req.signal.addEventListener('abort', () => reject(req.signal.reason), { once: true });
        void gate.then(resolve);
      });
      yield { type: 'text', text: 'Every day.' };
      if (withUsage) {
        yield {
          type: 'usage',
          provider: 'fake',
          model: 'fast',
          usage: { inputTokens: 100, outputTokens: 10 },
        };
      }
      yield {
        type: 'done',
        text: 'Yes, we deliver. Every day.',
        offline: false,
        outcome: 'answered',
      };
    },
  };
  return {
    answerer,
    requests,
    next: () => {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
  };
}

function rig(options: { withUsage?: boolean; tools?: ToolRunner } = {}) {
  const clock = new FakeClock({ startMs: 0 });
  const model = scriptedAnswerer(options.withUsage ?? false);
  const synthesized: string[] = [];
  const tts = {
    async *synthesize(text: string, o: SynthesizeOptions) {
      synthesized.push(text);
      o.onSource?.('engine');
      yield Buffer.from(text);
    },
  };
  const registry = new Registry();
  registerCatalog(registry);
  const ledger = new CostLedger({ prices: PRICES });
  const retrieved: string[] = [];
  const p = new PreemptiveAnswer({
    answerer: model.answerer,
    tts,
    passages: async (query) => {
      retrieved.push(query);
      return PASSAGES;
    },
    system: () => 'You are a bakery.',
    clock,
    format: 'slin16',
    ledger,
    stableMs: 200,
    registry,
    ...(options.tools ? { tools: options.tools } : {}),
  });
  const counted = async (outcome: string) =>
    (await registry.getSingleMetric('voxstate_preemptive_answers_total')?.get())?.values.find(
      (v) => v.labels.outcome === outcome,
    )?.value ?? 0;
  return { clock, model, synthesized, ledger, p, retrieved, counted };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const request = (query: string) => ({ query, passages: PASSAGES, history: [], language: 'en' });

async function collect(events: AsyncIterable<AnswerEvent>): Promise<AnswerEvent[]> {
  const out: AnswerEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

describe('preemptive answers', () => {
  it('starts on a finished partial unchanged for the stable interval, and the answer takes it over', async () => {
    const r = rig({ withUsage: true });
    r.p.listen({ history: [], language: 'en' });
    r.p.partial('Do you deliver on Sunday?', false);
    r.clock.advance(150);
    await settle();
    expect(r.model.requests).toHaveLength(0);
    r.clock.advance(60);
    await settle();
    expect(r.model.requests.map((q) => q.query)).toEqual(['Do you deliver on Sunday?']);
    expect(r.model.requests[0]?.passages).toEqual(PASSAGES);
    expect(r.synthesized).toEqual(['Yes, we deliver.']);
    r.p.leave();

    const taken = await r.p.take(request('do you deliver on sunday'), new AbortController().signal);
    if (!taken) throw new Error('expected the preemption to be taken');
    r.model.next();
    const events = await collect(taken.events);
    expect(events.filter((e) => e.type === 'text').map((e) => e.type === 'text' && e.text)).toEqual(
      ['Yes, we deliver.', 'Every day.'],
    );
    // The first sentence's audio is replayed, not synthesized again; the rest is.
    const chunks: Buffer[] = [];
    const opts = { language: 'en', format: 'slin16' as const };
    for await (const c of taken.tts.synthesize('Yes, we deliver.', opts)) chunks.push(c);
    for await (const c of taken.tts.synthesize('Every day.', opts)) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe('Yes, we deliver.Every day.');
    expect(r.synthesized).toEqual(['Yes, we deliver.', 'Every day.']);
    expect(r.p.hits).toBe(1);
    expect(r.p.misses).toBe(0);
    expect(await r.counted('hit')).toBe(1);
    expect(r.ledger.breakdown().wastedTokens).toBe(0);
  });

  it('does not start on an unfinished partial, nor outside the listening state', async () => {
    const r = rig();
    r.p.partial('Do you deliver on Sunday?', true);
    r.p.listen({ history: [], language: 'en' });
    r.p.partial('I would like to order a cake and', true);
    r.clock.advance(1_000);
    await settle();
    expect(r.model.requests).toHaveLength(0);
    r.p.leave();
    r.p.partial('Do you deliver on Sunday?', true);
    await settle();
    expect(r.model.requests).toHaveLength(0);
  });

  it('cancels when the caller goes on, aborting the model stream and recording the waste', async () => {
    const r = rig();
    r.p.listen({ history: [], language: 'en' });
    r.p.partial('Do you deliver?', true);
    await settle();
    const signal = r.model.requests[0]?.signal;
    expect(signal?.aborted).toBe(false);
    r.p.partial('Do you deliver cakes to Haifa', false);
    expect(signal?.aborted).toBe(true);
    expect(r.p.misses).toBe(1);
    expect(await r.counted('miss')).toBe(1);
    // No usage came before the abort: estimated from what was sent and received.
    const prompt = 'You are a bakery.'.length + 'Do you deliver?'.length + PASSAGES[0]!.text.length;
    const expected = Math.ceil(prompt / 4) + Math.ceil('Yes, we deliver.'.length / 4);
    const cost = r.ledger.breakdown();
    expect(cost.wastedTokens).toBe(expected);
    expect(cost.wasted).toBeGreaterThan(0);
    expect(cost.wasted).toBe(cost.llm);
    expect(cost.baseline.llm).toBe(0);
    expect(
      await r.p.take(request('Do you deliver cakes to Haifa?'), new AbortController().signal),
    ).toBeUndefined();
  });

  it('cancels when the final transcript differs, and when the history is not the turn it answered', async () => {
    const r = rig({ withUsage: true });
    r.p.listen({ history: [], language: 'en' });
    r.p.partial('Do you deliver?', true);
    await settle();
    r.model.next();
    await settle();
    expect(
      await r.p.take(request('Do you deliver cakes?'), new AbortController().signal),
    ).toBeUndefined();
    expect(r.model.requests[0]?.signal.aborted).toBe(true);
    // The stream had finished: its reported usage is what was wasted.
    expect(r.ledger.breakdown().wastedTokens).toBe(110);

    r.p.listen({ history: [], language: 'en' });
    r.p.partial('Do you deliver?', true);
    await settle();
    const other = {
      ...request('Do you deliver?'),
      history: [{ role: 'user' as const, content: 'hi' }],
    };
    expect(await r.p.take(other, new AbortController().signal)).toBeUndefined();
    expect(r.p.misses).toBe(2);
    expect(r.p.hits).toBe(0);
  });

  it('a taken answer aborts with the answer, and hang-up cancels one in flight', async () => {
    const r = rig();
    r.p.listen({ history: [], language: 'en' });
    r.p.partial('Do you deliver?', true);
    await settle();
    const answer = new AbortController();
    const taken = await r.p.take(request('Do you deliver?'), answer.signal);
    expect(taken).toBeDefined();
    answer.abort();
    expect(r.model.requests[0]?.signal.aborted).toBe(true);

    r.p.listen({ history: [], language: 'en' });
    r.p.partial('Are you open today?', true);
    await settle();
    r.p.close();
    expect(r.model.requests[1]?.signal.aborted).toBe(true);
    expect(r.p.misses).toBe(1);
  });

  it("runs the model's tool calls only once the answer has taken it over", async () => {
    const ran: string[] = [];
    const tools: ToolRunner = {
      specs: [],
      fillerAfterMs: () => 1_000,
      timeoutMs: () => undefined,
      forCall: () => tools,
      run: async (call) => {
        ran.push(call.name);
        return { status: 'ok', content: 'done' } as never;
      },
    };
    const r = rig({ tools });
    r.p.listen({ history: [], language: 'en' });
    r.p.partial('Do you deliver?', true);
    await settle();
    const gated = r.model.requests[0]?.tools;
    expect(gated).toBeDefined();
    const running = gated?.run(
      { id: '1', name: 'lookup', arguments: '{}' } as never,
      new AbortController().signal,
    );
    await settle();
    expect(ran).toEqual([]);
    await r.p.take(request('Do you deliver?'), new AbortController().signal);
    await running;
    expect(ran).toEqual(['lookup']);
  });
});
