/**
 * End to end: calls whose brain is `realtime` (`VOXSTATE_BRAIN=realtime`), with the real runtime,
 * the real ari-client against the simulated Asterisk, and the `openai` SDK's realtime client
 * against the Realtime fixture over loopback TLS. The same machine states answer through the
 * session: the greeting is the model's first response, the full instructions follow with
 * `session.update`, a question is answered with the model's audio, a barge-in truncates the
 * answer at the audio the caller heard, the business's tools (end_call, a webhook) run through
 * the same tool runner as in cascade mode, and a session that is refused (401) or dropped mid-call
 * leaves the call in cascade mode.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_BUSINESS_FILE } from '../../src/runtime/config.js';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  type FakeRealtimeServer,
  startFakeRealtimeServer,
} from '../fakes/openai-realtime-server.js';
import { startWebhookServer, type WebhookServer } from '../fakes/webhook-server.js';
import { deadAir, prewarmEnglish } from '../faults/helpers.js';
import { metricValue } from '../helpers/metrics.js';
import {
  callEnded,
  conversationState,
  expectCallReleased,
  historyOf,
  loudBotFrames,
  placeCalls,
  type RigCall,
  turnsDone,
  waitFor,
} from './helpers.js';

const GREETING = 'Hello, Sunny Bakery here. How can I help?';
const BYE = "That's all, thank you, bye.";
const ORDER = 'Is my cake order ready?';
const QUESTION = 'When do you open on Sunday?';
const ANSWER = 'On Sunday we open at nine in the morning.';
/** A webhook slower than the session's 3 s tool deadline, within its own 8 s timeout. */
const SLOW_WEBHOOK_MS = 4_000;
/** About 6 s of the fixture's tone at 50 ms per character: long enough to talk over. */
const LONG_ANSWER = `${'We are at twelve Harbour Street, next to the old lighthouse, '.repeat(2)}.`;

function asking(question: string, extra: CallerScript['steps'] = []): CallerScript {
  return {
    steps: [{ waitForBot: { silenceMs: 600 } }, { say: question }, ...extra, { pause: 60_000 }],
  };
}

function sent<T extends RealtimeClientEvent['type']>(
  server: FakeRealtimeServer,
  type: T,
  from: number,
): Array<Extract<RealtimeClientEvent, { type: T }>> {
  return server
    .received()
    .slice(from)
    .filter((e): e is Extract<RealtimeClientEvent, { type: T }> => e.type === type);
}

function instructionsOf(update: { session: object } | undefined): string | undefined {
  return (update?.session as { instructions?: string } | undefined)?.instructions;
}

/** The faults' bound (docs/faults.md): no silence of 3 s or more after the caller's question. */
const DEAD_AIR_MS = 3_000;

function expectNoDeadAir(call: RigCall): void {
  const turns = deadAir(call.sim.recording);
  expect(turns.length).toBeGreaterThanOrEqual(1);
  for (const t of turns) {
    expect(t.firstAudioMs).toBeDefined();
    expect(t.firstAudioMs!).toBeLessThan(DEAD_AIR_MS);
    expect(t.longestGapMs).toBeLessThan(DEAD_AIR_MS);
  }
}

function logTypes(call: RigCall): Array<{ type: string; fields?: Record<string, unknown> }> {
  return call.handle.session.log.events();
}

