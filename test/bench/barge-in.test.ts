import { describe, expect, it } from 'vitest';
import { type BargeInResult, onsetToSilenceMs, summarizeBargeIn } from '../../bench/barge-in.js';
import { CallRecording } from '../../src/simulator/call-recording.js';

const frame = (level: number) => {
  const b = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) b.writeInt16LE(i % 2 ? level : -level, i * 2);
  return b;
};

describe('barge-in benchmark helpers', () => {
  it('measures from the first loud caller frame to the end of the last audible bot frame', () => {
    const rec = new CallRecording();
    // The bot talks from 0 to 1260 ms; the caller starts at 1000 (quiet for 40 ms, then loud).
    for (let t = 0; t < 1_260; t += 20) rec.addBot(frame(3000), t);
    rec.mark('caller.speech.start', 1_000, { text: 'Stop' });
    for (let t = 1_000; t < 2_000; t += 20) rec.addCaller(frame(t < 1_040 ? 100 : 3000), t);
    rec.mark('caller.speech.end', 2_000, { text: 'Stop' });
    expect(onsetToSilenceMs(rec, 'Stop')).toBe(1_260 - 1_040);
    // Nothing to stop: the bot was silent before the onset.
    const quiet = new CallRecording();
    quiet.mark('caller.speech.start', 1_000, { text: 'Stop' });
    for (let t = 1_000; t < 2_000; t += 20) quiet.addCaller(frame(3000), t);
    quiet.mark('caller.speech.end', 2_000, { text: 'Stop' });
    expect(onsetToSilenceMs(quiet, 'Stop')).toBeUndefined();
  });

  it('counts false and missed barge-ins by case', () => {
    const results: BargeInResult[] = [
      { kind: 'interrupt', label: 'i', bargeIns: 1, resumed: 0, onsetToSilenceMs: 250 },
      { kind: 'interrupt', label: 'i', bargeIns: 0, resumed: 1 },
      { kind: 'echo', label: 'e', bargeIns: 1, resumed: 0 },
      { kind: 'backchannel', label: 'b', bargeIns: 0, resumed: 1 },
      { kind: 'cough', label: 'c', bargeIns: 0, resumed: 0, error: 'timeout' },
    ];
    expect(summarizeBargeIn(results)).toMatchObject({
      bargeInCalls: 2,
      measured: 1,
      onsetToSilenceMs: { p50: 250, p95: 250 },
      missedBargeIns: 1,
      nonBargeInCalls: 3,
      falseBargeIns: 1,
      cases: { backchannel: { calls: 1, bargeIns: 0, heldThenResumed: 1 } },
      failedCalls: 1,
    });
  });
});
