import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultInferenceConfig, inferenceConfigFromEnv } from '../../src/config/inference.js';
import { ConfigError } from '../../src/errors.js';

describe('inference config', () => {
  test('defaults: multilingual models, offline, one ONNX thread per worker, bounded queues', () => {
    const c = inferenceConfigFromEnv({});
    expect(c.embedder).toEqual({
      id: 'Xenova/multilingual-e5-small',
      revision: 'main',
      dtype: 'q8',
      prefixes: 'auto',
    });
    expect(c.whisper.id).toBe('onnx-community/whisper-base');
    expect(c.whisper.language).toBeUndefined();
    expect(c.allowDownloads).toBe(false);
    expect(c.intraOpNumThreads).toBe(1);
    expect(c.modelDir).toBe(resolve('models'));
    expect(existsSync(c.vad.modelPath)).toBe(true);
    for (const p of Object.values(c.pools)) {
      expect(p.maxThreads).toBeGreaterThanOrEqual(1);
      expect(p.minThreads).toBeLessThanOrEqual(p.maxThreads);
      expect(Number.isFinite(p.maxQueue)).toBe(true);
    }
    expect(c).toEqual(defaultInferenceConfig());
  });

  test('reads every variable', () => {
    const c = inferenceConfigFromEnv({
      VOXSTATE_MODEL_DIR: '/srv/models',
      VOXSTATE_ALLOW_DOWNLOADS: '1',
      VOXSTATE_EMBEDDER_MODEL: 'intfloat/e5-small',
      VOXSTATE_EMBEDDER_DTYPE: 'fp32',
      VOXSTATE_EMBEDDER_REVISION: 'abc',
      VOXSTATE_EMBEDDER_PREFIXES: 'none',
      VOXSTATE_WHISPER_MODEL: 'onnx-community/whisper-small',
      VOXSTATE_WHISPER_DTYPE: 'q8',
      VOXSTATE_WHISPER_MAX_TOKENS: '64',
      VOXSTATE_STT_LANGUAGE: 'ru',
      VOXSTATE_INTRA_OP_THREADS: '2',
      VOXSTATE_WHISPER_THREADS: '2-3',
      VOXSTATE_EMBEDDING_THREADS: '4',
      VOXSTATE_VAD_MAX_QUEUE: '7',
      VOXSTATE_POOL_IDLE_MS: '5000',
    });
    expect(c.modelDir).toBe('/srv/models');
    expect(c.allowDownloads).toBe(true);
    expect(c.embedder).toEqual({
      id: 'intfloat/e5-small',
      revision: 'abc',
      dtype: 'fp32',
      prefixes: 'none',
    });
    expect(c.whisper).toEqual({
      id: 'onnx-community/whisper-small',
      revision: 'main',
      dtype: 'q8',
      language: 'ru',
      maxNewTokens: 64,
    });
    expect(c.intraOpNumThreads).toBe(2);
    expect(c.pools.whisper).toMatchObject({ minThreads: 2, maxThreads: 3, idleTimeoutMs: 5000 });
    expect(c.pools.embedding).toMatchObject({ minThreads: 1, maxThreads: 4 });
    expect(c.pools.vad.maxQueue).toBe(7);
    expect(
      inferenceConfigFromEnv({ VOXSTATE_STT_LANGUAGE: 'auto' }).whisper.language,
    ).toBeUndefined();
  });

  test.each([
    [{ VOXSTATE_EMBEDDER_DTYPE: 'fp64' }, /VOXSTATE_EMBEDDER_DTYPE must be one of fp32, fp16, q8/],
    [
      { VOXSTATE_ALLOW_DOWNLOADS: 'maybe' },
      /VOXSTATE_ALLOW_DOWNLOADS must be true or false \(1\/0, yes\/no, on\/off\), got "maybe"/,
    ],
    [
      { VOXSTATE_WHISPER_THREADS: '3-2' },
      /VOXSTATE_WHISPER_THREADS must be "<max>" or "<min>-<max>"/,
    ],
    [{ VOXSTATE_WHISPER_THREADS: '0' }, /VOXSTATE_WHISPER_THREADS/],
    [
      { VOXSTATE_INTRA_OP_THREADS: '0' },
      /VOXSTATE_INTRA_OP_THREADS must be a whole number >= 1, got "0"/,
    ],
    [{ VOXSTATE_VAD_MAX_QUEUE: 'lots' }, /VOXSTATE_VAD_MAX_QUEUE must be a whole number >= 0/],
    [{ VOXSTATE_STT_LANGUAGE: 'Russian' }, /VOXSTATE_STT_LANGUAGE must be an ISO 639-1 code/],
    [
      { VOXSTATE_EMBEDDER_PREFIXES: 'always' },
      /VOXSTATE_EMBEDDER_PREFIXES must be one of auto, e5, none/,
    ],
  ])('rejects %o with a ConfigError', (env, message) => {
    expect(() => inferenceConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => inferenceConfigFromEnv(env)).toThrow(message);
  });
});

