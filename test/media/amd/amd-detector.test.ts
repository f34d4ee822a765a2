/**
 * Answering-machine detection by Asterisk's AMD() rules on constructed audio: each rule that
 * decides (initial silence, human, long greeting, too many words, too long a word, too long an
 * analysis, no audio, hang-up), time without frames, and the parameters as `AMD()` takes them.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import {
  AMD_DEFAULTS,
  type AmdResult,
  AnsweringMachineDetector,
  amdParamsFromDialplan,
  samplesOf,
} from '../../../src/media/amd/index.js';
import { noiseBurst, toneAudio } from '../../../src/simulator/sounds.js';

/** A line as segments: `voice` (noise at RMS 3000, speech-loud) or `quiet` (RMS 40), in ms. */
type Segment = [kind: 'voice' | 'quiet', ms: number];

function line(segments: Segment[]): Int16Array {
  const parts = segments.map(([kind, ms], i) =>
    noiseBurst(ms, kind === 'voice' ? 3000 : 40, i + 1),
  );
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function run(segments: Segment[], amd = new AnsweringMachineDetector()): AmdResult | undefined {
  const samples = line(segments);
  for (let i = 0; i + 320 <= samples.length; i += 320) {
    const r = amd.push(samples.subarray(i, i + 320));
    if (r) return r;
  }
  return undefined;
}

describe('AnsweringMachineDetector', () => {
  it('a short greeting followed by silence is a person (HUMAN after afterGreetingSilence)', () => {
    const r = run([
      ['quiet', 400],
      ['voice', 500],
      ['quiet', 2000],
    ]);
    expect(r).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800', words: 1 });
    expect(r?.atMs).toBe(400 + 500 + 800);
  });

  it('voice longer than the greeting is a machine (LONGGREETING)', () => {
    const r = run([
      ['quiet', 300],
      ['voice', 1000],
      ['quiet', 60],
      ['voice', 1000],
    ]);
    expect(r).toMatchObject({ status: 'MACHINE', cause: 'LONGGREETING-1500-1500' });
  });

  it('more words than maximumNumberOfWords is a machine (MAXWORDS)', () => {
    const words: Segment[] = [];
    for (let i = 0; i < 4; i++) words.push(['quiet', 200], ['voice', 200]);
    expect(run(words)).toMatchObject({ status: 'MACHINE', cause: 'MAXWORDS-3-2', words: 3 });
  });

  it('silence longer than initialSilence is a machine (INITIALSILENCE)', () => {
    expect(run([['quiet', 3000]])).toMatchObject({
      status: 'MACHINE',
      cause: 'INITIALSILENCE-2500-2500',
      atMs: 2500,
    });
  });

  it('one very long word is a machine (MAXWORDLENGTH); undecided at the end is NOTSURE (TOOLONG)', () => {
    const long = new AnsweringMachineDetector({ maximumWordLengthMs: 800, greetingMs: 5000 });
    expect(
      run(
        [
          ['quiet', 100],
          ['voice', 1000],
        ],
        long,
      ),
    ).toMatchObject({
      status: 'MACHINE',
      cause: 'MAXWORDLENGTH-800',
    });
    const patient = new AnsweringMachineDetector({
      totalAnalysisTimeMs: 1200,
      afterGreetingSilenceMs: 2000,
    });
    expect(
      run(
        [
          ['quiet', 200],
          ['voice', 300],
          ['quiet', 2000],
        ],
        patient,
      ),
    ).toMatchObject({
      status: 'NOTSURE',
      cause: 'TOOLONG-1200',
    });
  });

  it('counts time without frames as silence, and says NOAUDIODATA when no frame ever came', () => {
    const dtx = new AnsweringMachineDetector();
    expect(
      run(
        [
          ['quiet', 200],
          ['voice', 400],
        ],
        dtx,
      ),
    ).toBeUndefined();
    expect(dtx.silence(500)).toBeUndefined();
    expect(dtx.silence(300)).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800' });
    const nothing = new AnsweringMachineDetector();
    expect(nothing.silence(2000)).toBeUndefined();
    expect(nothing.silence(3000)).toMatchObject({ status: 'NOTSURE', causeKind: 'NOAUDIODATA' });
  });

  it('a hang-up before a decision is HANGUP; a decision stays once made', () => {
    const amd = new AnsweringMachineDetector();
    expect(run([['quiet', 300]], amd)).toBeUndefined();
    expect(amd.hangup()).toMatchObject({ status: 'HANGUP', cause: 'HANGUP' });
    expect(amd.push(new Int16Array(320).fill(5000))?.status).toBe('HANGUP');
  });

  it("with the noise floor, hiss over the silence threshold is silence; by Asterisk's rules it is voice", () => {
    const hissy = (segments: Segment[]) => {
      const base = line(segments);
      const hiss = noiseBurst((base.length / 16_000) * 1000, 400, 99);
      return base.map((v, i) => v + hiss[i]!);
    };
    const samples = hissy([
      ['quiet', 400],
      ['voice', 500],
      ['quiet', 2000],
    ]);
    const decide = (amd: AnsweringMachineDetector) => {
      for (let i = 0; i + 320 <= samples.length; i += 320) {
        const r = amd.push(samples.subarray(i, i + 320));
        if (r) return r;
      }
      return undefined;
    };
    expect(decide(new AnsweringMachineDetector())?.status).toBe('MACHINE');
    expect(decide(new AnsweringMachineDetector({}, { noiseFloor: true }))).toMatchObject({
      status: 'HUMAN',
      atMs: 400 + 500 + 800,
    });
  });

  it('with the beep option, a short greeting ending in a beep is MACHINE (BEEP), not HUMAN', () => {
    const greeting = line([
      ['quiet', 300],
      ['voice', 600],
      ['quiet', 300],
    ]);
    const tail = new Int16Array(32_000);
    const samples = new Int16Array(greeting.length + 8000 + tail.length);
    samples.set(greeting);
    samples.set(toneAudio(1000, 500), greeting.length);
    const decide = (amd: AnsweringMachineDetector) => {
      for (let i = 0; i + 320 <= samples.length; i += 320) {
        const r = amd.push(samples.subarray(i, i + 320));
        if (r) return r;
      }
      return undefined;
    };
    expect(decide(new AnsweringMachineDetector())?.status).toBe('HUMAN');
    const withBeep = new AnsweringMachineDetector({}, { beep: true });
    expect(decide(withBeep)).toMatchObject({
      status: 'MACHINE',
      causeKind: 'BEEP',
      cause: 'BEEP-1000-500',
      atMs: 1720,
    });
    expect(withBeep.beep).toMatchObject({ hz: 1000, startMs: 1200, endMs: 1700 });
  });

  it('reads 8 kHz frames and little-endian PCM bytes', () => {
    const amd = new AnsweringMachineDetector({}, { sampleRate: 8000 });
    const loud = Buffer.alloc(320);
    for (let i = 0; i < 160; i++) loud.writeInt16LE(i % 2 ? 3000 : -3000, i * 2);
    for (let i = 0; i < 10; i++) amd.push(new Int16Array(160));
    for (let i = 0; i < 25; i++) amd.push(samplesOf(loud));
    for (let i = 0; i < 39; i++) expect(amd.push(new Int16Array(160))).toBeUndefined();
    expect(amd.push(new Int16Array(160))).toMatchObject({ status: 'HUMAN', atMs: 1500 });
  });

  it("takes AMD()'s dialplan arguments in order, defaults for empty ones, and refuses bad ones", () => {
    expect(amdParamsFromDialplan('2500,1500,300,5000,120,50,4,384')).toEqual({
      ...AMD_DEFAULTS,
      afterGreetingSilenceMs: 300,
      minimumWordLengthMs: 120,
      maximumNumberOfWords: 4,
      silenceThreshold: 384,
    });
    expect(amdParamsFromDialplan(',,1000').afterGreetingSilenceMs).toBe(1000);
    expect(() => amdParamsFromDialplan('2500,abc')).toThrow(ConfigError);
    expect(() => amdParamsFromDialplan('1,2,3,4,5,6,7,8,9,10')).toThrow(/at most 9/);
    expect(() => new AnsweringMachineDetector({ greetingMs: -1 })).toThrow(/greetingMs/);
  });
});
