import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOutcome, run } from '../../src/cli/commands/call.js';
import type { CallRecording } from '../../src/simulator/call-recording.js';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { capture, startSpeakingSim, tinyEnv } from './helpers.js';

describe('voxstate call <endpoint> on the simulated Asterisk', () => {
  let sim: SimulatedAsterisk;
  let closeSim: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  beforeAll(async () => {
    ({ sim, close: closeSim } = await startSpeakingSim({
      onOriginate: (endpoint) =>
        endpoint === 'PJSIP/busy'
          ? { answer: false }
          : {
              answerAfterMs: 200,
              // Silent until the bot has spoken: the bot must speak first.
              script: {
                steps: [{ waitForBot: { silenceMs: 400, timeoutMs: 8_000 } }, { hangup: true }],
              },
            },
    }));
    ({ env, dataDir } = await tinyEnv(sim.url));
  }, 60_000);

  afterAll(async () => {
    await closeSim?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('originates, the bot speaks first, prints the outcome when the callee hangs up', async () => {
    const recordings: CallRecording[] = [];
    const callerIds: Array<{ name: string; number: string }> = [];
    const watch = () => {
      for (const ch of sim.channels.values()) {
        if (ch.kind !== 'outbound') continue;
        if (ch.runner && !recordings.includes(ch.runner.recording))
          recordings.push(ch.runner.recording);
        if (callerIds.length === 0) callerIds.push(ch.caller);
      }
    };
    sim.on('request', watch);
    const out = capture();
    const err = capture();
    const code = await run(
      [
        'PJSIP/1000',
        '--purpose',
        'appointment reminder',
        '--caller-id',
        '"Clinic" <100>',
        '--json',
      ],
      { out, err, env },
    );
    sim.off('request', watch);
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    const outcome = JSON.parse(out.text()) as CallOutcome;
    expect(outcome).toMatchObject({ endpoint: 'PJSIP/1000', endReason: 'hangup', turns: 0 });
    expect(outcome.durationMs).toBeGreaterThan(200);
    expect(callerIds[0]).toEqual({ name: 'Clinic', number: '100' });
    const [recording] = recordings;
    const kinds = recording?.timeline.map((e) => e.kind) ?? [];
    expect(kinds[0]).toBe('bot.audio.start');
    expect(kinds).toContain('caller.hangup');
    expect(kinds).not.toContain('caller.speech.start');
    // Everything was closed: the simulator holds no channel or bridge of the call.
    expect(sim.channels.size).toBe(0);
  }, 60_000);

  it('nobody answers: one line, exit 1', async () => {
    const out = capture();
    const err = capture();
    const code = await run(['PJSIP/busy', '--timeout', '0.3'], { out, err, env });
    expect(code).toBe(1);
    expect(err.text()).toMatch(/^voxstate call: originate to PJSIP\/busy failed: .+\n$/);
    expect(out.text()).toBe('');
  }, 60_000);
});
