import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFromWire } from '../../src/audio/index.js';
import { connectRedis } from '../../src/cache/redis.js';
import { createEspeakEngine, type EspeakEngine } from '../../src/providers/tts/espeak.js';
import { espeakVoiceFor } from '../../src/providers/tts/espeak-voices.js';
import { TtsCache } from '../../src/speech/tts-cache.js';
import { TtsService } from '../../src/speech/tts-service.js';

let engine: EspeakEngine;

beforeAll(() => {
  engine = createEspeakEngine({ threads: 1 });
});

afterAll(async () => {
  await engine.close();
});

async function synth(text: string, language: string, format: 'slin16' | 'ulaw') {
  const chunks: Buffer[] = [];
  for await (const c of engine.synthesize({ text, language, format })) chunks.push(c);
  return Buffer.concat(chunks);
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe('espeak-ng engine (real WASM in a real worker)', () => {
  it('counts the sentences queued or running on its pool (background work waits for 0)', async () => {
    expect(engine.pending).toBe(0);
    const a = synth('One moment.', 'en', 'slin16');
    const b = synth('Just a second.', 'en', 'slin16');
    expect(engine.pending).toBe(2);
    await Promise.all([a, b]);
    expect(engine.pending).toBe(0);
  });

  it('chooses voices by language with sensible fallbacks', () => {
    expect(espeakVoiceFor('en')).toBe('en-us');
    expect(espeakVoiceFor('en-GB')).toBe('en-gb');
    expect(espeakVoiceFor('ru-RU')).toBe('ru');
    expect(espeakVoiceFor('uk')).toBe('uk');
    expect(espeakVoiceFor('he')).toBe('he');
    expect(espeakVoiceFor('iw')).toBe('he');
    expect(espeakVoiceFor('xx-YY')).toBe('en-us');
    expect(espeakVoiceFor('ru', 'ru-cl')).toBe('ru-cl');
    expect(engine.voiceFor('uk-UA')).toBe('uk');
  });

  it('speaks Russian as 8 kHz mu-law: non-silent, plausible duration', async () => {
    const audio = await synth('Секундочку, сейчас проверю ваш заказ.', 'ru', 'ulaw');
    const seconds = audio.byteLength / 8000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(5);
    const pcm = decodeFromWire(audio, 'ulaw');
    expect(rms(pcm)).toBeGreaterThan(0.02);
  });

  it('speaks English, Ukrainian and Hebrew as 16 kHz slin16', async () => {
    for (const [language, text] of [
      ['en', 'Thank you for calling. How can I help you today?'],
      ['uk', 'Хвилинку, зараз перевірю.'],
      ['he', 'רגע אחד בבקשה'],
    ] as const) {
      const audio = await synth(text, language, 'slin16');
      expect(audio.byteLength % 2).toBe(0);
      const seconds = audio.byteLength / 32_000;
      expect(seconds, language).toBeGreaterThan(0.5);
      expect(seconds, language).toBeLessThan(6);
      expect(rms(decodeFromWire(audio, 'slin16')), language).toBeGreaterThan(0.02);
    }
  });

  it('takes text that looks like command-line options as text', async () => {
    const audio = await synth('-v xx --help', 'en', 'ulaw');
    expect(audio.byteLength).toBeGreaterThan(4000);
  });

  it('falls back to the language voice when the asked voice is not in the build', async () => {
    const chunks: Buffer[] = [];
    for await (const c of engine.synthesize({
      text: 'hello there',
      language: 'en',
      voice: 'no-such-voice',
      format: 'ulaw',
    })) {
      chunks.push(c);
    }
    expect(Buffer.concat(chunks).byteLength).toBeGreaterThan(4000);
  });

  it('a phrase one instance synthesized is served to another from Redis', async () => {
    const redis = connectRedis({
      url: 'redis://127.0.0.1:6379',
      keyPrefix: `voxtest:tts:${randomUUID().slice(0, 8)}:`,
    });
    try {
      if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
      const a = new TtsService({ engines: [engine], cache: new TtsCache({ redis }) });
      const b = new TtsService({ engines: [engine], cache: new TtsCache({ redis }) });
      const opts = { language: 'uk', format: 'ulaw' as const };
      const first = await a.synthesizeAll('Дякую за дзвінок. До побачення!', opts);
      expect(first.source).toBe('engine');
      await new Promise((r) => setTimeout(r, 50));
      const second = await b.synthesizeAll('Дякую за дзвінок. До побачення!', opts);
      expect(second.source).toBe('redis');
      expect(second.audio.equals(first.audio)).toBe(true);
      await a.cache?.clear();
    } finally {
      redis.disconnect();
    }
  });
});
