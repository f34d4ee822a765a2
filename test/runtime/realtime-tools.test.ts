/**
 * The business's tools as Realtime tools, run by the real ToolRunner against the webhook fixture
 * and through the session's own `runToolCall`: the model sees the same outputs as in cascade mode,
 * a built-in's action is final, a barge-in aborts the webhook and no response follows it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseBusinessActions } from '../../src/answer/tool-config.js';
import { createToolRunner, type ToolAction } from '../../src/answer/tool-runner.js';
import { AbortedError } from '../../src/errors.js';
import { runToolCall, searchKnowledgeTool } from '../../src/providers/realtime/tools.js';
import { finalOnBargeIn, realtimeToolsOf } from '../../src/runtime/realtime-tools.js';
import { startWebhookServer, type WebhookServer } from '../fakes/webhook-server.js';

let hook: WebhookServer;
beforeEach(async () => {
  hook = await startWebhookServer();
});
afterEach(async () => {
  await hook.close();
});

function setup() {
  const runner = createToolRunner({
    actions: parseBusinessActions({
      tools: [
        {
          name: 'order_status',
          description: 'Look up an order',
          parameters: {
            type: 'object',
            properties: { order: { type: 'string', pattern: '^[0-9]+$' } },
            required: ['order'],
            additionalProperties: false,
          },
          endpoint: { url: `${hook.baseURL}/answer` },
        },
        {
          name: 'slow_lookup',
          description: 'Never answers',
          endpoint: { url: `${hook.baseURL}/hang` },
          timeoutMs: 8_000,
        },
      ],
      builtins: ['end_call', 'transfer_call'],
      transfer: { targets: { desk: { redirect: 'PJSIP/agent' } } },
    }),
  });
  let turn = new AbortController();
  const actions: ToolAction[] = [];
  const outcomes: Array<{ name: string; status: string }> = [];
  const tools = realtimeToolsOf(runner, {
    turnSignal: () => turn.signal,
    onAction: (a) => actions.push(a),
    onOutcome: (name, outcome) => outcomes.push({ name, status: outcome.status }),
  });
  const call = (name: string, args: object, signal = new AbortController().signal) =>
    runToolCall(tools, name, JSON.stringify(args), 3_000, signal);
  return {
    tools,
    actions,
    outcomes,
    call,
    bargeIn: () => turn.abort(new AbortedError('turn')),
    nextTurn: () => (turn = new AbortController()),
  };
}

describe('realtimeToolsOf', () => {
  it('offers the webhooks and the enabled built-ins', () => {
    expect(setup().tools.map((t) => t.name)).toEqual([
      'order_status',
      'slow_lookup',
      'end_call',
      'transfer_call',
    ]);
  });

  it("gives each webhook its own timeout as its deadline in the session (the built-ins the session's)", () => {
    expect(setup().tools.map((t) => t.timeoutMs)).toEqual([6_000, 9_000, undefined, undefined]);
  });

  it('runs a webhook through the runner and gives its body back, not final', async () => {
    const { call, outcomes, actions } = setup();
    const result = await call('order_status', { order: '17' });
    expect(result).toMatchObject({ ok: true, final: false });
    expect(JSON.parse(result.output)).toEqual({ ok: true, echo: { order: '17' } });
    expect(hook.requests.map((r) => r.body)).toEqual([{ order: '17' }]);
    expect(outcomes).toEqual([{ name: 'order_status', status: 'ok' }]);
    expect(actions).toEqual([]);
  });

  it('reports bad arguments to the model without calling the webhook', async () => {
    const { call, outcomes } = setup();
    const result = await call('order_status', { order: 'seventeen' });
    expect(result.final).toBe(false);
    expect(result.output).toMatch(/^error: bad arguments/);
    expect(hook.requests).toHaveLength(0);
    expect(outcomes).toEqual([{ name: 'order_status', status: 'invalid' }]);
  });

  it("hands a built-in's action to the brain and makes its output final", async () => {
    const { call, actions } = setup();
    const end = await call('end_call', { reason: 'caller_done' });
    expect(end).toMatchObject({
      ok: true,
      final: true,
      output: 'ok: the call ends after a goodbye.',
    });
    const transfer = await call('transfer_call', { summary: 'wants a person' });
    expect(transfer.final).toBe(true);
    expect(actions).toEqual([
      { type: 'call.end', reason: 'caller_done' },
      { type: 'call.transfer', mode: 'blind', target: 'desk', summary: 'wants a person' },
    ]);
  });

  it('aborts the webhook at a barge-in; the aborted call is final (no response follows)', async () => {
    const { call, bargeIn, nextTurn } = setup();
    const pending = call('slow_lookup', {});
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));
    bargeIn();
    const result = await pending;
    expect(result.final).toBe(true);
    expect(result.output).toMatch(/interrupted/);
    await hook.requests[0]!.closed;
    expect(hook.requests[0]!.aborted).toBe(true);
    nextTurn();
    expect((await call('order_status', { order: '1' })).ok).toBe(true);
  });

  it('search_knowledge interrupted by a barge-in is final; uninterrupted it is not', async () => {
    let turn = new AbortController();
    let aborted = false;
    const knowledge = finalOnBargeIn(
      searchKnowledgeTool(
        (_q, signal) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => resolve([{ text: 'Open at nine.' }]), 200);
            signal.addEventListener('abort', () => {
              aborted = true;
              clearTimeout(timer);
              reject(signal.reason);
            });
          }),
      ),
      () => turn.signal,
    );
    const ask = () =>
      runToolCall(
        [knowledge],
        'search_knowledge',
        '{"query":"hours"}',
        3_000,
        new AbortController().signal,
      );
    const pending = ask();
    turn.abort(new AbortedError('turn'));
    expect(await pending).toMatchObject({ final: true, ok: true });
    expect(aborted).toBe(true);
    turn = new AbortController();
    expect(await ask()).toMatchObject({ final: false, output: '[1] Open at nine.' });
  });

  it('a hang-up aborts the webhook and the call rejects', async () => {
    const { call } = setup();
    const hangUp = new AbortController();
    const pending = call('slow_lookup', {}, hangUp.signal);
    await vi.waitFor(() => expect(hook.requests).toHaveLength(1));
    hangUp.abort(new AbortedError('call'));
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    await hook.requests[0]!.closed;
    expect(hook.requests[0]!.aborted).toBe(true);
  });
});
