/**
 * The routing classifier's tokens are charged to the call that caused the classification: the
 * real answerer, router and classifier against the OpenAI fixture (usage in the stream), each
 * usage event charged the way the answer actor charges it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chargeLlmUsage } from '../../src/actors/stream-answer.js';
import { createLlmAnswerer } from '../../src/answer/llm-answerer.js';
import { createLlmClassifier } from '../../src/answer/llm-classifier.js';
import { ModelRouter } from '../../src/answer/router.js';
import { CostLedger } from '../../src/cost/ledger.js';
import { type PriceTable, parsePriceTable } from '../../src/cost/prices.js';
import { createOpenAiProvider } from '../../src/providers/llm/openai.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';

const prices: PriceTable = parsePriceTable({
  replaceDefaults: true,
  currency: 'USD',
  llm: {
    mini: { inputPerToken: 0.001, outputPerToken: 0.002 },
    big: { inputPerToken: 0.01, outputPerToken: 0.03 },
  },
  baseline: { llm: 'big' },
});

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function answerOnce(
  answerer: ReturnType<typeof createLlmAnswerer>,
  query: string,
): Promise<CostLedger> {
  const ledger = new CostLedger({ prices });
  for await (const ev of answerer.answer({
    query,
    passages: [],
    history: [],
    system: 'You are the phone assistant of a bakery.',
    language: 'en',
    signal: new AbortController().signal,
  })) {
    if (ev.type === 'usage') chargeLlmUsage(ledger, ev);
  }
  return ledger;
}

describe('routing classifier cost', () => {
  it('charges the classifier tokens once to the call, and nothing on a cache hit', async () => {
    server = await startOpenAiServer({
      replies: [
        {
          match: { model: 'mini', lastUser: /^Tell me/ },
          text: 'COMPLEX',
          usage: { input: 80, output: 1 },
        },
        { match: { model: 'big' }, text: 'Since 1998.', usage: { input: 300, output: 20 } },
      ],
    });
    const url = server.baseURL;
    const mini = createOpenAiProvider({ model: 'mini', apiKey: 'k', baseURL: url });
    const big = createOpenAiProvider({ model: 'big', apiKey: 'k', baseURL: url });
    const answerer = createLlmAnswerer({
      models: { cheap: [mini], strong: [big] },
      router: new ModelRouter({ classifier: createLlmClassifier(mini) }),
      fallbackPhone: '1',
    });
    const phrase = 'Tell me something nice about the history of your family bakery';

    const first = (await answerOnce(answerer, phrase)).breakdown();
    expect(server.requests.map((r) => r.model)).toEqual(['mini', 'big']);
    const routing = 80 * 0.001 + 1 * 0.002;
    const answer = 300 * 0.01 + 20 * 0.03;
    expect(first.byModel['llm:routing:mini']).toBeCloseTo(routing, 12);
    expect(first.byModel['llm:big']).toBeCloseTo(answer, 12);
    expect(first.byModel['llm:mini']).toBeUndefined();
    expect(first.llm).toBeCloseTo(routing + answer, 12);
    // The baseline (strong model only, no routing) has no classifier request.
    expect(first.baseline.llm).toBeCloseTo(answer, 12);

    // Same phrase on another call: the decision comes from the cache, no request, no charge.
    const second = (await answerOnce(answerer, phrase)).breakdown();
    expect(server.requests.map((r) => r.model)).toEqual(['mini', 'big', 'big']);
    expect(second.byModel['llm:routing:mini']).toBeUndefined();
    expect(second.llm).toBeCloseTo(answer, 12);
  });
});
