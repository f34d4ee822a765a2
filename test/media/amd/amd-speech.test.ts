/**
 * Answering-machine detection on speech synthesized with espeak-ng, through the simulator's
 * scripted callees: people who pick up with a short greeting are HUMAN, voicemail greetings are
 * MACHINE, the beep that ends a greeting is found where it is (and where it ends the message
 * starts), a machine without a beep gets its message after the silence, line noise below the
 * silence threshold changes nothing, and speech never passes for a beep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AmdOptions,
  type AmdResult,
  AnsweringMachineDetector,
  type Beep,
  BeepDetector,
  type MessagePoint,
  MessagePointDetector,
} from '../../../src/media/amd/index.js';
import { createEspeakEngine, type EspeakEngine } from '../../../src/providers/tts/espeak.js';
import { renderCallee } from '../../../src/simulator/callee-audio.js';
import { personCallee, voicemailCallee } from '../../../src/simulator/callees.js';
import { withNoise } from '../../../src/simulator/sounds.js';

let tts: EspeakEngine;
beforeAll(() => {
  tts = createEspeakEngine({ threads: 1 });
});
afterAll(async () => {
  await tts.close();
});

function* frames(samples: Int16Array): Generator<Int16Array> {
  for (let i = 0; i + 320 <= samples.length; i += 320) yield samples.subarray(i, i + 320);
}

function classify(samples: Int16Array, options: AmdOptions = {}): AmdResult | undefined {
  const amd = new AnsweringMachineDetector({}, options);
  for (const f of frames(samples)) {
    const r = amd.push(f);
    if (r) return r;
  }
  return undefined;
}

function beeps(samples: Int16Array): Beep[] {
  const d = new BeepDetector();
  return [...frames(samples)].map((f) => d.push(f)).filter((b): b is Beep => b !== undefined);
}

function messagePoint(samples: Int16Array): MessagePoint | undefined {
  const d = new MessagePointDetector();
  for (const f of frames(samples)) {
    const p = d.push(f);
    if (p) return p;
  }
  return undefined;
}

describe('AMD on espeak-ng callees', () => {
  it.each(['Hello?', 'Yes?', 'Hello, this is Sam.'])(
    'a person saying "%s" and waiting is HUMAN, with or without line noise',
    async (greeting) => {
      const { samples, speech } = await renderCallee(personCallee({ greeting }), tts, 6000);
      for (const noise of [0, 150]) {
        const r = classify(withNoise(samples, noise));
        expect(r?.status).toBe('HUMAN');
        expect(r?.causeKind).toBe('HUMAN');
        expect(r!.atMs).toBeGreaterThanOrEqual(speech[0]!.endMs);
        expect(r!.atMs).toBeLessThan(speech[0]!.endMs + 1200);
      }
      // Hiss over the silence threshold: only the noise floor keeps a short greeting HUMAN (a
      // four-word one falls apart into more words there: see docs/benchmarks.md, amd).
      const hiss = withNoise(samples, 300);
      expect(classify(hiss)?.status).toBe('MACHINE');
      if (greeting.split(' ').length === 1) {
        expect(classify(hiss, { noiseFloor: true })?.status).toBe('HUMAN');
      }
    },
  );

  it('a voicemail greeting is MACHINE within the first seconds, long before it ends', async () => {
    for (const greeting of [undefined, 'Please leave a message after the tone.']) {
      const { samples, speech } = await renderCallee(
        voicemailCallee({ beep: true, ...(greeting ? { greeting } : {}) }),
        tts,
        15_000,
      );
      for (const noise of [0, 150, 300]) {
        const r = classify(withNoise(samples, noise), { noiseFloor: noise > 150 });
        expect(r?.status).toBe('MACHINE');
        expect(['LONGGREETING', 'MAXWORDS']).toContain(r?.causeKind);
        expect(r!.atMs).toBeLessThan(Math.min(speech[0]!.endMs, 3500));
      }
    }
  });

  it('finds the beep after the greeting, once, and starts the message where it ends', async () => {
    const { samples, beepAtMs } = await renderCallee(voicemailCallee({ beep: true }), tts, 15_000);
    for (const noise of [0, 150, 400]) {
      const line = withNoise(samples, noise);
      const found = beeps(line);
      expect(found).toHaveLength(1);
      expect(found[0]!.hz).toBeGreaterThanOrEqual(975);
      expect(found[0]!.hz).toBeLessThanOrEqual(1025);
      expect(Math.abs(found[0]!.startMs - beepAtMs!)).toBeLessThanOrEqual(40);
      expect(messagePoint(line)).toMatchObject({ kind: 'beep', atMs: found[0]!.endMs });
    }
  });

  it('a machine without a beep gets its message after the silence that follows the greeting', async () => {
    const { samples, speech } = await renderCallee(voicemailCallee({ beep: false }), tts, 20_000);
    expect(beeps(samples)).toEqual([]);
    const point = messagePoint(samples);
    expect(point?.kind).toBe('silence');
    // The synthesized utterance ends with a little silence of its own.
    expect(point!.atMs).toBeGreaterThanOrEqual(speech[0]!.endMs + 2200);
    expect(point!.atMs).toBeLessThanOrEqual(speech[0]!.endMs + 2600);
  });

  it('speech never passes for a beep (people and greetings, a low and a high voice)', async () => {
    const high = createEspeakEngine({ threads: 1, pitch: 90, rateWpm: 140 });
    const texts = [
      'Hello? Who is this?',
      'Hi, you have reached the office of Doctor Lee. We are open Monday to Friday, nine to five.',
      'Oooh, wow. Mmmm. Aaaah. Eeee.',
    ];
    try {
      for (const engine of [tts, high]) {
        for (const text of texts) {
          const { samples } = await renderCallee(personCallee({ greeting: text }), engine, 8000);
          for (const noise of [0, 150]) expect(beeps(withNoise(samples, noise))).toEqual([]);
        }
      }
    } finally {
      await high.close();
    }
  });
});
