import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { defaultSpeechConfig, speechConfigFromEnv } from '../../src/speech/config.js';

describe('speech config', () => {
  it('has the documented defaults', () => {
    const c = speechConfigFromEnv({});
    expect(c).toEqual(defaultSpeechConfig());
    expect(c.playback).toEqual({
      fillerJoin: 'boundary',
      fillerDelayMs: 400,
      echoCooldownMs: 300,
      maxBurstFrames: 3,
    });
    // Each call gives its own lists: changing one leaves the settings' defaults alone.
    expect(defaultSpeechConfig().languages).not.toBe(defaultSpeechConfig().languages);
    expect(c.cache.ttlMs).toBe(86_400_000);
    expect(c.engine).toBe('espeak');
    expect(c.playback.fillerJoin).toBe('boundary');
  });

  it('reads every variable', () => {
    const c = speechConfigFromEnv({
      VOXSTATE_TTS_ENGINE: 'openai',
      VOXSTATE_TTS_LANGUAGES: 'ru, uk',
      VOXSTATE_TTS_FORMATS: 'ulaw,slin16',
      VOXSTATE_TTS_BUSINESS_NAMES: 'Acme,Улыбка',
      VOXSTATE_TTS_PREWARM: '0',
      VOXSTATE_TTS_CACHE_VERSION: 'prompt-42',
      VOXSTATE_TTS_CACHE_TTL_MS: '3600000',
      VOXSTATE_TTS_CACHE_MAX_ITEM_BYTES: '1000',
      VOXSTATE_TTS_CACHE_MAX_ENTRIES: '10',
      VOXSTATE_TTS_LRU_MAX_BYTES: '0',
      VOXSTATE_ESPEAK_THREADS: '2',
      VOXSTATE_ESPEAK_RATE_WPM: '180',
      VOXSTATE_OPENAI_TTS_BASE_URL: 'http://127.0.0.1:9/v1',
      VOXSTATE_OPENAI_TTS_VOICE: 'nova',
      VOXSTATE_FILLER_JOIN: 'after',
      VOXSTATE_FILLER_DELAY_MS: '400',
      VOXSTATE_ECHO_COOLDOWN_MS: '500',
      VOXSTATE_PACER_MAX_BURST: '5',
    });
    expect(c.engine).toBe('openai');
    expect(c.languages).toEqual(['ru', 'uk']);
    expect(c.formats).toEqual(['ulaw', 'slin16']);
    expect(c.businessNames).toEqual(['Acme', 'Улыбка']);
    expect(c.prewarm).toBe(false);
    expect(c.cache).toMatchObject({ version: 'prompt-42', ttlMs: 3_600_000, maxItemBytes: 1000 });
    expect(c.cache.maxEntries).toBe(10);
    expect(c.cache.lruMaxBytes).toBe(0);
    expect(c.espeak).toMatchObject({ threads: 2, rateWpm: 180 });
    expect(c.openai).toMatchObject({ baseUrl: 'http://127.0.0.1:9/v1', voice: 'nova' });
    expect(c.playback).toEqual({
      fillerJoin: 'after',
      fillerDelayMs: 400,
      echoCooldownMs: 500,
      maxBurstFrames: 5,
    });
  });

  it('rejects malformed values with ConfigError', () => {
    for (const env of [
      { VOXSTATE_TTS_ENGINE: 'google' },
      { VOXSTATE_TTS_FORMATS: 'alaw' },
      { VOXSTATE_TTS_LANGUAGES: 'english!' },
      { VOXSTATE_TTS_CACHE_TTL_MS: '1.5' },
      { VOXSTATE_TTS_CACHE_MAX_ENTRIES: '0' },
      { VOXSTATE_FILLER_JOIN: 'never' },
      { VOXSTATE_FILLER_DELAY_MS: '9s' },
      { VOXSTATE_TTS_PREWARM: 'maybe' },
      { VOXSTATE_ESPEAK_THREADS: '100' },
    ]) {
      expect(() => speechConfigFromEnv(env), JSON.stringify(env)).toThrow(ConfigError);
    }
  });
});