describe('realtime brain (real ari-client, runtime, simulated Asterisk, Realtime fixture)', () => {
  let rig: CallRig;
  let server: FakeRealtimeServer;
  let webhook: WebhookServer;
  let businessDir: string;

  beforeAll(async () => {
    server = await startFakeRealtimeServer({
      reply: (caller) => ({ say: caller === undefined ? GREETING : ANSWER }),
    });
    webhook = await startWebhookServer();
    const business = JSON.parse(await readFile(SAMPLE_BUSINESS_FILE, 'utf8')) as object;
    const tools = [
      {
        name: 'order_status',
        description: 'Looks up a cake order.',
        parameters: {
          type: 'object',
          properties: { order: { type: 'string' } },
          required: ['order'],
          additionalProperties: false,
        },
        endpoint: { method: 'POST', url: `${webhook.baseURL}/answer` },
      },
      {
        name: 'delivery_slot',
        description: 'Finds a delivery slot (slow).',
        parameters: { type: 'object', properties: {}, additionalProperties: false },
        endpoint: { method: 'POST', url: `${webhook.baseURL}/slow?ms=${SLOW_WEBHOOK_MS}` },
        timeoutMs: 8_000,
        fillerAfterMs: 300,
      },
    ];
    businessDir = await mkdtemp(join(tmpdir(), 'voxstate-rt-tools-'));
    const businessFile = join(businessDir, 'business.json');
    await writeFile(businessFile, JSON.stringify({ ...business, tools }));
    rig = await startCallRig({
      env: {
        VOXSTATE_BRAIN: 'realtime',
        VOXSTATE_REALTIME_BASE_URL: server.baseUrl,
        VOXSTATE_REALTIME_API_KEY: 'test-key',
        VOXSTATE_LOG_TRANSCRIPTS: 'true',
      },
      runtimeOptions: { realtimeWsOptions: { ca: server.ca } },
      // Phrases pre-warmed as in production: the cascade's filler and apology come from the cache.
      configure: (config) => prewarmEnglish({ ...config, businessFile }),
    });
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await server?.close();
    await webhook?.close();
    if (businessDir) await rm(businessDir, { recursive: true, force: true });
  });

  it('greets through the session, upgrades to the full prompt, answers with the model audio', async () => {
    server.options.caller = [QUESTION];
    server.options.failure = undefined;
    const from = server.received().length;
    const [call] = await placeCalls(rig, [{ script: asking(QUESTION) }]);
    await turnsDone(call!, 1);
    call!.sim.hangup();
    const out = await callEnded(call!);

    const updates = sent(server, 'session.update', from);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    const full = call!.handle.session.prompts.full;
    expect(full).toBeDefined();
    expect(instructionsOf(updates.at(-1))).toBe(full);
    expect(instructionsOf(updates[0])).toBe(call!.handle.session.prompts.compact);
    expect(sent(server, 'input_audio_buffer.append', from).length).toBeGreaterThan(10);
    expect(sent(server, 'input_audio_buffer.commit', from)).toHaveLength(1);
    expect(out.turns).toBe(1);
    expect(out.greeting).toBe('spoken');
    expect(historyOf(call!)).toEqual([
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: ANSWER },
    ]);
    // The model's tone reached the caller, after the question too.
    const rec = call!.sim.recording;
    const loud = loudBotFrames(rec);
    expect(loud.length).toBeGreaterThan(50);
    expect(logTypes(call!).some((e) => e.type === 'fallback')).toBe(false);
  }, 90_000);

  it('truncates the answer at the audio the caller heard when they barge in', async () => {
    server.options.caller = [QUESTION, 'Sorry, and on Monday?'];
    server.options.reply = (caller) => ({
      say: caller === undefined ? GREETING : caller === QUESTION ? LONG_ANSWER : ANSWER,
    });
    const from = server.received().length;
    const [call] = await placeCalls(rig, [
      { script: asking(QUESTION, [{ say: 'Sorry, and on Monday?', interruptAfterMs: 1_500 }]) },
    ]);
    await turnsDone(call!, 1);
    call!.sim.hangup();
    const out = await callEnded(call!);
    expect(out.bargeIns).toBeGreaterThanOrEqual(1);
    const truncates = sent(server, 'conversation.item.truncate', from);
    expect(truncates).toHaveLength(1);
    const heard = truncates[0]!.audio_end_ms;
    // What was played before the caller's speech stopped it: more than nothing, less than all.
    expect(heard).toBeGreaterThan(500);
    expect(heard).toBeLessThan(LONG_ANSWER.length * 50);
    expect(sent(server, 'response.cancel', from).length).toBeLessThanOrEqual(1);
    // The turn log keeps what the caller heard (whole words up to the truncation), interrupted.
    const turn = logTypes(call!).find((e) => e.type === 'turn')?.fields ?? {};
    expect(turn).toMatchObject({ transcript: QUESTION, outcome: 'interrupted', interrupted: true });
    const answer = String(turn.answer);
    expect(LONG_ANSWER.startsWith(answer)).toBe(true);
    expect(answer.length).toBeLessThan(LONG_ANSWER.length - 10);
    expect(Math.abs(answer.length - heard / 50)).toBeLessThan(16);
  }, 90_000);

  it('hangs up in each state of the mode: the session closes, nothing is left running', async () => {
    server.options.failure = undefined;
    server.options.caller = [QUESTION];
    server.options.reply = (caller) => ({
      say: caller === undefined ? GREETING : LONG_ANSWER,
    });
    const states = ['greeting', 'listening', 'answering'] as const;
    const calls = await placeCalls(
      rig,
      states.map(() => ({ script: asking(QUESTION) })),
    );
    await Promise.all(
      states.map(async (state, i) => {
        const call = calls[i]!;
        await waitFor(
          () => conversationState(call.handle.actor.getSnapshot().value).startsWith(state),
          `call ${i} in ${state}`,
          30_000,
          5,
        );
        // In the greeting the session may still be opening: the hang-up aborts the open.
        if (state !== 'greeting') expect(logTypes(call).some((e) => e.type === 'brain')).toBe(true);
        expect(logTypes(call).some((e) => e.type === 'fallback')).toBe(false);
        call.sim.hangup();
        const out = await callEnded(call);
        expect(out.endReason).toBe('hangup');
        await expectCallReleased(rig, call);
      }),
    );
    await waitFor(() => server.openSockets === 0, 'every realtime session to close', 10_000);
  }, 90_000);

  it('answers in cascade mode when the session is refused (401)', async () => {
    server.options.failure = { kind: 'status', status: 401 };
    server.options.reply = (caller) => ({ say: caller === undefined ? GREETING : ANSWER });
    const failures = await metricValue(rig.registry, 'voxstate_realtime_sessions_total', {
      outcome: 'failed',
    });
    const [call] = await placeCalls(rig, [{ script: asking(QUESTION) }]);
    await turnsDone(call!, 1);
    call!.sim.hangup();
    const out = await callEnded(call!);
    expect(out.turns).toBe(1);
    expect(out.greeting).toBe('spoken');
    const fallback = logTypes(call!).find((e) => e.type === 'fallback');
    expect(fallback?.fields).toMatchObject({ from: 'realtime', to: 'cascade', phase: 'open' });
    expect(historyOf(call!)[1]?.content).not.toBe(ANSWER);
    expect(historyOf(call!)[1]?.content.length).toBeGreaterThan(0);
    expectNoDeadAir(call!);
    expect(
      await metricValue(rig.registry, 'voxstate_realtime_sessions_total', { outcome: 'failed' }),
    ).toBe(failures + 1);
  }, 90_000);

  it('carries on in cascade mode when the session drops mid-call', async () => {
    server.options.failure = { kind: 'drop', afterResponses: 1 };
    server.options.caller = [QUESTION];
    const [call] = await placeCalls(rig, [{ script: asking(QUESTION) }]);
    await turnsDone(call!, 1);
    call!.sim.hangup();
    const out = await callEnded(call!);
    server.options.failure = undefined;
    expect(out.turns).toBe(1);
    const fallback = logTypes(call!).find((e) => e.type === 'fallback');
    expect(fallback?.fields).toMatchObject({ from: 'realtime', to: 'cascade', phase: 'call' });
    // The question was transcribed from the kept audio and answered by the cascade.
    expect(historyOf(call!)[0]?.content).toBe(QUESTION);
    expect(historyOf(call!)[1]?.content).not.toBe(ANSWER);
    expectNoDeadAir(call!);
  }, 90_000);

  it('ends the call with end_call from the session: no follow-up response, goodbye, reason end_call', async () => {
    server.options.failure = undefined;
    server.options.caller = [BYE];
    server.options.reply = (caller) =>
      caller === undefined
        ? { say: GREETING }
        : { tool: 'end_call', args: { reason: 'caller_done' } };
    const from = server.received().length;
    const [call] = await placeCalls(rig, [{ script: asking(BYE) }]);
    const out = await callEnded(call!);
    expect(out.endReason).toBe('end_call');
    const outputs = sent(server, 'conversation.item.create', from).filter(
      (e) => e.item.type === 'function_call_output',
    );
    expect(outputs).toHaveLength(1);
    // The greeting and the turn's response; the action's output is not followed by another.
    expect(sent(server, 'response.create', from)).toHaveLength(2);
    expect(logTypes(call!).find((e) => e.type === 'tool')?.fields).toMatchObject({
      name: 'end_call',
      status: 'ok',
    });
    expect(logTypes(call!).some((e) => e.type === 'fallback')).toBe(false);
    await expectCallReleased(rig, call!);
  }, 90_000);

  it('runs a business webhook tool and gives its result back to the session', async () => {
    server.options.failure = undefined;
    server.options.caller = [ORDER];
    server.options.reply = (caller) =>
      caller === undefined ? { say: GREETING } : { tool: 'order_status', args: { order: 'A17' } };
    server.options.afterTool = () => 'Your cake is ready.';
    const from = server.received().length;
    const hooks = webhook.requests.length;
    const [call] = await placeCalls(rig, [{ script: asking(ORDER) }]);
    await turnsDone(call!, 1);
    call!.sim.hangup();
    await callEnded(call!);
    server.options.afterTool = undefined;
    expect(webhook.requests.slice(hooks).map((r) => r.body)).toEqual([{ order: 'A17' }]);
    const outputs = sent(server, 'conversation.item.create', from).flatMap((e) =>
      e.item.type === 'function_call_output' ? [e.item.output] : [],
    );
    expect(outputs).toHaveLength(1);
    expect(JSON.parse(outputs[0]!)).toEqual({ ok: true, echo: { order: 'A17' } });
    expect(historyOf(call!)).toEqual([
      { role: 'user', content: ORDER },
      { role: 'assistant', content: 'Your cake is ready.' },
    ]);
  }, 90_000);

  it('a slow webhook: its own timeout (not the 3 s tool deadline), a filler while the model waits, the tool on the timeline', async () => {
    server.options.failure = undefined;
    server.options.caller = ['Can you deliver tomorrow?'];
    server.options.reply = (caller) =>
      caller === undefined ? { say: GREETING } : { tool: 'delivery_slot', args: {} };
    server.options.afterTool = () => 'We can deliver at ten.';
    const from = server.received().length;
    const [call] = await placeCalls(rig, [{ script: asking('Can you deliver tomorrow?') }]);
    await turnsDone(call!, 1);
    call!.sim.hangup();
    await callEnded(call!);
    server.options.afterTool = undefined;
    const outputs = sent(server, 'conversation.item.create', from).flatMap((e) =>
      e.item.type === 'function_call_output' ? [e.item.output] : [],
    );
    expect(outputs.map((o) => JSON.parse(o))).toEqual([{ ok: true, slow: SLOW_WEBHOOK_MS }]);
    const turn = call!.handle.session.timeline.turns()[0]!;
    expect(turn.tools).toEqual([expect.objectContaining({ name: 'delivery_slot', status: 'ok' })]);
    expect(turn.tools![0]!.ms).toBeGreaterThanOrEqual(SLOW_WEBHOOK_MS - 50);
    // The filler began while the webhook ran, before the model's answer audio.
    expect(turn.filler).toBeDefined();
    expect(turn.first_answer_audio).toBeDefined();
    expect(turn.filler!).toBeLessThan(SLOW_WEBHOOK_MS);
    expect(historyOf(call!)[1]).toEqual({ role: 'assistant', content: 'We can deliver at ten.' });
  }, 90_000);
});
