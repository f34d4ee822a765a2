/**
 * `send_dtmf` on an outbound call: `voxstate call` dials a scripted phone menu on the simulated
 * Asterisk ("For sales, press one", then it waits for the digit). The model (the OpenAI fixture
 * on loopback, through the real SDK) answers the menu with a `send_dtmf` tool call; the digit
 * goes through the real ari-client as `POST /channels/{id}/dtmf` and reaches the menu, which
 * then goes on ("Connecting you to sales") instead of timing out ("Goodbye").
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOutcome, run } from '../../src/cli/commands/call.js';
import type { CallRecording } from '../../src/simulator/call-recording.js';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { capture, startSpeakingSim, tinyEnv } from '../cli/helpers.js';
import { type BusinessFile, writeBusinessFile } from '../fakes/business-file.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';

describe('send_dtmf on an outbound call to a phone menu', () => {
  let sim: SimulatedAsterisk;
  let closeSim: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let llm: FixtureServer;
  let business: BusinessFile;

  beforeAll(async () => {
    ({ sim, close: closeSim } = await startSpeakingSim({
      endpoints: {
        'PJSIP/menu': {
          answerAfterMs: 200,
          script: {
            steps: [
              { pause: 300 },
              { say: 'Thank you for calling. For sales, press one.' },
              { waitForDtmf: { digits: '1', timeoutMs: 20_000 } },
              { say: 'Connecting you to sales.' },
              { pause: 500 },
              { hangup: true },
            ],
          },
        },
      },
    }));
    llm = await startOpenAiServer({
      replies: [
        {
          match: { afterTool: false },
          toolCalls: [{ name: 'send_dtmf', arguments: { digits: '1' } }],
          times: 1,
        },
        { match: { afterTool: true }, text: 'Pressed one.' },
      ],
      fallback: { text: 'Okay.' },
    });
    business = await writeBusinessFile({ builtins: ['end_call', 'send_dtmf'] });
    ({ env, dataDir } = await tinyEnv(sim.url, {
      OPENAI_API_KEY: 'test-key',
      OPENAI_BASE_URL: llm.baseURL,
      VOXSTATE_BUSINESS: business.path,
    }));
  }, 60_000);

  afterAll(async () => {
    await closeSim?.();
    await llm?.close();
    await business?.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the model presses 1: the menu receives the digit and goes on to sales', async () => {
    let recording: CallRecording | undefined;
    const watch = () => {
      for (const ch of sim.channels.values()) {
        if (ch.kind === 'outbound' && ch.runner) recording ??= ch.runner.recording;
      }
    };
    sim.on('request', watch);
    const out = capture();
    const err = capture();
    const code = await run(['PJSIP/menu', '--json'], { out, err, env });
    sim.off('request', watch);
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    const outcome = JSON.parse(out.text()) as CallOutcome;
    expect(outcome.endReason).toBe('hangup');
    // send_dtmf was offered on this outbound call, and the model's call reached the menu.
    const offered = (llm.requests[0]?.body.tools as Array<{ function: { name: string } }>) ?? [];
    expect(offered.map((t) => t.function.name)).toContain('send_dtmf');
    const timeline = recording!.timeline;
    const pressed = timeline.filter((e) => e.kind === 'caller.dtmf.received');
    expect(pressed.map((e) => e.digit)).toEqual(['1']);
    const sales = timeline.find(
      (e) => e.kind === 'caller.speech.start' && e.text === 'Connecting you to sales.',
    );
    expect(sales).toBeDefined();
    expect(sales!.atMs).toBeGreaterThanOrEqual(pressed[0]!.atMs);
    // The model got the tool's result back.
    const afterTool = llm.requests.find((r) =>
      JSON.stringify(r.body.messages).includes('ok: pressed 1.'),
    );
    expect(afterTool).toBeDefined();
  }, 90_000);
});
