import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';
import { crashNextWhisperTask } from '../fakes/worker-crash.js';
import { captureLogs, type LogCapture } from '../helpers/logs.js';
import { metricValue } from '../helpers/metrics.js';
import { deadAir, prewarmEnglish, waitFor } from './helpers.js';

describe('faults: a Whisper worker thread dies mid-task (real pool, tiny Whisper model)', () => {
  let rig: CallRig;
  let llm: FixtureServer;
  let logs: LogCapture;

  beforeAll(async () => {
    llm = await startOpenAiServer({ fallback: { text: 'Yes, we are open.' } });
    logs = captureLogs();
    rig = await startCallRig({
      // The answers come from the LLM fixture (or no turn is taken): no knowledge base needed.
      ingest: false,
      stt: 'whisper',
      logger: logs.logger,
      configure: prewarmEnglish,
      env: {
        VOXSTATE_WHISPER_THREADS: '1',
        OPENAI_BASE_URL: llm.baseURL,
        VOXSTATE_LLM_CHEAP_MODEL: 'none',
        VOXSTATE_LLM_STRONG_MODEL: 'gpt-test',
        VOXSTATE_BARGE_IN_ON_GREETING: 'true',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await llm?.close();
  });

  it('the caller hears the apology within 3 s, the pool replaces the thread, the next turn works', async () => {
    const crash = crashNextWhisperTask(rig.runtime.stt);
    const { sim, handle } = await rig.placeCall({
      steps: [
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 600, timeoutMs: 8_000 } },
        { say: 'Are you open on Monday?' },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 8_000 } },
        { hangup: true },
      ],
    });
    const states: string[] = [];
    handle.actor.subscribe((s) => {
      const conversation = (s.value as { active?: { conversation?: unknown } }).active
        ?.conversation;
      const name =
        typeof conversation === 'string' ? conversation : Object.keys(conversation ?? {})[0];
      if (name && states.at(-1) !== name) states.push(name);
    });
    await crash.crashed;
    const output = await handle.done;
    await sim.ended;

    // Turn 1: the transcription died with its thread -> apology -> listening again.
    // Turn 2: a fresh thread transcribed it, and the bot answered or asked again.
    const afterApology = states.slice(states.indexOf('apology') + 1);
    expect(states).toContain('apology');
    expect(afterApology).toContain('thinking');
    expect(afterApology.some((s) => s === 'answering' || s === 'didNotCatch')).toBe(true);
    expect(output.endReason).toBe('hangup');
    const turns = deadAir(sim.recording);
    expect(turns).toHaveLength(2);
    for (const t of turns) expect(t.worstMs).toBeLessThan(3_000);

    expect(
      await metricValue(rig.registry, 'voxstate_worker_errors_total', {
        pool: 'whisper',
        kind: 'thread_exit',
      }),
    ).toBe(1);
    expect(
      await metricValue(rig.registry, 'voxstate_errors_total', {
        component: 'stt',
        kind: 'worker',
      }),
    ).toBe(1);
    const logged = logs.find('transcription failed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ callId: handle.id, kind: 'worker' });
    await waitFor(() => rig.runtime.activeCalls === 0, 2_000, 'the call to be released');
  }, 60_000);
});
