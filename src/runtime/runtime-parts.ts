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
import { connectRedis } from '../cache/redis.js';
import { cloudEmbedderFromConfig } from '../knowledge/cloud-embedder.js';
import { createKnowledgeRuntime, type KnowledgeRuntime } from '../knowledge/knowledge-runtime.js';
import { VadSession } from '../media/vad.js';
import { isModelPresent } from '../models/model-folder.js';
import { type BusinessData, loadBusinessData } from '../prompts/business.js';
import { LocalEmbedder } from '../providers/embeddings/local-embedder.js';
import { ScriptStt } from '../providers/stt/script-stt.js';
import type { SttEngine } from '../providers/stt/stt-engine.js';
import { WhisperStt } from '../providers/stt/whisper-stt.js';
import { createSpeech, type Speech } from '../speech/create-speech.js';
import { registerCatalog } from '../telemetry/catalog.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createRegistry } from '../telemetry/metrics.js';
import { createEmbeddingPool, createVadPool, createWhisperPool } from '../workers/pools.js';
import { type CallFinisher, createCallFinisher } from './call-finisher.js';
import type { RuntimeOptions } from './runtime.js';

/** The shared parts a runtime is made of. */
export interface RuntimeParts {
  logger: Logger;
  registry: Registry;
  business: BusinessData;
  knowledge: KnowledgeRuntime;
  speech: Speech;
  answerer: Answerer;
  stt: SttEngine;
  redis: Redis | undefined;
  createVad: () => VadSession;
  finisher: CallFinisher;
  /** Closes each part, in reverse order of building. */
  closers: Array<() => Promise<void> | void>;
}

/** Builds every shared part for `options`. */
export async function buildRuntimeParts(options: RuntimeOptions): Promise<RuntimeParts> {
  const { config } = options;
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
    const deps = { registry, logger };

    const vadPool = createVadPool(config.inference, deps);
    closers.push(() => vadPool.close());

    let stt: SttEngine;
    if (config.stt === 'script') {
      logger.warn(
        'speech-to-text: "script" engine (simulator only): transcripts come from the caller script',
      );
      stt = new ScriptStt();
    } else {
      const whisperPool = createWhisperPool(config.inference, deps);
      closers.push(() => whisperPool.close());
      const whisper = new WhisperStt(whisperPool, config.inference);
      await whisper.warmUp();
      stt = whisper;
    }

    const { id, revision } = config.inference.embedder;
    let localEmbedder: LocalEmbedder | undefined;
    let localUnavailable: string | undefined;
    if (
      config.inference.allowDownloads ||
      isModelPresent(config.inference.modelDir, id, revision)
    ) {
      const embeddingPool = createEmbeddingPool(config.inference, deps);
      closers.push(() => embeddingPool.close());
      localEmbedder = await LocalEmbedder.create(embeddingPool, config.inference);
    } else {
      localUnavailable = `local embedding model "${id}" is not in ${config.inference.modelDir} (run \`voxstate models pull\`)`;
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

    const speech = createSpeech(
      { ...config.speech, businessNames: Object.values(business.names).concat(business.name) },
      { ...deps, ...(redis ? { redis } : {}) },
    );
    closers.push(() => speech.close());
    if (config.speech.prewarm) {
      const report = await speech.prewarm();
      logger.info({ prewarm: report }, 'speech cache pre-warmed');
    }

    const answerer = createAnswerer(config.answer, { phone: business.phone, ...deps });
    const finisher = await createCallFinisher({
      enabled: options.recordCalls ?? true,
      dataDir: config.knowledge.dataDir,
      redis,
      registry,
      logger,
      ...(options.deadLetter ? { deadLetter: options.deadLetter } : {}),
    });
    closers.push(() => finisher.close());

    return {
      logger,
      registry,
      business,
      knowledge,
      speech,
      answerer,
      stt,
      redis,
      createVad: () => new VadSession(vadPool),
      finisher,
      closers,
    };
  } catch (err) {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
    throw err;
  }
}
