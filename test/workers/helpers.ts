/**
 * Shared setup for worker pool tests: a config pointing at the generated fixture models.
 */
import { Registry } from 'prom-client';
import { defaultInferenceConfig, type InferenceConfig } from '../../src/config/inference.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { ensureTinyModels } from '../fixtures/tiny-models.js';

/** A config using the tiny generated models, offline, small pools. */
export async function tinyConfig(
  overrides: Partial<InferenceConfig> = {},
): Promise<InferenceConfig> {
  const models = await ensureTinyModels();
  const d = defaultInferenceConfig();
  const pool = { minThreads: 0, maxThreads: 1, idleTimeoutMs: 10_000, maxQueue: 8 };
  return {
    ...d,
    modelDir: models.modelDir,
    allowDownloads: false,
    embedder: { id: models.embedder, revision: 'main', dtype: 'fp32', prefixes: 'none' },
    whisper: {
      id: models.whisper,
      revision: 'main',
      dtype: 'fp32',
      language: undefined,
      maxNewTokens: 32,
    },
    pools: { embedding: pool, whisper: pool, vad: pool },
    ...overrides,
  };
}

/** Fresh registry and a silent logger. */
export function deps(): { registry: Registry; logger: ReturnType<typeof silentLogger> } {
  return { registry: new Registry(), logger: silentLogger() };
}
