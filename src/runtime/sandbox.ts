/**
 * The settings of a run that must not touch a user's data (the demo, `voxstate eval`): its own
 * data folder and Redis key prefix, and speech-to-text by Whisper when its weights are present,
 * by the caller's script otherwise.
 *
 * @module
 */
import { readEnv } from '../config/schema.js';
import { isModelPresent } from '../models/model-folder.js';
import { type RuntimeConfig, runtimeConfigFromEnv, type SttChoice } from './config.js';

/** What {@link sandboxSettings} decided. */
export interface SandboxSettings {
  env: NodeJS.ProcessEnv;
  base: RuntimeConfig;
  stt: SttChoice;
}

/**
 * The user's environment with `dataDir` and a Redis prefix ending in `tag:`, the runtime
 * configuration read from it, and the speech-to-text engine (`stt`, else `VOXSTATE_STT`, else
 * Whisper when present, else the script).
 */
export function sandboxSettings(
  userEnv: NodeJS.ProcessEnv,
  dataDir: string,
  tag: string,
  stt?: SttChoice,
): SandboxSettings {
  const env: NodeJS.ProcessEnv = {
    ...userEnv,
    VOXSTATE_DATA_DIR: dataDir,
    VOXSTATE_REDIS_PREFIX: `${readEnv(userEnv, ['VOXSTATE_REDIS_PREFIX']).VOXSTATE_REDIS_PREFIX}${tag}:`,
  };
  const base = runtimeConfigFromEnv(env);
  const { modelDir, whisper } = base.inference;
  const whisperPresent = isModelPresent(modelDir, whisper.id, whisper.revision);
  return {
    env,
    base,
    stt:
      stt ?? readEnv(env, ['VOXSTATE_STT']).VOXSTATE_STT ?? (whisperPresent ? 'whisper' : 'script'),
  };
}
