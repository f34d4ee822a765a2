import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { speechConfigFromEnv } from '../../src/speech/config.js';
import { createSpeech } from '../../src/speech/create-speech.js';
import { allPhraseTexts } from '../../src/speech/phrases.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { type FakeOpenAiTtsServer, startFakeOpenAiTtsServer } from '../fakes/openai-tts-server.js';

let server: FakeOpenAiTtsServer;
const redis = connectRedis({
  url: 'redis://127.0.0.1:6379',
  keyPrefix: `voxtest:tts:${randomUUID().slice(0, 8)}:`,
});

beforeAll(async () => {
  server = await startFakeOpenAiTtsServer();
  if (redis.status !== 'ready') await new Promise((r) => redis.once('ready', r));
});

afterAll(async () => {
  await server.close();
  redis.disconnect();
});

describe('createSpeech', () => {
  it('builds engines, cache, pre-warm and playback from the environment', async () => {
    const registry = new Registry();
    const config = speechConfigFromEnv({
      VOXSTATE_TTS_ENGINE: 'openai',
      VOXSTATE_OPENAI_TTS_BASE_URL: server.baseUrl,
      VOXSTATE_OPENAI_TTS_API_KEY: 'k',
      VOXSTATE_TTS_LANGUAGES: 'he',
      VOXSTATE_TTS_FORMATS: 'ulaw',
      VOXSTATE_TTS_BUSINESS_NAMES: 'מרפאת שיניים',
    });
    const speech = createSpeech(config, { redis, registry });
    try {
      expect(speech.engines.map((e) => e.name)).toEqual(['espeak', 'openai']);
      expect(speech.tts.engine().name).toBe('openai');
      const report = await speech.prewarm();
      expect(report.synthesized).toBe(allPhraseTexts('he', ['מרפאת שיניים']).length);
      expect(report.failed).toBe(0);
      const local = await speech.tts.synthesizeAll('שלום', {
        language: 'he',
        format: 'ulaw',
        engine: 'espeak',
      });
      expect(local.audio.byteLength).toBeGreaterThan(2_000);
      const clock = new FakeClock();
      const frames: Buffer[] = [];
      const playback = speech.createPlayback({
        format: 'ulaw',
        sink: (f) => frames.push(f),
        clock,
      });
      playback.enqueue('prompt', local.audio);
      clock.advance(10_000);
      expect(frames).toHaveLength(Math.ceil(local.audio.byteLength / 160));
      expect(await speech.cache.clear()).toBe(report.synthesized + 1);
    } finally {
      await speech.close();
    }
  });
});