describe('endpointing config', () => {
  test('reads the endpointing rules', () => {
    const e = inferenceConfigFromEnv({
      VOXSTATE_VAD_THRESHOLD: '0.6',
      VOXSTATE_VAD_NEG_THRESHOLD: '0.4',
      VOXSTATE_BARGE_IN_THRESHOLD: '0.9',
      VOXSTATE_MIN_SPEECH_MS: '150',
      VOXSTATE_END_SILENCE_MS: '700',
      VOXSTATE_MAX_UTTERANCE_MS: '20000',
      VOXSTATE_ECHO_COOLDOWN_MS: '250',
      VOXSTATE_BARGE_IN_MIN_SPEECH_MS: '500',
      VOXSTATE_BARGE_IN_PAUSE_MS: '160',
      VOXSTATE_BARGE_IN_MAX_GAP_MS: '100',
      VOXSTATE_BARGE_IN_ECHO_LOSS_DB: '12',
      VOXSTATE_CALLER_LEVEL_GATE_DB: '9',
      VOXSTATE_PRE_ROLL_MS: '100',
    }).vad.endpointer;
    expect(e).toEqual({
      threshold: 0.6,
      negThreshold: 0.4,
      bargeInThreshold: 0.9,
      minSpeechMs: 150,
      endSilenceMs: 700,
      maxUtteranceMs: 20000,
      echoCooldownMs: 250,
      bargeInMinSpeechMs: 500,
      bargeInPauseMs: 160,
      bargeInMaxGapMs: 100,
      bargeInEchoLossDb: 12,
      callerLevelGateDb: 9,
      preRollMs: 100,
      windowMs: 32,
    });
    expect(inferenceConfigFromEnv({}).vad.endpointer.endSilenceMs).toBe(500);
    // A shorter confirmation time brings the default pause down with it.
    const fast = inferenceConfigFromEnv({ VOXSTATE_BARGE_IN_MIN_SPEECH_MS: '150' });
    expect(fast.vad.endpointer).toMatchObject({ bargeInMinSpeechMs: 150, bargeInPauseMs: 150 });
  });

  test.each([
    [
      { VOXSTATE_VAD_THRESHOLD: '1.5' },
      /VOXSTATE_VAD_THRESHOLD must be a probability between 0 and 1/,
    ],
    [{ VOXSTATE_VAD_NEG_THRESHOLD: '0.7' }, /VOXSTATE_VAD_NEG_THRESHOLD <= VOXSTATE_VAD_THRESHOLD/],
    [
      { VOXSTATE_END_SILENCE_MS: '0' },
      /VOXSTATE_END_SILENCE_MS must be a duration like 500ms, 2s or 1m .* from 1ms/,
    ],
    [
      { VOXSTATE_BARGE_IN_PAUSE_MS: '700', VOXSTATE_BARGE_IN_MIN_SPEECH_MS: '600' },
      /VOXSTATE_BARGE_IN_PAUSE_MS must be <= VOXSTATE_BARGE_IN_MIN_SPEECH_MS/,
    ],
  ])('rejects %o with a ConfigError', (env, message) => {
    expect(() => inferenceConfigFromEnv(env)).toThrow(ConfigError);
    expect(() => inferenceConfigFromEnv(env)).toThrow(message);
  });
});
