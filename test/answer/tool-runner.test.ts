import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseBusinessActions } from '../../src/answer/tool-config.js';
import { createToolRunner } from '../../src/answer/tool-runner.js';
import { AbortedError, ConfigError } from '../../src/errors.js';
import { startWebhookServer, type WebhookServer } from '../fakes/webhook-server.js';

let hook: WebhookServer;
beforeEach(async () => {
  hook = await startWebhookServer();
});
afterEach(async () => {
  await hook.close();
});

const orderSchema = {
  type: 'object',
  properties: { order: { type: 'string', pattern: '^[0-9]+$' } },
  required: ['order'],
  additionalProperties: false,
};

function runner(path: string, extra: Record<string, unknown> = {}) {
  const actions = parseBusinessActions({
    tools: [
      {
        name: 'order_status',
        description: 'Look up an order',
        parameters: orderSchema,
        endpoint: {
          url: `${hook.baseURL}${path}`,
          headersFromEnv: { authorization: 'SHOP_TOKEN' },
        },
        timeoutMs: 300,
        onFailure: 'Our order system is down, please call back later.',
        ...extra,
      },
    ],
    builtins: ['end_call', 'transfer_call'],
    transfer: { target: 'PJSIP/agent', mode: 'attended' },
  });
  const registry = new Registry();
  return {
    registry,
    tools: createToolRunner({ actions, env: { SHOP_TOKEN: 'Bearer s3cret' }, registry }),
  };
}

const call = (args: unknown, name = 'order_status') => ({
  id: 'c1',
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});
const signal = () => new AbortController().signal;

describe('tool runner', () => {
  it('posts valid arguments with headers from named variables and returns the reply', async () => {
    const { tools, registry } = runner('/answer');
    expect(tools.specs.map((s) => s.name)).toEqual(['order_status', 'end_call', 'transfer_call']);
    const out = await tools.run(call({ order: '42' }), signal());
    expect(out).toMatchObject({ status: 'ok', isError: false, httpStatus: 200 });
    expect(JSON.parse(out.content)).toEqual({ ok: true, echo: { order: '42' } });
    expect(hook.requests[0]).toMatchObject({ method: 'POST', body: { order: '42' } });
    expect(hook.requests[0]!.headers.authorization).toBe('Bearer s3cret');
    const metric = await registry.getSingleMetric('voxstate_tool_calls_total')!.get();
    expect(metric.values).toEqual([
      expect.objectContaining({ value: 1, labels: { tool: 'order_status', status: 'ok' } }),
    ]);
  });

  it('reports bad arguments to the model and never calls the webhook', async () => {
    const { tools } = runner('/answer');
    const bad = await tools.run(call({ order: 'abc', extra: 1 }), signal());
    expect(bad).toMatchObject({ status: 'invalid', isError: true });
    expect(bad.content).toMatch(/bad arguments/);
    expect((await tools.run(call('{"order":'), signal())).content).toMatch(/not valid JSON/);
    expect((await tools.run(call({}, 'launch_rocket'), signal())).content).toMatch(
      /no tool named "launch_rocket"/,
    );
    expect(hook.requests).toHaveLength(0);
  });

  it('tells the model what to say when the webhook fails', async () => {
    const { tools } = runner('/fail');
    const out = await tools.run(call({ order: '1' }), signal());
    expect(out).toMatchObject({ status: 'failed', isError: true, httpStatus: 500 });
    expect(out.content).toContain('HTTP 500');
    expect(out.content).toContain('Our order system is down, please call back later.');
  });

  it('times out a webhook that does not answer and aborts its request', async () => {
    const { tools } = runner('/hang');
    const out = await tools.run(call({ order: '1' }), signal());
    expect(out).toMatchObject({ status: 'timeout', isError: true });
    await hook.requests[0]!.closed;
    expect(hook.requests[0]!.aborted).toBe(true);
  });

  it('waits for a slow webhook within its timeout', async () => {
    const { tools } = runner('/slow?ms=100');
    const out = await tools.run(call({ order: '7' }), signal());
    expect(out.status).toBe('ok');
    expect(out.webhookMs).toBeGreaterThan(0);
  });

  it('aborts the request when the call hangs up (the webhook sees the abort)', async () => {
    const { tools } = runner('/hang', { timeoutMs: 10_000 });
    const controller = new AbortController();
    const running = tools.run(call({ order: '1' }), controller.signal);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    await hook.requests[0]!.closed;
    expect(hook.requests[0]!.aborted).toBe(true);
  });

  it('built-ins end the answer with an action for the call machine', async () => {
    const { tools } = runner('/answer');
    const end = await tools.run(call({ reason: 'caller said bye' }, 'end_call'), signal());
    expect(end.action).toEqual({ type: 'call.end', reason: 'caller said bye' });
    const transfer = await tools.run(
      call({ summary: 'Wants to change an order.' }, 'transfer_call'),
      signal(),
    );
    expect(transfer.action).toEqual({
      type: 'call.transfer',
      mode: 'attended',
      target: 'PJSIP/agent',
      summary: 'Wants to change an order.',
    });
    expect((await tools.run(call({}, 'transfer_call'), signal())).status).toBe('invalid');
  });

  it('refuses a configuration with a missing header variable or bad fields, naming them', () => {
    const actions = parseBusinessActions({
      tools: [
        {
          name: 't',
          description: 'd',
          endpoint: { url: `${hook.baseURL}/answer`, headersFromEnv: { 'x-key': 'NOPE_KEY' } },
        },
      ],
    });
    expect(() => createToolRunner({ actions, env: {} })).toThrow(/NOPE_KEY/);
    expect(() =>
      parseBusinessActions({
        tools: [{ name: 'x', description: 'd', endpoint: { url: 'ftp://a' } }],
      }),
    ).toThrow(ConfigError);
    expect(() => parseBusinessActions({ builtins: ['transfer_call'] })).toThrow(/transfer/);
    expect(() => parseBusinessActions({ digits: { x: { action: 'repeat' } } })).toThrow(
      /digits\.x/,
    );
  });
});
