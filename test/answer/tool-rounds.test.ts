import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerEvent, AnswerRequest } from '../../src/answer/answerer.js';
import { createLlmAnswerer } from '../../src/answer/llm-answerer.js';
import { ModelRouter } from '../../src/answer/router.js';
import { parseBusinessActions } from '../../src/answer/tool-config.js';
import { createToolRunner, type ToolRunner } from '../../src/answer/tool-runner.js';
import { AbortedError } from '../../src/errors.js';
import { createAnthropicProvider } from '../../src/providers/llm/anthropic.js';
import type { LlmProvider } from '../../src/providers/llm/llm-provider.js';
import { createOpenAiProvider } from '../../src/providers/llm/openai.js';
import { startAnthropicServer } from '../fakes/anthropic-server.js';
import {
  type FixtureServer,
  type FixtureServerOptions,
  startOpenAiServer,
} from '../fakes/openai-server.js';
import { startWebhookServer, type WebhookServer } from '../fakes/webhook-server.js';

const KINDS: Array<{
  name: string;
  start: (o: FixtureServerOptions) => Promise<FixtureServer>;
  make: (s: FixtureServer) => LlmProvider;
}> = [
  {
    name: 'openai',
    start: startOpenAiServer,
    make: (s) => createOpenAiProvider({ model: 'mini', apiKey: 'k', baseURL: s.baseURL }),
  },
  {
    name: 'anthropic',
    start: startAnthropicServer,
    make: (s) => createAnthropicProvider({ model: 'haiku', apiKey: 'k', baseURL: s.baseURL }),
  },
];

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function webhook(): Promise<WebhookServer> {
  const hook = await startWebhookServer();
  closers.push(hook.close);
  return hook;
}

function tools(hook: WebhookServer, path: string, fillerAfterMs = 700): ToolRunner {
  return createToolRunner({
    actions: parseBusinessActions({
      tools: [
        {
          name: 'order_status',
          description: 'Look up an order by number',
          parameters: {
            type: 'object',
            properties: { order: { type: 'string' } },
            required: ['order'],
          },
          endpoint: { url: `${hook.baseURL}${path}` },
          timeoutMs: 5000,
          fillerAfterMs,
        },
      ],
      builtins: ['end_call', 'transfer_call'],
      transfer: { targets: { desk: { dialplan: { context: 'agents', extension: '100' } } } },
    }),
  });
}

function request(query: string, extra: Partial<AnswerRequest> = {}): AnswerRequest {
  return {
    query,
    passages: [],
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
const toolPhases = (events: AnswerEvent[]) =>
  events.flatMap((e) => (e.type === 'tool' ? [`${e.phase}:${e.name}`] : []));

describe.each(KINDS)('tool rounds on $name', (kind) => {
  async function answererOn(replies: FixtureServerOptions['replies']) {
    const server = await kind.start({ replies });
    closers.push(server.close);
    const llm = kind.make(server);
    const answerer = createLlmAnswerer({
      models: { cheap: [llm], strong: [llm] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
    });
    return { server, answerer };
  }

  it('runs the tool, sends the result back and streams the answer on', async () => {
    const hook = await webhook();
    const { server, answerer } = await answererOn([
      { match: { afterTool: true }, text: 'Your order 42 is ready for pickup.' },
      {
        text: 'Let me check that.',
        toolCalls: [{ name: 'order_status', arguments: { order: '42' } }],
      },
    ]);
    const events = await collect(
      answerer.answer(request('Is my order 42 ready?', { tools: tools(hook, '/answer') })),
    );
    expect(texts(events)).toEqual(['Let me check that.', 'Your order 42 is ready for pickup.']);
    expect(toolPhases(events)).toEqual(['start:order_status', 'end:order_status']);
    expect(events.find((e) => e.type === 'done')).toMatchObject({ outcome: 'answered' });
    expect(hook.requests[0]!.body).toEqual({ order: '42' });
    expect(server.requests).toHaveLength(2);
    const offered = JSON.stringify(server.requests[0]!.body.tools);
    expect(offered).toContain('order_status');
    expect(offered).toContain('transfer_call');
    expect(server.requests[1]!.messages.at(-1)!.content).toContain('"echo":{"order":"42"}');
  });

  it('reports a bad call to the model without calling the webhook', async () => {
    const hook = await webhook();
    const { server, answerer } = await answererOn([
      { match: { afterTool: true }, text: 'Which order number was it?' },
      { toolCalls: [{ name: 'order_status', arguments: { number: 42 } }] },
    ]);
    const events = await collect(
      answerer.answer(request('Is my order ready?', { tools: tools(hook, '/answer') })),
    );
    expect(texts(events)).toEqual(['Which order number was it?']);
    expect(events.find((e) => e.type === 'tool' && e.phase === 'end')).toMatchObject({
      status: 'invalid',
    });
    expect(hook.requests).toHaveLength(0);
    expect(server.requests[1]!.messages.at(-1)!.content).toMatch(/bad arguments/);
  });

  it('flags a slow tool so a filler can cover it', async () => {
    const hook = await webhook();
    const { answerer } = await answererOn([
      { match: { afterTool: true }, text: 'It is ready.' },
      { toolCalls: [{ name: 'order_status', arguments: { order: '1' } }] },
    ]);
    const events = await collect(
      answerer.answer(request('Order 1?', { tools: tools(hook, '/slow?ms=150', 20) })),
    );
    expect(toolPhases(events)).toEqual([
      'start:order_status',
      'slow:order_status',
      'end:order_status',
    ]);
  });

  it('ends the answer with a transfer action when the model calls transfer_call', async () => {
    const hook = await webhook();
    const { server, answerer } = await answererOn([
      {
        text: 'I will put you through.',
        toolCalls: [{ name: 'transfer_call', arguments: { summary: 'Asks about a refund.' } }],
      },
    ]);
    const events = await collect(
      answerer.answer(request('Can I talk to a person?', { tools: tools(hook, '/answer') })),
    );
    expect(texts(events)).toEqual(['I will put you through.']);
    expect(events.find((e) => e.type === 'action')).toEqual({
      type: 'action',
      action: {
        type: 'call.transfer',
        mode: 'blind',
        target: 'desk',
        summary: 'Asks about a refund.',
      },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('counts tool rounds against the turn budget', async () => {
    const hook = await webhook();
    const server = await kind.start({
      replies: [{ toolCalls: [{ name: 'order_status', arguments: { order: '1' } }] }],
    });
    closers.push(server.close);
    const llm = kind.make(server);
    const answerer = createLlmAnswerer({
      models: { cheap: [llm], strong: [] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
      budget: { maxLlmCalls: 5, maxTokens: 8000, maxToolRounds: 1 },
    });
    const events = await collect(
      answerer.answer(request('Order 1?', { tools: tools(hook, '/answer') })),
    );
    expect(toolPhases(events)).toEqual(['start:order_status', 'end:order_status']);
    expect(events.at(-1)).toMatchObject({ type: 'done', outcome: 'fallback', fallback: 'budget' });
  });

  it('a hang-up during a tool aborts its request', async () => {
    const hook = await webhook();
    const { answerer } = await answererOn([
      { toolCalls: [{ name: 'order_status', arguments: { order: '1' } }] },
    ]);
    const controller = new AbortController();
    const running = collect(
      answerer.answer(
        request('Order 1?', { tools: tools(hook, '/hang'), signal: controller.signal }),
      ),
    );
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    await hook.requests[0]!.closed;
    expect(hook.requests[0]!.aborted).toBe(true);
  });
});
