import { afterAll, describe, expect, test } from 'vitest';
import { AbortedError } from '../../src/errors.js';
import { Endpointer, type EndpointerEvent } from '../../src/media/endpointer.js';
import { VAD_WINDOW_MS, VadSession } from '../../src/media/vad.js';
import { createEspeakEngine } from '../../src/providers/tts/espeak.js';
import { createInferencePools } from '../../src/workers/pools.js';
import {
  VAD_CONTEXT,
  VAD_STATE_SIZE,
  VAD_WINDOW,
  type VadTask,
} from '../../src/workers/vad.worker.js';
import { voicedSignal } from '../fixtures/voiced.js';
import { deps, tinyConfig } from '../workers/helpers.js';

const pools = createInferencePools(await tinyConfig(), deps());
afterAll(() => pools.close());

const FRAME = 320; // 20 ms at 16 kHz

function frames(audio: Float32Array): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i + FRAME <= audio.length; i += FRAME) out.push(audio.slice(i, i + FRAME));
  return out;
}

describe('VadSession', () => {
  test('buffers 20 ms frames into 512-sample windows and matches one direct run', async () => {
    const audio = voicedSignal(1);
    const session = new VadSession(pools.vad);
    const streamed: number[] = [];
    for (const f of frames(audio)) streamed.push(...(await session.process(f)));
    const windows = Math.floor((50 * FRAME) / VAD_WINDOW);
    expect(streamed).toHaveLength(windows);
    expect(session.windowsProcessed).toBe(windows);
    const direct = await pools.vad.run({
      windows: audio.slice(0, windows * VAD_WINDOW),
      state: new Float32Array(VAD_STATE_SIZE),
      context: new Float32Array(VAD_CONTEXT),
    });
    for (const [i, p] of streamed.entries())
      expect(p).toBeCloseTo(direct.probabilities[i] ?? -1, 5);
  });

  test('frames sent without waiting are batched into fewer tasks, results stay in order', async () => {
    const audio = voicedSignal(1);
    const session = new VadSession(pools.vad);
    let tasks = 0;
    const counting = {
      run: (task: VadTask, opts?: Parameters<typeof pools.vad.run>[1]) => {
        tasks++;
        return pools.vad.run(task, opts);
      },
    };
    const batched = new VadSession(counting);
    const all = await Promise.all(frames(audio).map((f) => batched.process(f)));
    const flat = all.flat();
    expect(flat).toHaveLength(31);
    expect(tasks).toBeLessThan(31);
    const sequential: number[] = [];
    for (const f of frames(audio)) sequential.push(...(await session.process(f)));
    for (const [i, p] of flat.entries()) expect(p).toBeCloseTo(sequential[i] ?? -1, 5);
  });

  test('silence scores low, the voiced signal high', async () => {
    const silent = new VadSession(pools.vad);
    const voiced = new VadSession(pools.vad);
    const s = (
      await Promise.all(frames(new Float32Array(16000)).map((f) => silent.process(f)))
    ).flat();
    const v = (await Promise.all(frames(voicedSignal(1)).map((f) => voiced.process(f)))).flat();
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(s)).toBeLessThan(0.1);
    expect(mean(v)).toBeGreaterThan(0.5);
  });

  test('an aborted signal rejects with AbortedError', async () => {
    const session = new VadSession(pools.vad);
    await expect(
      session.process(new Float32Array(VAD_WINDOW), AbortSignal.abort()),
    ).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('VadSession + Endpointer on real Silero', () => {
  test('silence, 1 s of voice, silence: one utterance with the right audio range', async () => {
    const audio = new Float32Array(16000 * 2.5);
    audio.set(voicedSignal(1), 8000);
    const session = new VadSession(pools.vad);
    const endpointer = new Endpointer();
    const events: EndpointerEvent[] = [];
    let window = 0;
    for (const f of frames(audio)) {
      for (const p of await session.process(f)) {
        events.push(...endpointer.push(p, window++ * VAD_WINDOW_MS));
      }
    }
    expect(events.map((e) => e.type)).toEqual(['speech.start', 'speech.end']);
    const end = events[1] as Extract<EndpointerEvent, { type: 'speech.end' }>;
    expect(end.startMs).toBeGreaterThan(150);
    expect(end.startMs).toBeLessThan(500);
    expect(end.endMs).toBeGreaterThan(1300);
    expect(end.endMs).toBeLessThan(1800);
    expect(end.reason).toBe('silence');
  });
});

describe('VadSession on synthesized speech (espeak-ng)', () => {
  test('a spoken sentence is speech, the silence around it is not', async () => {
    const espeak = createEspeakEngine({ threads: 1 });
    const chunks: Buffer[] = [];
    try {
      for await (const c of espeak.synthesize({
        text: 'Hello, when is the shop open on Sunday?',
        language: 'en',
        format: 'slin16',
      })) {
        chunks.push(c);
      }
    } finally {
      await espeak.close();
    }
    const pcm = Buffer.concat(chunks);
    const speech = new Float32Array(pcm.length / 2);
    for (let i = 0; i < speech.length; i++) speech[i] = pcm.readInt16LE(i * 2) / 32768;
    expect(speech.length).toBeGreaterThan(16000);
    const audio = new Float32Array(speech.length + 32000);
    audio.set(speech, 16000);
    const session = new VadSession(pools.vad);
    const probs: number[] = [];
    for (const f of frames(audio)) probs.push(...(await session.process(f)));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const lead = probs.slice(0, Math.floor(900 / VAD_WINDOW_MS));
    const voiced = probs.slice(
      Math.ceil(1000 / VAD_WINDOW_MS),
      Math.floor((1000 + speech.length / 16) / VAD_WINDOW_MS),
    );
    expect(mean(lead)).toBeLessThan(0.1);
    expect(mean(voiced)).toBeGreaterThan(0.5);
  });
});
