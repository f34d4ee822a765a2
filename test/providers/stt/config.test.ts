import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { sttEnginesConfigFromEnv } from '../../../src/providers/stt/config.js';

describe('sttEnginesConfigFromEnv', () => {
  it('configures nothing without keys or base URLs', () => {
    expect(sttEnginesConfigFromEnv({})).toEqual({});
  });

  it('turns the openai engine on for a self-hosted base URL without a key', () => {
    const c = sttEnginesConfigFromEnv({
      VOXSTATE_STT_OPENAI_BASE_URL: 'http://gpu-1:8000/v1/',
      VOXSTATE_STT_OPENAI_MODEL: 'Systran/faster-whisper-base',
    });
    expect(c).toEqual({
      openai: {
        baseUrl: 'http://gpu-1:8000/v1',
        apiKey: 'none',
        model: 'Systran/faster-whisper-base',
        timeoutMs: 1_500,
      },
    });
  });

  it('falls back to OPENAI_API_KEY and DEEPGRAM_API_KEY', () => {
    const c = sttEnginesConfigFromEnv({ OPENAI_API_KEY: 'sk-1', DEEPGRAM_API_KEY: 'dg-1' });
    expect(c.openai?.apiKey).toBe('sk-1');
    expect(c.openaiRealtime).toMatchObject({ apiKey: 'sk-1', model: 'gpt-4o-mini-transcribe' });
    expect(c.deepgram).toMatchObject({
      apiKey: 'dg-1',
      model: 'nova-3',
      connectTimeoutMs: 1_000,
      finalTimeoutMs: 1_000,
    });
  });

  it.each([
    [{ VOXSTATE_STT_OPENAI_BASE_URL: 'gpu-1:8000' }, 'VOXSTATE_STT_OPENAI_BASE_URL'],
    [{ VOXSTATE_STT_OPENAI_BASE_URL: 'ftp://x/v1' }, 'VOXSTATE_STT_OPENAI_BASE_URL'],
    [
      { DEEPGRAM_API_KEY: 'k', VOXSTATE_STT_DEEPGRAM_BASE_URL: 'http://x' },
      'VOXSTATE_STT_DEEPGRAM_BASE_URL',
    ],
    [{ VOXSTATE_STT_DEEPGRAM_BASE_URL: 'ws://x' }, 'VOXSTATE_STT_DEEPGRAM_BASE_URL'],
    [{ VOXSTATE_STT_FINAL_TIMEOUT_MS: '0' }, 'VOXSTATE_STT_FINAL_TIMEOUT_MS'],
    [
      { OPENAI_API_KEY: 'k', VOXSTATE_STT_OPENAI_TIMEOUT_MS: 'soon' },
      'VOXSTATE_STT_OPENAI_TIMEOUT_MS',
    ],
  ])('names the variable with a wrong value: %j', (env, name) => {
    expect(() => sttEnginesConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => sttEnginesConfigFromEnv(env)).toThrow(name);
  });
});
