import { describe, expect, it } from 'vitest';
import { ulawEncode } from '../../src/audio/g711.js';
import { EchoGate, frameEnergy, samplesEnergy } from '../../src/media/echo-gate.js';

/** Energy (mean square, 16-bit units) of a level given in dB relative to `ref`. */
const db = (ref: number, gainDb: number) => ref * 10 ** (gainDb / 10);
const BOT = 4000 ** 2;

/** The bot speaks at `BOT` from 0 to `untilMs`; the caller line has `callerEnergy(t)`. */
function run(callerEnergy: (t: number) => number, untilMs = 2_000, gate = new EchoGate()) {
  const verdicts: boolean[] = [];
  for (let t = 20; t <= 3_000; t += 20) {
    if (t <= untilMs) gate.bot(t - 20, BOT);
    gate.caller(t, callerEnergy(t));
    verdicts.push(gate.nearEnd(t));
  }
  return verdicts;
}

describe('EchoGate', () => {
  it('takes audio far under the bot level for echo while the bot speaks', () => {
    const verdicts = run(() => db(BOT, -20));
    // While the bot speaks (and its echo span after), an echo at -20 dB is not the caller.
    expect(verdicts.slice(5, 100).every((v) => !v)).toBe(true);
    // Half a second after the bot went quiet, anything on the line is the caller's.
    expect(verdicts.slice(-20).every((v) => v)).toBe(true);
  });

  it('hears a caller talking over the bot at a speaking level', () => {
    // echo at -20 dB plus the caller at -6 dB from 1 s
    const verdicts = run((t) => db(BOT, -20) + (t > 1_000 ? db(BOT, -6) : 0));
    expect(verdicts.slice(10, 45).some((v) => v)).toBe(false);
    expect(verdicts.slice(56, 100).every((v) => v)).toBe(true);
  });

  it('uses the configured echo return loss', () => {
    const strict = run(() => db(BOT, -15), 2_000, new EchoGate({ echoLossDb: 12 }));
    const lenient = run(() => db(BOT, -15), 2_000, new EchoGate({ echoLossDb: 18 }));
    expect(strict.slice(10, 90).every((v) => !v)).toBe(true);
    expect(lenient.slice(10, 90).every((v) => v)).toBe(true);
  });

  it('with the bot silent, everything is the caller', () => {
    const gate = new EchoGate();
    gate.caller(20, 1);
    expect(gate.nearEnd(20)).toBe(true);
  });

  it('measures slin16 and mu-law frames and float samples in 16-bit units', () => {
    const pcm = new Int16Array(320).fill(1000);
    const slin = Buffer.alloc(640);
    for (let i = 0; i < pcm.length; i++) slin.writeInt16LE(pcm[i]!, i * 2);
    expect(frameEnergy(slin, 'slin16')).toBe(1_000_000);
    expect(
      Math.sqrt(frameEnergy(Buffer.from(ulawEncode(pcm.subarray(0, 160))), 'ulaw')),
    ).toBeCloseTo(1000, -2);
    expect(samplesEnergy(new Float32Array(10).fill(1000 / 32768))).toBeCloseTo(1_000_000, 0);
  });
});
