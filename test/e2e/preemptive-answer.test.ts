/**
 * Preemptive answers through the whole stack (real runtime, simulated Asterisk, the unmodified
 * Deepgram SDK against its fixture, the OpenAI SDK against the LLM fixture: first token 300 ms,
 * then 800 ms to the next chunk, so a cancelled answer is still streaming),
 * with the `preempt` flag on and a 2 s end-of-turn silence (a pause of 1 s inside the question
 * leaves the preemption a second to start however loaded the machine, and ends no turn):
 * - a finished question: the model request reaches the LLM fixture while the call machine is
 *   still listening (before the end of the turn), and the answer reuses it (one request, a hit);
 * - a caller who pauses after "Do you deliver?" and goes on: the request started in the pause is
 *   aborted (the fixture sees the client close it early), its tokens are in the ledger as
 *   wasted, and the whole question is answered by a second request.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallHandle } from '../../src/runtime/runtime.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { type FakeDeepgramServer, startFakeDeepgramServer } from '../fakes/deepgram-server.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';
import { prewarmEnglish } from '../faults/helpers.js';
import { metricValue } from '../helpers/metrics.js';

describe('preemptive answers (Deepgram fixture, LLM fixture)', () => {
  let rig: CallRig;
  let llm: FixtureServer;
  let deepgram: FakeDeepgramServer;

  beforeAll(async () => {
    llm = await startOpenAiServer({
      fallback: { text: ['Yes, we do. ', 'Anything else?'], firstTokenMs: 300, chunkDelayMs: 800 },
    });
    deepgram = await startFakeDeepgramServer({ followVoice: true, msPerWord: 220 });
    rig = await startCallRig({
      ingest: false,
      stt: 'script',
      configure: prewarmEnglish,
      env: {
        OPENAI_BASE_URL: llm.baseURL,
        VOXSTATE_LLM_CHEAP_MODEL: 'none',
        VOXSTATE_LLM_STRONG_MODEL: 'gpt-test',
        VOXSTATE_FLAGS: '{"stt":"deepgram","preempt":"on","eot":"fixed"}',
        VOXSTATE_END_SILENCE_MS: '2000',
        VOXSTATE_STT_DEEPGRAM_API_KEY: 'dg-test',
        VOXSTATE_STT_DEEPGRAM_BASE_URL: deepgram.baseUrl,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await deepgram?.close().catch(() => undefined);
    await llm?.close();
  });

  /** The state the call machine was in when each LLM request arrived. */
  function watchRequests(handle: CallHandle, before: number): string[] {
    const states: string[] = [];
    const timer = setInterval(() => {
      while (before + states.length < llm.requests.length)
        states.push(JSON.stringify(handle.actor.getSnapshot().value));
    }, 5);
    void handle.done.finally(() => clearInterval(timer));
    return states;
  }

  it('a finished question: the request starts before the end of the turn and the answer reuses it', async () => {
    const before = llm.requests.length;
    const question = 'Are you open on Sunday?';
    deepgram.options.texts = [question];
    const { sim, handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 400, timeoutMs: 10_000 } },
        { say: question },
        { waitForBot: { silenceMs: 2_000, timeoutMs: 10_000 } },
        { hangup: true },
      ],
    });
    const states = watchRequests(handle, before);
    const output = await handle.done;
    await sim.ended;
    expect(output.turns).toBe(1);
    const requests = llm.requests.slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.messages.at(-1)?.content).toContain(`Caller: ${question}`);
    expect(states[0]).toContain('listening');
    expect(
      await metricValue(rig.registry, 'voxstate_preemptive_answers_total', { outcome: 'hit' }),
    ).toBe(1);
    expect(handle.session.ledger.breakdown().wastedTokens).toBe(0);
  }, 30_000);

  it('a caller who goes on after a pause: the request started in the pause is aborted and counted as waste', async () => {
    const before = llm.requests.length;
    deepgram.options.texts = ['Do you deliver? To Haifa on Sunday?'];
    const { sim, handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 400, timeoutMs: 10_000 } },
        { say: 'Do you deliver?' },
        { pause: 1_000 },
        { say: 'To Haifa on Sunday?' },
        { waitForBot: { silenceMs: 2_500, timeoutMs: 12_000 } },
        { hangup: true },
      ],
    });
    const states = watchRequests(handle, before);
    const output = await handle.done;
    await sim.ended;
    expect(output.turns).toBe(1);
    const requests = llm.requests.slice(before);
    // Each finished-looking partial may start one ("Do you deliver? To Haifa" reads as finished
    // too); every one but the answer to the whole question is aborted.
    const asked = requests.map((r) => r.messages.at(-1)?.content.split('Caller: ')[1]);
    expect(asked[0]).toBe('Do you deliver?');
    expect(asked.at(-1)).toBe('Do you deliver? To Haifa on Sunday?');
    expect(states[0]).toContain('listening');
    const cancelled = requests.slice(0, -1);
    expect(cancelled.length).toBeGreaterThan(0);
    await vi.waitFor(() => expect(cancelled.every((r) => r.closedEarly)).toBe(true));
    expect(requests.at(-1)?.closedEarly).toBe(false);
    expect(
      await metricValue(rig.registry, 'voxstate_preemptive_answers_total', { outcome: 'miss' }),
    ).toBe(cancelled.length);
    const cost = handle.session.ledger.breakdown();
    expect(cost.wastedTokens).toBeGreaterThan(0);
  }, 30_000);
});
