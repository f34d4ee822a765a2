/**
 * End to end: in realtime mode the model calls the built-in `transfer_call`, and the call is
 * transferred blind through the simulated Asterisk (continue in the dialplan at agents,100,1),
 * as test/e2e/transfer.test.ts does for the cascade: the real runtime and ari-client, the
 * `openai` SDK against the Realtime fixture. The tool's output is final (no response follows
 * it), the machine announces the transfer and hands off, the caller reaches the agent, and
 * nothing is left: channels, bridges, the call and the session's socket.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_BUSINESS_FILE } from '../../src/runtime/config.js';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { toneAudio } from '../../src/simulator/caller-script.js';
import type { CalleeBehavior, SimDialReport } from '../../src/simulator/simulated-asterisk.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  type FakeRealtimeServer,
  startFakeRealtimeServer,
} from '../fakes/openai-realtime-server.js';
import { conversationState, waitFor, within } from './helpers.js';

const GREETING = 'Hello, Sunny Bakery here. How can I help?';
const ASK = 'Can I talk to a person please?';
const SUMMARY = 'The caller wants to speak to a person about a wedding cake.';

/** Asks for a person, listens to the announcement, greets the agent, hangs up. */
const CALLER: CallerScript = {
  steps: [
    { waitForBot: { silenceMs: 600, timeoutMs: 20_000 } },
    { say: ASK },
    { waitForBot: { silenceMs: 400, timeoutMs: 30_000 } },
    { say: 'Hello?', audio: toneAudio(500, 400) },
    { pause: 800 },
    { hangup: true },
  ],
};

/** The agent reached in the dialplan: answers and speaks first. */
const AGENT: CalleeBehavior = {
  answerAfterMs: 150,
  script: {
    steps: [
      { pause: 300 },
      { say: 'Support, Dana speaking.', audio: toneAudio(700, 400) },
      { pause: 10_000 },
    ],
  },
};

function sent<T extends RealtimeClientEvent['type']>(
  server: FakeRealtimeServer,
  type: T,
): Array<Extract<RealtimeClientEvent, { type: T }>> {
  return server
    .received()
    .filter((e): e is Extract<RealtimeClientEvent, { type: T }> => e.type === type);
}

describe('realtime transfer_call (runtime + real ari-client + simulated Asterisk + Realtime fixture)', () => {
  let rig: CallRig;
  let server: FakeRealtimeServer;
  let businessDir: string;
  const dials: SimDialReport[] = [];

  beforeAll(async () => {
    server = await startFakeRealtimeServer({
      caller: [ASK],
      reply: (caller) =>
        caller === undefined
          ? { say: GREETING }
          : { tool: 'transfer_call', args: { summary: SUMMARY, mode: 'blind' } },
    });
    const business = JSON.parse(await readFile(SAMPLE_BUSINESS_FILE, 'utf8')) as object;
    businessDir = await mkdtemp(join(tmpdir(), 'voxstate-rt-transfer-'));
    const businessFile = join(businessDir, 'business.json');
    await writeFile(
      businessFile,
      JSON.stringify({
        ...business,
        builtins: ['end_call', 'transfer_call'],
        transfer: {
          announcement: 'Please hold.',
          targets: { agents: { dialplan: { context: 'agents', extension: '100', priority: 1 } } },
        },
      }),
    );
    rig = await startCallRig({
      ingest: false,
      env: {
        VOXSTATE_BRAIN: 'realtime',
        VOXSTATE_REALTIME_BASE_URL: server.baseUrl,
        VOXSTATE_REALTIME_API_KEY: 'test-key',
      },
      runtimeOptions: { realtimeWsOptions: { ca: server.ca } },
      configure: (c) => ({ ...c, businessFile }),
      simulator: {
        onOriginate: () => AGENT,
        extensions: { '100@agents': { dial: 'PJSIP/agent-100', timeoutSec: 5 } },
      },
    });
    rig.sim.on('dial', (d) => dials.push(d));
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await server?.close();
    if (businessDir) await rm(businessDir, { recursive: true, force: true });
  });

  it('the model calls transfer_call: no follow-up response, the caller is handed off blind and reaches the agent', async () => {
    const call = await rig.placeCall(CALLER);
    const states: string[] = [];
    call.handle.actor.subscribe((s) => {
      const state = conversationState(s.value);
      if (states.at(-1) !== state) states.push(state);
    });
    const output = await within(call.handle.done, 45_000, 'the bot to hand off');
    expect(output.endReason).toBe('transferred');
    expect(states).toEqual(
      expect.arrayContaining([
        'answering',
        'transferring.blind.announcing',
        'transferring.blind.handingOff',
      ]),
    );
    // The tool's output went back to the session and no response was asked for after it.
    const outputs = sent(server, 'conversation.item.create').filter(
      (e) => e.item.type === 'function_call_output',
    );
    expect(outputs).toHaveLength(1);
    expect(sent(server, 'response.create')).toHaveLength(2);
    const log = call.handle.session.log.events();
    expect(log.find((e) => e.type === 'tool')?.fields).toMatchObject({
      name: 'transfer_call',
      status: 'ok',
    });
    expect(log.some((e) => e.type === 'fallback')).toBe(false);
    await within(call.sim.ended, 30_000, 'the caller to hang up');
    expect(dials).toHaveLength(1);
    expect(dials[0]).toMatchObject({ via: 'dialplan', status: 'ANSWER' });
    await waitFor(
      () => rig.sim.channels.size + rig.sim.bridges.size === 0 && rig.runtime.activeCalls === 0,
      'every channel, bridge and call to be gone',
    );
    await waitFor(() => server.openSockets === 0, 'the realtime session to close', 10_000);
  }, 90_000);
});
