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
    builtins: ['end_call', 'transfer_call', 'send_dtmf'],
    transfer: {
      default: 'desk',
      targets: {
        desk: { description: 'the front desk', agent: 'PJSIP/agent' },
        billing: { description: 'billing', redirect: 'PJSIP/billing' },
      },
    },
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
      target: 'desk',
      summary: 'Wants to change an order.',
    });
    expect((await tools.run(call({}, 'transfer_call'), signal())).status).toBe('invalid');
  });

  it('transfer_call: the target argument chooses a named target; an unknown one is refused, not executed', async () => {
    const { tools, registry } = runner('/answer');
    const spec = tools.specs.find((s) => s.name === 'transfer_call')!;
    expect(spec.description).toContain('"billing" (billing)');
    expect(spec.description).toContain('default "desk"');
    const billing = await tools.run(
      call({ summary: 'A refund.', target: 'billing', mode: 'attended' }, 'transfer_call'),
      signal(),
    );
    // billing is reached by redirect only: the mode follows what the target has.
    expect(billing.action).toEqual({
      type: 'call.transfer',
      mode: 'blind',
      target: 'billing',
      summary: 'A refund.',
    });
    const unknown = await tools.run(
      call({ summary: 'A refund.', target: 'PJSIP/999' }, 'transfer_call'),
      signal(),
    );
    expect(unknown).toMatchObject({ status: 'invalid', isError: true });
    expect(unknown.action).toBeUndefined();
    expect(unknown.content).toContain('no transfer target "PJSIP/999" (targets: desk, billing)');
    const metric = await registry.getSingleMetric('voxstate_tool_calls_total')!.get();
    expect(
      metric.values.find((v) => v.labels.tool === 'transfer_call' && v.labels.status === 'invalid')
        ?.value,
    ).toBe(1);
  });

  it('send_dtmf: offered only on a call whose line can send digits, digits validated first', async () => {
    const { tools } = runner('/answer');
    expect(tools.specs.map((s) => s.name)).not.toContain('send_dtmf');
    expect((await tools.run(call({ digits: '1' }, 'send_dtmf'), signal())).status).toBe('invalid');
    const sent: string[] = [];
    const onCall = tools.forCall({
      sendDtmf: async (digits) => {
        sent.push(digits);
      },
    });
    expect(onCall.specs.map((s) => s.name)).toContain('send_dtmf');
    const ok = await onCall.run(call({ digits: '1w23#' }, 'send_dtmf'), signal());
    expect(ok).toMatchObject({ status: 'ok', content: 'ok: pressed 1w23#.' });
    const bad = await onCall.run(call({ digits: '1x' }, 'send_dtmf'), signal());
    expect(bad.status).toBe('invalid');
    expect(sent).toEqual(['1w23#']);
    const failing = tools.forCall({
      sendDtmf: async () => {
        throw new Error('Channel not found');
      },
    });
    const failed = await failing.run(call({ digits: '9' }, 'send_dtmf'), signal());
    expect(failed).toMatchObject({ status: 'failed', isError: true });
    expect(failed.content).toContain('Channel not found');
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
    expect(() =>
      parseBusinessActions({
        transfer: { default: 'x', targets: { desk: { agent: 'PJSIP/a' } } },
      }),
    ).toThrow(/transfer\.default: "x" is not a target/);
    expect(() => parseBusinessActions({ transfer: { targets: { desk: {} } } })).toThrow(
      /"dialplan", "redirect" or "agent"/,
    );
    expect(() =>
      parseBusinessActions({
        transfer: { targets: { desk: { agent: 'PJSIP/a' } } },
        digits: { '0': { action: 'transfer', target: 'sales' } },
      }),
    ).toThrow(/digits\.0\.target: "sales" is not a transfer target/);
    expect(() => parseBusinessActions({ digits: { x: { action: 'repeat' } } })).toThrow(
      /digits\.x/,
    );
  });
});
