import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError, ModelMissingError } from '../../src/errors.js';
import { ScriptStt } from '../../src/providers/stt/script-stt.js';
import { WhisperStt } from '../../src/providers/stt/whisper-stt.js';
import { createInferencePools } from '../../src/workers/pools.js';
import { TINY_WHISPER_LANGUAGE, TINY_WHISPER_TEXT } from '../fixtures/tiny-whisper.js';
import { voicedSignal } from '../fixtures/voiced.js';
import { deps, tinyConfig } from './helpers.js';

const config = await tinyConfig();
const pools = createInferencePools(config, deps());
afterAll(() => pools.close());

describe('WhisperStt', () => {
  test('transcribes on the pool, keeps the caller audio, reports engine and seconds', async () => {
    const stt = new WhisperStt(pools.whisper, config);
    const audio = voicedSignal(1.5);
    const result = await stt.transcribe({ audio });
    expect(result).toEqual({
      text: TINY_WHISPER_TEXT,
      language: TINY_WHISPER_LANGUAGE,
      engine: 'whisper',
      audioSeconds: 1.5,
    });
    expect(audio.length).toBe(24000);
  });

  test('warmUp loads the model with an empty utterance', async () => {
    const stt = new WhisperStt(pools.whisper, config);
    await expect(stt.warmUp()).resolves.toBeUndefined();
  });

  test('the configured language is used unless the request names one', async () => {
    const stt = new WhisperStt(pools.whisper, {
      ...config,
      whisper: { ...config.whisper, language: 'en' },
    });
    expect((await stt.transcribe({ audio: voicedSignal(0.5) })).language).toBe('en');
    expect((await stt.transcribe({ audio: voicedSignal(0.5), language: 'de' })).language).toBe(
      'de',
    );
  });

  test('a missing Whisper model while offline fails at construction', () => {
    const missing = {
      ...config,
      whisper: { ...config.whisper, id: 'onnx-community/whisper-base' },
    };
    expect(() => new WhisperStt(pools.whisper, missing)).toThrow(ModelMissingError);
  });
});

describe('ScriptStt (simulator only)', () => {
  test('returns the script text attached to the audio', async () => {
    const stt = new ScriptStt();
    expect(
      await stt.transcribe({
        audio: new Float32Array(8000),
        scriptText: 'когда вы открыты?',
        language: 'ru',
      }),
    ).toEqual({ text: 'когда вы открыты?', language: 'ru', engine: 'script', audioSeconds: 0.5 });
  });

  test('refuses audio without script text with a clear error', async () => {
    await expect(new ScriptStt().transcribe({ audio: new Float32Array(10) })).rejects.toThrow(
      ConfigError,
    );
    await expect(new ScriptStt().transcribe({ audio: new Float32Array(10) })).rejects.toThrow(
      /simulator/,
    );
  });
});
