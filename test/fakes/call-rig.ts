/**
 * A complete call rig for end-to-end tests and benchmarks: the real runtime (worker pools,
 * knowledge base, speech, answerer) connected through the real ari-client to the simulated
 * Asterisk over loopback, with the sample knowledge base ingested and the generated tiny models.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { type RuntimeConfig, runtimeConfigFromEnv } from '../../src/runtime/config.js';
import { type CallHandle, Runtime, type RuntimeOptions } from '../../src/runtime/runtime.js';
import type { Telephony } from '../../src/runtime/telephony.js';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import type {
  SimCall,
  SimulatedAsterisk,
  SimulatedAsteriskOptions,
} from '../../src/simulator/simulated-asterisk.js';
import {
  connectSimulatedLine,
  ingestSampleKnowledge,
  type SimulatedLine,
} from '../../src/simulator/simulated-line.js';
import { type Logger, silentLogger } from '../../src/telemetry/logger.js';
import { ensureTinyModels } from '../fixtures/tiny-models.js';

/** Options of {@link startCallRig}. */
export interface CallRigOptions {
  /** `script` (default: transcripts from the caller script) or `whisper` (tiny generated model). */
  stt?: 'script' | 'whisper';
  /** Extra environment for the runtime configuration (e.g. LLM base URLs, limits). */
  env?: NodeJS.ProcessEnv;
  /** Changes to the configuration after it is read. */
  configure?: (config: RuntimeConfig) => RuntimeConfig;
  logger?: Logger;
  registry?: Registry;
  recordCalls?: boolean;
  /** Ingest the sample knowledge base (default true). */
  ingest?: boolean;
  runtimeOptions?: Partial<RuntimeOptions>;
  /** Options of the simulated Asterisk (e.g. `onOriginate`); its TTS is always the runtime's espeak-ng. */
  simulator?: Omit<SimulatedAsteriskOptions, 'tts'>;
}

/** A running rig. */
export interface CallRig {
  runtime: Runtime;
  sim: SimulatedAsterisk;
  telephony: Telephony;
  registry: Registry;
  dataDir: string;
  /** Places a call from the simulated caller and returns both sides of it. */
  placeCall(
    script: CallerScript,
    options?: { language?: string; callerNumber?: string },
  ): Promise<{ sim: SimCall; handle: CallHandle }>;
  close(): Promise<void>;
}

/** The runtime configuration tests use: tiny models, a temporary data folder, no pre-warm. */
export async function testRuntimeConfig(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RuntimeConfig> {
  const models = await ensureTinyModels();
  const config = runtimeConfigFromEnv({
    VOXSTATE_MODEL_DIR: models.modelDir,
    VOXSTATE_EMBEDDER_MODEL: models.embedder,
    VOXSTATE_EMBEDDER_DTYPE: 'fp32',
    VOXSTATE_WHISPER_MODEL: models.whisper,
    VOXSTATE_WHISPER_DTYPE: 'fp32',
    VOXSTATE_DATA_DIR: dataDir,
    ...env,
  });
  return { ...config, speech: { ...config.speech, prewarm: false } };
}

/**
 * Starts a rig.
 *
 * @example
 * ```ts
 * const rig = await startCallRig();
 * const { sim, handle } = await rig.placeCall({ steps: [{ say: 'Are you open on Sunday?' }, { hangup: true }] });
 * await handle.done;
 * await rig.close();
 * ```
 */
export async function startCallRig(options: CallRigOptions = {}): Promise<CallRig> {
  const dataDir = await mkdtemp(join(tmpdir(), 'voxstate-rig-'));
  const base = await testRuntimeConfig(dataDir, options.env);
  const config = (options.configure ?? ((c) => c))({ ...base, stt: options.stt ?? 'script' });
  const registry = options.registry ?? new Registry();
  const logger = options.logger ?? silentLogger();
  const runtime = await Runtime.create({
    config,
    logger,
    registry,
    recordCalls: options.recordCalls ?? false,
    ...options.runtimeOptions,
  });
  let line: SimulatedLine;
  try {
    // Tests that turn pre-warm on want every fixed phrase cached, as a long-running instance has.
    await runtime.warmed;
    if (options.ingest ?? true) await ingestSampleKnowledge(runtime);
    line = await connectSimulatedLine(runtime, options.simulator);
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return {
    runtime,
    sim: line.sim,
    telephony: line.telephony,
    registry,
    dataDir,
    placeCall: (script, callOptions) => line.placeCall(script, callOptions),
    async close() {
      await line.close();
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
