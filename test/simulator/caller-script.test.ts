import { describe, expect, it } from 'vitest';
import { readWav } from '../../src/audio/wav.js';
import {
  CallerScriptRunner,
  type CallerStep,
  noiseBurst,
  toneAudio,
} from '../../src/simulator/caller-script.js';

const loud = (() => {
  const b = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) b.writeInt16LE(i % 2 === 0 ? 5000 : -5000, i * 2);
  return b;
})();
const quiet = Buffer.alloc(640);

function energy(frame: Buffer): number {
  let max = 0;
  for (let i = 0; i < 320; i++) max = Math.max(max, Math.abs(frame.readInt16LE(i * 2)));
  return max;
}

describe('CallerScriptRunner', () => {
  it('speaks, pauses, presses keys and hangs up on the media timeline', () => {
    const runner = new CallerScriptRunner(
      {
        steps: [
          { say: 'one', audio: toneAudio(300, 100) },
          { pause: 60 },
          { dtmf: '12', gapMs: 40 },
          { say: 'two', audio: toneAudio(300, 40) },
          { hangup: true },
        ],
      },
      new Map(),
    );
    const digits: string[] = [];
    let hungUp = false;
    runner.on('dtmf', (d) => digits.push(d));
    runner.on('hangup', () => {
      hungUp = true;
    });
    const frames = Array.from({ length: 20 }, () => runner.nextFrame());
    expect(frames.slice(0, 5).every((f) => energy(f) > 1000)).toBe(true);
    expect(energy(frames[5]!)).toBe(0);
    expect(digits).toEqual(['1', '2']);
    expect(hungUp).toBe(true);
    expect(runner.utterances).toEqual([
      { text: 'one', startMs: 0, endMs: 100 },
      { text: 'two', startMs: expect.any(Number), endMs: expect.any(Number) },
    ]);
    expect(runner.textAt(40)).toBe('one');
    expect(runner.textAt(150)).toBeUndefined();
    const kinds = runner.recording.timeline.map((e) => e.kind);
    expect(kinds).toEqual([
      'caller.speech.start',
      'caller.speech.end',
      'caller.dtmf',
      'caller.dtmf',
      'caller.speech.start',
      'caller.speech.end',
      'caller.hangup',
    ]);
  });

  it('waits for the bot to finish, then barges in while it speaks again, and measures turn latency', () => {
    const runner = new CallerScriptRunner(
      {
        steps: [
          { say: 'question', audio: toneAudio(300, 60) },
          { waitForBot: { silenceMs: 100 } },
          { say: 'stop', audio: toneAudio(300, 40), interruptAfterMs: 60 },
        ],
      },
      new Map(),
    );
    const tick = (n: number, bot?: Buffer) => {
      const out: Buffer[] = [];
      for (let i = 0; i < n; i++) {
        if (bot) runner.hear(bot);
        out.push(runner.nextFrame());
      }
      return out;
    };
    tick(3); // the question, 60 ms
    tick(5); // 100 ms of bot silence: no bot audio yet, keep waiting
    tick(5, loud); // the bot answers for 100 ms
    const waiting = tick(5, quiet); // silence: waitForBot completes after 100 ms
    expect(waiting.every((f) => energy(f) === 0)).toBe(true);
    tick(2, quiet);
    const barge = tick(6, loud); // bot speaks again; the caller cuts in 60 ms later
    expect(energy(barge[0]!)).toBe(0);
    expect(barge.slice(3).some((f) => energy(f) > 1000)).toBe(true);
    const [turn] = runner.recording.turns();
    expect(turn).toMatchObject({ text: 'question', speechEndMs: 60, latencyMs: 100 });
    const wav = readWav(runner.recording.toWav('mix'));
    expect(wav.sampleRate).toBe(16_000);
    expect(wav.samples.length).toBe((runner.nowMs / 1000) * 16_000);
  });

  it('waits after hold for the voice that follows the hold music, however soon it follows', () => {
    // An attended transfer as the caller hears it: an announcement, hold music, and the agent's
    // voice right after the music (the bot bridged the caller late: the agent had started).
    const caller = (steps: CallerStep[]) =>
      new CallerScriptRunner(
        { steps: [...steps, { say: 'hello', audio: toneAudio(300, 40) }] },
        new Map(),
      );
    /** Plays the far end to `runner`; the media times (ms) at which the caller spoke. */
    const play = (runner: CallerScriptRunner, agentSpeaks = true) => {
      const spoke: number[] = [];
      const tick = (n: number, bot: Buffer) => {
        for (let i = 0; i < n; i++) {
          runner.hear(bot);
          const at = runner.nowMs;
          if (energy(runner.nextFrame()) > 1000) spoke.push(at);
        }
      };
      tick(5, loud); // the announcement, 100 ms
      runner.startHold('default');
      tick(10, loud); // hold music, 200 ms
      runner.stopHold('default');
      if (agentSpeaks) tick(5, loud); // the agent, 100 ms, no silence before it
      tick(50, quiet);
      return spoke;
    };
    // Told apart by silence alone, the three are one stretch of audio: a script that waits for
    // the announcement and then for the agent waits for a voice that never comes.
    const bySilence = caller([
      { waitForBot: { silenceMs: 100 } },
      { waitForBot: { silenceMs: 100 } },
    ]);
    expect(play(bySilence)).toEqual([]);
    // `afterHold` waits for the voice after the music, then the silence after it.
    const afterHold = caller([{ waitForBot: { silenceMs: 100, afterHold: true } }]);
    // The agent's last frame is at 380 ms; the caller speaks 100 ms after it.
    expect(play(afterHold)).toEqual([480, 500]);
    const kinds = afterHold.recording.timeline.map((e) => e.kind);
    expect(kinds.indexOf('moh.stop')).toBeGreaterThan(kinds.indexOf('moh.start'));
    expect(kinds.indexOf('caller.speech.start')).toBeGreaterThan(kinds.indexOf('moh.stop'));
    // Hold music alone never ends it, however long the silence after the music.
    expect(play(caller([{ waitForBot: { silenceMs: 100, afterHold: true } }]), false)).toEqual([]);
  });

  it('sends no frames while silent when the script suppresses silence, and its clock still runs', () => {
    const script = {
      sendSilence: false,
      steps: [{ pause: 60 }, { say: 'one', audio: toneAudio(300, 40) }, { pause: 60 }],
    };
    const runner = new CallerScriptRunner(script, new Map());
    const pulled = Array.from({ length: 8 }, () => runner.pull());
    expect(pulled.map((f) => (f === undefined ? '-' : energy(f) > 1000 ? 'S' : 'q'))).toEqual([
      '-',
      '-',
      '-',
      'S',
      'S',
      '-',
      '-',
      '-',
    ]);
    expect(runner.nowMs).toBe(160);
    expect(runner.utterances).toEqual([{ text: 'one', startMs: 60, endMs: 100 }]);
    // The recording still covers the whole media time, the silence as zeros.
    expect(runner.recording.durationMs).toBe(160);

    const always = new CallerScriptRunner({ ...script, sendSilence: true }, new Map());
    expect(Array.from({ length: 8 }, () => always.pull()).every((f) => f !== undefined)).toBe(true);
  });

  it('carries the bot audio back on the line, delayed and attenuated, when the script has echo', () => {
    const runner = new CallerScriptRunner(
      { sendSilence: false, echo: { gainDb: -20, delayMs: 40 }, steps: [{ pause: 1_000 }] },
      new Map(),
    );
    const out: Array<Buffer | undefined> = [];
    for (let i = 0; i < 8; i++) {
      if (i < 3) runner.hear(loud);
      out.push(runner.pull());
    }
    // Bot audio heard at 0, 20, 40 ms comes back at 40, 60, 80 ms at a tenth of its level.
    expect(out.map((f) => (f ? energy(f) : 0))).toEqual([0, 0, 500, 500, 500, 0, 0, 0]);
    // The caller's own recording holds only the caller's voice.
    expect(runner.recording.samples('caller').every((v) => v === 0)).toBe(true);
  });

  it('adds a looped noise bed to everything the caller sends, silence included', () => {
    const bed = new Int16Array(480).map((_, i) => (i < 320 ? 1000 : -2000));
    const runner = new CallerScriptRunner(
      { sendSilence: false, noise: bed, steps: [{ say: 'hi', audio: toneAudio(300, 40) }] },
      new Map(),
    );
    const out = Array.from({ length: 4 }, () => runner.pull());
    // A noisy line is never silent: every frame is sent, even with `sendSilence: false`.
    expect(out.every((f) => f !== undefined)).toBe(true);
    const [voiced, , silent1, silent2] = out as [Buffer, Buffer, Buffer, Buffer];
    // Voice plus noise in the first frames; noise alone after, looped (samples 640-959 wrap).
    expect(voiced.readInt16LE(2)).toBe(toneAudio(300, 40)[1]! + 1000);
    expect(silent1.readInt16LE(0)).toBe(1000);
    expect(silent1.readInt16LE(2 * 200)).toBe(-2000);
    expect(silent2.readInt16LE(0)).toBe(1000);
    // The caller's own recording holds only the voice.
    expect(
      runner.recording
        .samples('caller')
        .slice(640)
        .every((v) => v === 0),
    ).toBe(true);
  });

  it('makes a deterministic noise burst at the asked level', () => {
    const burst = noiseBurst(300, 6000);
    expect(burst).toHaveLength(4800);
    expect(noiseBurst(300, 6000)).toEqual(burst);
    const rms = Math.sqrt(burst.reduce((s, v) => s + v * v, 0) / burst.length);
    expect(rms).toBeGreaterThan(5000);
    expect(rms).toBeLessThan(6500);
    expect(burst[0]).toBe(0);
  });
});
