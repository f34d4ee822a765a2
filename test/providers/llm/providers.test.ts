import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError, ProviderError, TimeoutError } from '../../../src/errors.js';
import { createAnthropicProvider } from '../../../src/providers/llm/anthropic.js';
import { EmptyAnswerError, RefusalError } from '../../../src/providers/llm/llm-errors.js';
import type { LlmChunk, LlmProvider } from '../../../src/providers/llm/llm-provider.js';
import { createOpenAiProvider } from '../../../src/providers/llm/openai.js';
import { startAnthropicServer } from '../../fakes/anthropic-server.js';
import {
  type FixtureServer,
  type FixtureServerOptions,
  startOpenAiServer,
} from '../../fakes/openai-server.js';

interface Kind {
  name: string;
  start: (o: FixtureServerOptions) => Promise<FixtureServer>;
  make: (s: FixtureServer, model: string, registry?: Registry, idleMs?: number) => LlmProvider;
  overloadStatus: number;
}

const KINDS: Kind[] = [
  {
    name: 'openai',
    start: startOpenAiServer,
    make: (s, model, registry, idleMs = 2000) =>
      createOpenAiProvider({
        model,
        apiKey: 'sk-test',
        baseURL: s.baseURL,
        firstTokenTimeoutMs: 2000,
        idleTimeoutMs: idleMs,
        ...(registry ? { registry } : {}),
      }),
    overloadStatus: 503,
  },
  {
    name: 'anthropic',
    start: startAnthropicServer,
    make: (s, model, registry, idleMs = 2000) =>
      createAnthropicProvider({
        model,
        apiKey: 'sk-ant-test',
        baseURL: s.baseURL,
        firstTokenTimeoutMs: 2000,
        idleTimeoutMs: idleMs,
        ...(registry ? { registry } : {}),
      }),
    overloadStatus: 529,
  },
];

async function collect(it: AsyncIterable<LlmChunk>): Promise<{ text: string; chunks: LlmChunk[] }> {
  const chunks: LlmChunk[] = [];
  for await (const c of it) chunks.push(c);
  return { text: chunks.map((c) => (c.type === 'text' ? c.text : '')).join(''), chunks };
}

async function failure(it: AsyncIterable<LlmChunk>): Promise<unknown> {
  try {
    await collect(it);
  } catch (err) {
    return err;
  }
  throw new Error('expected the stream to fail');
}

