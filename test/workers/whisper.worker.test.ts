import { afterAll, describe, expect, test } from 'vitest';
import { createInferencePools } from '../../src/workers/pools.js';
import { TINY_WHISPER_LANGUAGE, TINY_WHISPER_TEXT } from '../fixtures/tiny-whisper.js';
import { voicedSignal } from '../fixtures/voiced.js';
import { deps, tinyConfig } from './helpers.js';

const pools = createInferencePools(await tinyConfig(), deps());
afterAll(() => pools.close());

describe('whisper worker', () => {
  test('transcribes through the real model, detecting the language', async () => {
    const audio = voicedSignal(2);
    const result = await pools.whisper.run(
      { audio },
      { transferList: [audio.buffer as ArrayBuffer] },
    );
    expect(result).toEqual({ text: TINY_WHISPER_TEXT, language: TINY_WHISPER_LANGUAGE });
    expect(audio.length).toBe(0);
  });

  test('uses the given language instead of detecting', async () => {
    const result = await pools.whisper.run({ audio: voicedSignal(1), language: 'en' });
    expect(result).toEqual({ text: TINY_WHISPER_TEXT, language: 'en' });
  });

  test('empty audio gives an empty transcript', async () => {
    expect(await pools.whisper.run({ audio: new Float32Array(0), language: 'de' })).toEqual({
      text: '',
      language: 'de',
    });
  });
});
