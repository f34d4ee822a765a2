import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { type FakeDeepgramServer, startFakeDeepgramServer } from '../fakes/deepgram-server.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';
import { captureLogs, type LogCapture } from '../helpers/logs.js';
import { metricValue } from '../helpers/metrics.js';
import { deadAir, prewarmEnglish } from './helpers.js';

const QUESTION = 'Are you open on Sunday?';

describe('faults: a remote STT engine (Deepgram fixture) picked by the stt flag fails', () => {
  let rig: CallRig;
  let llm: FixtureServer;
  let deepgram: FakeDeepgramServer;
  let logs: LogCapture;

  beforeAll(async () => {
    llm = await startOpenAiServer({ fallback: { text: 'Yes, we are open.' } });
    deepgram = await startFakeDeepgramServer();
    logs = captureLogs();
    rig = await startCallRig({
      ingest: false,
      stt: 'script',
      logger: logs.logger,
      configure: prewarmEnglish,
      env: {
        OPENAI_BASE_URL: llm.baseURL,
        VOXSTATE_LLM_CHEAP_MODEL: 'none',
        VOXSTATE_LLM_STRONG_MODEL: 'gpt-test',
        VOXSTATE_BARGE_IN_ON_GREETING: 'true',
        VOXSTATE_FLAGS: '{"stt":"deepgram"}',
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

  async function call() {
    const { sim, handle } = await rig.placeCall({
      steps: [
        { say: QUESTION },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 8_000 } },
        { hangup: true },
      ],
    });
    const byModel = () => handle.session.ledger.breakdown();
    const output = await handle.done;
    await sim.ended;
    return { output, turns: deadAir(sim.recording), cost: byModel() };
  }

  it('healthy: the flagged engine transcribes and is priced in the ledger', async () => {
    deepgram.options.texts = [QUESTION];
    const { output, turns, cost } = await call();
    expect(output.turns).toBe(1);
    expect(turns).toHaveLength(1);
    expect(Object.keys(cost.byModel)).toContain('stt:deepgram');
    // The audio went to Deepgram while the caller spoke (interim results), then Finalize.
    const conn = deepgram.connections.at(-1);
    expect(conn?.interims.length).toBeGreaterThan(0);
    expect(conn?.controls).toContain('Finalize');
    expect(cost.unpriced.filter((u) => u.startsWith('stt:'))).toEqual([]);
    if (process.env.STT_FAULTS_REPORT) console.log('healthy', JSON.stringify(turns));
    expect(await metricValue(rig.registry, 'voxstate_stt_fallbacks_total')).toBe(0);
  }, 30_000);

  const kinds = [
    ['auth', { failWith: 401 }],
    ['rate_limit', { failWith: 429 }],
    ['timeout', { stall: true }],
    ['dropped', { dropAfterAudioMs: 200 }],
  ] as const;
  for (const [kind, opts] of kinds) {
    it(`${kind}: the utterance falls back to the local engine, the turn is answered within the dead-air bound`, async () => {
      for (const k of Object.keys(deepgram.options))
        delete (deepgram.options as Record<string, unknown>)[k];
      Object.assign(deepgram.options, opts);
      const before = await metricValue(rig.registry, 'voxstate_stt_fallbacks_total', {
        engine: 'deepgram',
        kind,
      });
      const { output, turns, cost } = await call();
      expect(output.turns).toBe(1);
      expect(turns).toHaveLength(1);
      for (const t of turns) expect(t.worstMs).toBeLessThan(3_000);
      if (process.env.STT_FAULTS_REPORT) console.log(kind, JSON.stringify(turns));
      expect(Object.keys(cost.byModel)).toContain('stt:script');
      expect(
        await metricValue(rig.registry, 'voxstate_stt_fallbacks_total', {
          engine: 'deepgram',
          kind,
        }),
      ).toBe(before + 1);
      expect(logs.find('stt engine failed; falling back').at(-1)).toMatchObject({
        engine: 'deepgram',
        next: 'script',
        kind,
      });
    }, 30_000);
  }

  it('refused (the server is gone): falls back too', async () => {
    await deepgram.close();
    const { output, turns, cost } = await call();
    expect(output.turns).toBe(1);
    for (const t of turns) expect(t.worstMs).toBeLessThan(3_000);
    if (process.env.STT_FAULTS_REPORT) console.log('refused', JSON.stringify(turns));
    expect(Object.keys(cost.byModel)).toContain('stt:script');
    expect(
      await metricValue(rig.registry, 'voxstate_stt_fallbacks_total', {
        engine: 'deepgram',
        kind: 'refused',
      }),
    ).toBe(1);
  }, 30_000);
});