describe.each(KINDS)('$name provider against its fixture server', (kind) => {
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('streams text and then usage, and records metrics per model', async () => {
    server = await kind.start({
      replies: [{ text: 'We open at nine. See you soon!', usage: { input: 42, output: 9 } }],
    });
    const registry = new Registry();
    const llm = kind.make(server, 'model-a', registry);
    const { text, chunks } = await collect(
      llm.stream({
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'When do you open?' }],
      }),
    );
    expect(text).toBe('We open at nine. See you soon!');
    expect(chunks.filter((c) => c.type === 'text').length).toBeGreaterThan(3);
    expect(chunks.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 42, outputTokens: 9 } });
    const req = server.requests[0]!;
    expect(req.model).toBe('model-a');
    expect(req.system).toBe('Be brief.');
    expect(req.messages).toEqual([{ role: 'user', content: 'When do you open?' }]);
    expect(req.closedEarly).toBe(false);
    const tokens = await registry.getSingleMetric('voxstate_llm_tokens_total')!.get();
    expect(tokens.values).toContainEqual(
      expect.objectContaining({
        value: 9,
        labels: { provider: kind.name, model: 'model-a', direction: 'output' },
      }),
    );
    const first = await registry.getSingleMetric('voxstate_llm_first_token_seconds')!.get();
    const count = first.values.find((v) =>
      (v as { metricName?: string }).metricName?.endsWith('_count'),
    );
    expect(count?.value).toBe(1);
  });

  it('closes the HTTP stream when the caller aborts mid-stream', async () => {
    server = await kind.start({
      replies: [{ text: 'one two three four five six seven eight nine ten', chunkDelayMs: 40 }],
    });
    const llm = kind.make(server, 'model-a');
    const ac = new AbortController();
    let got = 0;
    const err = await failure(
      (async function* () {
        for await (const c of llm.stream({
          system: 's',
          messages: [{ role: 'user', content: 'hi' }],
          signal: ac.signal,
        })) {
          if (c.type === 'text' && ++got === 2) ac.abort();
          yield c;
        }
      })(),
    );
    expect(err).toBeInstanceOf(AbortedError);
    await server.requests[0]!.closed;
    expect(server.requests[0]!.closedEarly).toBe(true);
  });

  it('closes the HTTP stream when the consumer stops iterating', async () => {
    server = await kind.start({ replies: [{ text: 'a b c d e f g h', chunkDelayMs: 30 }] });
    const llm = kind.make(server, 'model-a');
    for await (const c of llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] })) {
      if (c.type === 'text') break;
    }
    await server.requests[0]!.closed;
    expect(server.requests[0]!.closedEarly).toBe(true);
  });

  it('maps an overloaded server to a retryable ProviderError with the status', async () => {
    server = await kind.start({ replies: [{ fail: { status: kind.overloadStatus } }] });
    const err = await failure(
      kind.make(server, 'm').stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).status).toBe(kind.overloadStatus);
    expect((err as ProviderError).retryable).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('maps 429 to retryable and 400 to not retryable', async () => {
    server = await kind.start({
      replies: [{ fail: { status: 429 }, times: 1 }, { fail: { status: 400 } }],
    });
    const llm = kind.make(server, 'm');
    const rate = await failure(
      llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect((rate as ProviderError).status).toBe(429);
    expect((rate as ProviderError).retryable).toBe(true);
    const bad = await failure(
      llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect((bad as ProviderError).status).toBe(400);
    expect((bad as ProviderError).retryable).toBe(false);
  });

  it('times out a stream that stalls mid-answer and closes it', async () => {
    server = await kind.start({
      replies: [{ text: 'Hello there, and then', stallAfterChunks: 2 }],
    });
    const registry = new Registry();
    const err = await failure(
      kind
        .make(server, 'm', registry, 150)
        .stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toContain('idle');
    await server.requests[0]!.closed;
    expect(server.requests[0]!.closedEarly).toBe(true);
    const errors = await registry.getSingleMetric('voxstate_llm_errors_total')!.get();
    expect(errors.values[0]?.labels.kind).toBe('timeout');
  });

  it('times out when the first token is late', async () => {
    server = await kind.start({ replies: [{ text: 'late', firstTokenMs: 1000 }] });
    const llm =
      kind.name === 'openai'
        ? createOpenAiProvider({
            model: 'm',
            apiKey: 'k',
            baseURL: server.baseURL,
            firstTokenTimeoutMs: 120,
          })
        : createAnthropicProvider({
            model: 'm',
            apiKey: 'k',
            baseURL: server.baseURL,
            firstTokenTimeoutMs: 120,
          });
    const t0 = performance.now();
    const err = await failure(
      llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(err).toBeInstanceOf(TimeoutError);
    expect(performance.now() - t0, 'at the 120 ms deadline, not before').toBeGreaterThanOrEqual(
      115,
    );
    await server.requests[0]!.closed;
    expect(server.requests[0]!.closedEarly).toBe(true);
  });

  it('does not cut a stream that lasts longer than the first-token deadline', async () => {
    server = await kind.start({ replies: [{ text: 'a b c d e f g h', chunkDelayMs: 60 }] });
    const llm =
      kind.name === 'openai'
        ? createOpenAiProvider({
            model: 'm',
            apiKey: 'k',
            baseURL: server.baseURL,
            firstTokenTimeoutMs: 250,
            idleTimeoutMs: 1_000,
          })
        : createAnthropicProvider({
            model: 'm',
            apiKey: 'k',
            baseURL: server.baseURL,
            firstTokenTimeoutMs: 250,
            idleTimeoutMs: 1_000,
          });
    const { text } = await collect(
      llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(text).toBe('a b c d e f g h');
  });

  it('does not count time the consumer holds a chunk as a stall', async () => {
    server = await kind.start({ replies: [{ text: 'one two three' }] });
    const llm = kind.make(server, 'm', undefined, 100);
    let text = '';
    for await (const c of llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] })) {
      if (c.type !== 'text') continue;
      text += c.text;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(text).toBe('one two three');
  });

  it('reports an empty answer and a refusal as typed errors', async () => {
    server = await kind.start({
      replies: [
        { text: '', times: 1 },
        { text: '', refusal: 'I cannot help with that.' },
      ],
    });
    const llm = kind.make(server, 'm');
    const empty = await failure(
      llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(empty).toBeInstanceOf(EmptyAnswerError);
    const refused = await failure(
      llm.stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(refused).toBeInstanceOf(RefusalError);
  });

  it('surfaces an error event sent mid-stream', async () => {
    server = await kind.start({
      replies: [
        { text: 'partial', streamError: { type: 'overloaded_error', message: 'Overloaded' } },
      ],
    });
    const err = await failure(
      kind.make(server, 'm').stream({ system: 's', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(err).toBeInstanceOf(ProviderError);
  });
});
