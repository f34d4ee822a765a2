/**
 * Builds the shared parts of a runtime: Redis, business data, worker pools, speech-to-text, the
 * local embedder and knowledge base, speech (with pre-warm), the answerer and the call finisher.
 * On failure, what was built is closed again.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Answerer } from '../answer/answerer.js';
import { createAnswerer } from '../answer/create-answerer.js';
import {
  type BusinessActions,
  describeActions,
  loadBusinessActions,
} from '../answer/tool-config.js';
import { createToolRunner, type ToolRunner } from '../answer/tool-runner.js';
import { connectRedis } from '../cache/redis.js';
import { checkOptOutDigit, consentText, loadRecordingConfig } from '../calllog/recording-config.js';
import { waitForRedis } from '../dlq/queue-redis.js';
import { AbortedError, VoxstateError } from '../errors.js';
import { cloudEmbedderFromConfig } from '../knowledge/cloud-embedder.js';
import { createKnowledgeRuntime, type KnowledgeRuntime } from '../knowledge/knowledge-runtime.js';
import { VadSession } from '../media/vad.js';
import { type BusinessData, loadBusinessData } from '../prompts/business.js';
import { LocalEmbedder } from '../providers/embeddings/local-embedder.js';
import { createRemoteSttEngines } from '../providers/stt/engines.js';
import { ScriptStt } from '../providers/stt/script-stt.js';
import type { SttEngine } from '../providers/stt/stt-engine.js';
import { WhisperStt } from '../providers/stt/whisper-stt.js';
import { createSpeech, type Speech } from '../speech/create-speech.js';
import type { PrewarmReport } from '../speech/prewarm.js';
import { registerCatalog } from '../telemetry/catalog.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createRegistry } from '../telemetry/metrics.js';
import type { Language } from '../text/language.js';
import {
  createNoisePool,
  createVadPool,
  createWhisperPool,
  type NoisePool,
  openEmbeddingPool,
} from '../workers/pools.js';
import { type CallFinisher, createCallFinisher } from './call-finisher.js';
import { CallRecordings } from './call-recordings.js';
import type { RuntimeConfig } from './config.js';
import type { RuntimeOptions } from './runtime.js';

/** The shared parts a runtime is made of. */
export interface RuntimeParts {
  logger: Logger;
  registry: Registry;
  business: BusinessData;
  /** The business's tools, built-in tools and keypad digit actions. */
  actions: BusinessActions;
  /** Runs the business's tools for every call. */
  tools: ToolRunner;
  knowledge: KnowledgeRuntime;
  speech: Speech;
  answerer: Answerer;
  stt: SttEngine;
  /** The configured remote STT engines by name (the `stt` flag picks one per call). */
  sttEngines: ReadonlyMap<string, SttEngine>;
  redis: Redis | undefined;
  createVad: () => VadSession;
  /** The noise suppression pool, when some call may use it (setting on, or a `noise` flag). */
  noisePool: NoisePool | undefined;
  finisher: CallFinisher;
  /** Consent and recording of the calls of a business that records. */
  recordings: CallRecordings;
  /**
   * The background part of the pre-warm (see `prewarm.ts`): resolves with its report when it is
   * done or was stopped by `close`, or with undefined when pre-warm is off.
   */
  warmed: Promise<PrewarmReport | undefined>;
  /** Closes each part, in reverse order of building. */
  closers: Array<() => Promise<void> | void>;
}

type Closers = Array<() => Promise<void> | void>;

/** Longest wait for the Redis connection before the pre-warm looks phrases up, ms. */
const REDIS_WAIT_MS = 1_000;

/**
 * Waits for `loads`; when `signal` aborts first, closes what is built so far at once (the pools
 * a load is running on, which makes it fail fast), waits for the loads to settle, and throws
 * the abort reason (the caller closes what the loads added meanwhile).
 */
