import { describe, expect, it } from 'vitest';
import { VoiceGate } from '../../src/media/voice-gate.js';

const energy = (db: number) => 10 ** (db / 10);

/** A gate that learned a caller at 70 dB (1 s of their speech, the bot silent). */
function learned(counter?: { inc(v?: number): void }) {
  const gate = new VoiceGate({
    echoLossDb: 18,
    callerLevelGateDb: 12,
    threshold: 0.5,
    windowMs: 32,
    ...(counter ? { backgroundVoice: counter } : {}),
  });
  let t = 0;
  for (; t < 1_000; t += 20) {
    gate.caller(t, energy(70));
    gate.learn(t, 0.9);
  }
  return { gate, t };
}

describe('VoiceGate', () => {
  it('outside the bot’s turn, voices far under the caller are silence to the endpointer', () => {
    let seconds = 0;
    const { gate, t } = learned({ inc: (v = 1) => (seconds += v) });
    let last = { probability: 1, nearEnd: true };
    for (let at = t; at < t + 1_000; at += 20) {
      gate.caller(at, energy(54));
      last = gate.judge(0.9, at, false);
    }
    expect(last).toEqual({ probability: 0, nearEnd: true });
    expect(seconds).toBeGreaterThan(0);
  });

  it('outside the bot’s turn, a soft syllable between loud ones is still the caller', () => {
    const { gate, t } = learned();
    for (let at = t; at < t + 200; at += 20) gate.caller(at, energy(70));
    // 200 ms at 52 dB, 18 dB under the caller
    const soft: number[] = [];
    for (let at = t + 200; at < t + 400; at += 20) {
      gate.caller(at, energy(52));
      soft.push(gate.judge(0.9, at, false).probability);
    }
    // While the bot speaks, the 120 ms judgement turns the same audio away.
    expect(gate.judge(0.9, t + 380, true).nearEnd).toBe(false);
    expect(soft.every((p) => p === 0.9)).toBe(true);
  });

  it('voices around the caller are not learned as the caller’s level', () => {
    const { gate, t } = learned();
    // 3 s of them, with the bot silent (4 s would make the gate learn the level again)
    for (let at = t; at < t + 3_000; at += 32) {
      gate.caller(at, energy(54));
      const w = gate.judge(0.9, at, false);
      gate.learn(at, w.probability);
    }
    gate.caller(t + 3_000, energy(54));
    expect(gate.relativeDb(t + 3_000)).toBe(-16);
  });
});