async function untilAborted<T>(
  loads: Promise<T>,
  closers: Closers,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (!signal) return loads;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  loads.catch(() => undefined);
  try {
    await Promise.race([loads, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
  if (!signal.aborted) return loads;
  for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => {});
  await loads.catch(() => undefined);
  throw signal.reason instanceof VoxstateError
    ? signal.reason
    : new AbortedError('runtime start-up', { cause: signal.reason });
}

/** Waits for every task; throws the first failure only once none is still running. */
async function allSettledOrThrow<T extends readonly unknown[]>(
  tasks: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Builds every shared part for `options`. The model loads, the knowledge base and the first
 * part of the speech pre-warm (greetings and fillers) run side by side; the rest of the
 * pre-warm starts in the background once everything is built. `signal` abandons the start-up
 * (AbortedError) after closing what was built.
 */
export async function buildRuntimeParts(options: RuntimeOptions): Promise<RuntimeParts> {
  const { config, signal } = options;
  const logger = options.logger ?? createLogger();
  const registry = options.registry ?? createRegistry();
  registerCatalog(registry);
  const closers: Array<() => Promise<void> | void> = [];
  try {
    const redis: Redis | undefined = config.redisUrl
      ? connectRedis({
          url: config.redisUrl,
          keyPrefix: config.knowledge.redisKeyPrefix,
          logger,
          registry,
        })
      : undefined;
    if (redis) closers.push(() => void redis.disconnect());
    const business = await loadBusinessData(config.businessFile);
    const actions = await loadBusinessActions(config.businessFile);
    const recordingConfig = await loadRecordingConfig(config.businessFile);
    checkOptOutDigit(recordingConfig, Object.keys(actions.digits), config.businessFile);
    const deps = { registry, logger };
    const tools = createToolRunner({ actions, ...deps });
    logger.info(describeActions(actions), 'business actions');

    const speech = createSpeech(
      {
        ...config.speech,
        businessNames: Object.values(business.names).concat(business.name),
        greetingName: (language) => business.names[language as Language] ?? business.name,
        callLanguages: business.languages,
        ...(recordingConfig.enabled
          ? { firstPhrases: (language: string) => [consentText(recordingConfig, language)] }
          : {}),
      },
      { ...deps, ...(redis ? { redis } : {}) },
    );
    closers.push(() => speech.close());
    // A lookup while Redis is still connecting is a miss: give the connection a moment first, so
    // that phrases another instance (or the last run) cached are not synthesized again.
    const firstWarm = config.speech.prewarm
      ? (redis
          ? waitForRedis(redis, REDIS_WAIT_MS).catch(() => undefined)
          : Promise.resolve()
        ).then(() => speech.prewarmFirst(signal))
      : Promise.resolve(undefined);

    const vadPool = createVadPool(config.inference, deps);
    closers.push(() => vadPool.close());
    const noisePool =
      config.turnTaking.noiseSuppression || config.flags.noise !== undefined
        ? createNoisePool(config.turnTaking.noisePool, deps)
        : undefined;
    if (noisePool) closers.push(() => noisePool.close());

    const [stt, knowledge] = await untilAborted(
      allSettledOrThrow<[SttEngine, KnowledgeRuntime, unknown]>([
        startStt(config, deps, closers),
        startKnowledge(config, deps, closers, redis),
        firstWarm,
      ]),
      closers,
      signal,
    );

    const answerer = createAnswerer(config.answer, { phone: business.phone, ...deps });
    const finisher = await createCallFinisher({
      enabled: options.recordCalls ?? true,
      dataDir: config.knowledge.dataDir,
      redis,
      registry,
      logger,
      deadLetter: options.deadLetter ?? config.deadLetter,
    });
    closers.push(() => finisher.close());
    const recordings = new CallRecordings({
      config: recordingConfig,
      dataDir: config.knowledge.dataDir,
      speech,
      ...deps,
    });
    closers.push(() => recordings.close());

    const background = new AbortController();
    const warmed = config.speech.prewarm
      ? speech.prewarmRest(background.signal).catch((err: unknown) => {
          logger.warn({ err: (err as Error).message }, 'tts background pre-warm failed');
          return undefined;
        })
      : Promise.resolve(undefined);
    closers.push(async () => {
      background.abort();
      await warmed;
    });

    return {
      logger,
      registry,
      business,
      actions,
      tools,
      knowledge,
      speech,
      answerer,
      stt,
      sttEngines: createRemoteSttEngines(config.sttEngines),
      redis,
      createVad: () => new VadSession(vadPool),
      noisePool,
      finisher,
      recordings,
      warmed,
      closers,
    };
  } catch (err) {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
    throw err;
  }
}

async function startStt(
  config: RuntimeConfig,
  deps: { registry: Registry; logger: Logger },
  closers: Closers,
): Promise<SttEngine> {
  if (config.stt === 'script') {
    deps.logger.warn(
      'speech-to-text: "script" engine (simulator only): transcripts come from the caller script',
    );
    return new ScriptStt();
  }
  const whisperPool = createWhisperPool(config.inference, deps);
  closers.push(() => whisperPool.close());
  const whisper = new WhisperStt(whisperPool, config.inference);
  await whisper.warmUp();
  return whisper;
}

async function startKnowledge(
  config: RuntimeConfig,
  deps: { registry: Registry; logger: Logger },
  closers: Closers,
  redis: Redis | undefined,
): Promise<KnowledgeRuntime> {
  const { pool: embeddingPool, unavailable: localUnavailable } = openEmbeddingPool(
    config.inference,
    deps,
  );
  let localEmbedder: LocalEmbedder | undefined;
  if (embeddingPool) {
    closers.push(() => embeddingPool.close());
    localEmbedder = await LocalEmbedder.create(embeddingPool, config.inference);
  }
  const cloudEmbedder = cloudEmbedderFromConfig(config.knowledge);
  const knowledge = await createKnowledgeRuntime(config.knowledge, {
    ...deps,
    ...(localEmbedder ? { localEmbedder } : {}),
    ...(cloudEmbedder ? { cloudEmbedder } : {}),
    ...(localUnavailable ? { localUnavailable } : {}),
    ...(redis ? { redis } : {}),
  });
  closers.push(() => knowledge.close());
  return knowledge;
}
