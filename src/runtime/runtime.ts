/**
 * The voxstate runtime: builds every shared part once (worker pools, knowledge base, speech,
 * answerer, caches, metrics) and runs one call machine actor per call.
 *
 * `startCall()` prepares the call in the registry (the compact prompt is built here, before
 * any audio), creates the call's session and starts its actor; when the actor ends, the
 * session is closed, the cost is recorded and the telephony side is hung up if the bot ended
 * the call.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { type Actor, createActor, type InspectionEvent, type Observer } from 'xstate';
import { createEndpointingActor } from '../actors/endpointing.js';
import { createMediaActor } from '../actors/media.js';
import { createPlayFillerActor } from '../actors/play-filler.js';
import { createPrefetchEmbeddingActor } from '../actors/prefetch-embedding.js';
import { createRetrieveActor } from '../actors/retrieve.js';
import { createSpeakActor } from '../actors/speak.js';
import { createStreamAnswerActor } from '../actors/stream-answer.js';
import { createTranscribeActor } from '../actors/transcribe.js';
import { createUpgradePromptActor } from '../actors/upgrade-prompt.js';
import type { Answerer } from '../answer/answerer.js';
import { createAnswerer } from '../answer/create-answerer.js';
import { connectRedis } from '../cache/redis.js';
import { CallRegistry } from '../calls/registry.js';
import { assignFlags, recordFlagAssignment } from '../config/flags.js';
import { isAbortError } from '../errors.js';
import { cloudEmbedderFromConfig } from '../knowledge/cloud-embedder.js';
import { createKnowledgeRuntime, type KnowledgeRuntime } from '../knowledge/knowledge-runtime.js';
import { callMachine } from '../machines/call.machine.js';
import type { CallOutput } from '../machines/call.types.js';
import { VadSession } from '../media/vad.js';
import { isModelPresent } from '../models/model-folder.js';
import { type BusinessData, businessName, loadBusinessData } from '../prompts/business.js';
import { buildCompactPrompt } from '../prompts/compact-prompt.js';
import { buildFullPrompt } from '../prompts/full-prompt.js';
import { LocalEmbedder } from '../providers/embeddings/local-embedder.js';
import { ScriptStt } from '../providers/stt/script-stt.js';
import type { SttEngine } from '../providers/stt/stt-engine.js';
import { WhisperStt } from '../providers/stt/whisper-stt.js';
import { createSpeech, type Speech } from '../speech/create-speech.js';
import { catalogCounter, catalogGauge, registerCatalog } from '../telemetry/catalog.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createRegistry } from '../telemetry/metrics.js';
import { isLanguage, type Language } from '../text/language.js';
import { createEmbeddingPool, createVadPool, createWhisperPool } from '../workers/pools.js';
import {
  type CallFinisher,
  type CallFinisherOptions,
  createCallFinisher,
} from './call-finisher.js';
import { type CallEndpoint, CallSession, CallSessions } from './call-session.js';
import type { RuntimeConfig } from './config.js';

/** Options for {@link Runtime.create}. */
export interface RuntimeOptions {
  config: RuntimeConfig;
  logger?: Logger;
  registry?: Registry;
  /** Inspection observer attached to every call actor (the Stately inspector). */
  inspect?: Observer<InspectionEvent>;
  /**
   * Simulator only: the text a scripted caller spoke between two points of a call's audio
   * clock, for `stt: 'script'`.
   */
  scriptText?: (callId: string, startMs: number, endMs: number) => string | undefined;
  /** Write call records to the data folder (default true). */
  recordCalls?: boolean;
  /** Retry timing of the call records' dead-letter queue (tests use short delays). */
  deadLetter?: CallFinisherOptions['deadLetter'];
}

/** A call in progress. */
export interface CallHandle {
  id: string;
  actor: Actor<typeof callMachine>;
  session: CallSession;
  /** Resolves with the machine's output once the call has ended and been cleaned up. */
  done: Promise<CallOutput>;
}

const READY_COMPONENTS = ['knowledge', 'speech', 'vad', 'stt'] as const;

/**
 * The runtime of one voxstate instance.
 *
 * @example
 * ```ts
 * const runtime = await Runtime.create({ config: runtimeConfigFromEnv() });
 * app.on('call', (phoneCall) => runtime.startCall(phoneCall));
 * // on shutdown:
 * await runtime.close();
 * ```
 */
export class Runtime {
  readonly config: RuntimeConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly sessions = new CallSessions();
  readonly calls: CallRegistry<BusinessData>;
  readonly business: BusinessData;
  readonly knowledge: KnowledgeRuntime;
  readonly speech: Speech;
  readonly answerer: Answerer;
  readonly stt: SttEngine;
  /** The shared Redis connection, when `redisUrl` is set. */
  readonly redis: Redis | undefined;
  readonly #options: RuntimeOptions;
  readonly #machine;
  readonly #handles = new Map<string, CallHandle>();
  readonly #closers: Array<() => Promise<void> | void>;
  readonly #finisher: CallFinisher;
  readonly #active;
  #closed = false;
  #scriptText: RuntimeOptions['scriptText'];

  private constructor(parts: {
    options: RuntimeOptions;
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
    closers: Array<() => Promise<void> | void>;
  }) {
    this.#options = parts.options;
    this.#scriptText = parts.options.scriptText;
    this.config = parts.options.config;
    this.logger = parts.logger;
    this.registry = parts.registry;
    this.business = parts.business;
    this.knowledge = parts.knowledge;
    this.speech = parts.speech;
    this.answerer = parts.answerer;
    this.stt = parts.stt;
    this.redis = parts.redis;
    this.#finisher = parts.finisher;
    this.#closers = parts.closers;
    this.#active = catalogGauge(this.registry, 'voxstate_active_calls');
    this.calls = new CallRegistry<BusinessData>({
      buildCompactPrompt: (b, call) =>
        buildCompactPrompt(b, {
          language: asLanguage(call.language, b),
          direction: call.direction,
          purpose: call.purpose,
        }),
      buildFullPrompt: (b, call) =>
        buildFullPrompt(b, {
          language: asLanguage(call.language, b),
          direction: call.direction,
          purpose: call.purpose,
        }),
    });
    const { sessions, registry, logger } = this;
    const getPlayback = (id: string) => sessions.get(id)?.playback;
    const tts = this.speech.tts;
    this.#machine = callMachine.provide({
      actors: {
        media: createMediaActor({ sessions }),
        endpointing: createEndpointingActor({
          sessions,
          createVad: parts.createVad,
          endpointer: this.config.inference.vad.endpointer,
          registry,
          logger,
        }),
        speak: createSpeakActor({
          getPlayback,
          tts,
          phraseVars: (id) => ({ businessName: this.#businessNameFor(id) }),
          logger,
        }),
        playFiller: createPlayFillerActor({ getPlayback, tts, logger }),
        prefetchEmbedding: createPrefetchEmbeddingActor({
          prefetcher: this.knowledge.prefetcher,
          logger,
        }),
        transcribe: createTranscribeActor({
          sessions,
          engineFor: () => this.stt,
          forceLanguage: !this.config.detectLanguage,
          registry,
          logger,
        }),
        retrieve: createRetrieveActor({ retriever: this.knowledge.retriever }),
        streamAnswer: createStreamAnswerActor({
          sessions,
          answererFor: () => this.answerer,
          tts,
          ttsEngine: tts.engine().name,
          systemPrompt: (id, variant) => this.calls.systemPrompt(id, variant),
          registry,
          logger,
        }),
        upgradePrompt: createUpgradePromptActor({
          buildFullPrompt: (id) => this.calls.buildFullPrompt(id),
          store: () => {},
          registry,
        }),
      },
    });
  }

  /** Builds the runtime: pools, knowledge base, speech, answerer. */
  static async create(options: RuntimeOptions): Promise<Runtime> {
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

      return new Runtime({
        options,
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
      });
    } catch (err) {
      for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
      throw err;
    }
  }

  /**
   * Simulator only: where the `script` speech-to-text engine gets the words a scripted caller
   * spoke between two points of a call's audio clock.
   */
  useScriptText(scriptText: RuntimeOptions['scriptText']): void {
    this.#scriptText = scriptText;
  }

  /** Calls in progress. */
  get activeCalls(): number {
    return this.#handles.size;
  }

  /** The handles of the calls in progress. */
  handles(): CallHandle[] {
    return [...this.#handles.values()];
  }

  /** Readiness of each part, for `/readyz`. */
  readiness(): Record<string, boolean | string> {
    const state: Record<string, boolean | string> = {};
    for (const c of READY_COMPONENTS) state[c] = !this.#closed;
    if (this.redis) state.redis = this.redis.status === 'ready' ? true : this.redis.status;
    return state;
  }

  /** Runs a call: prepares it, starts its actor, and cleans up when it ends. */
  startCall(endpoint: CallEndpoint, extra: { purpose?: string } = {}): CallHandle {
    const callId = endpoint.id;
    const language = asLanguage(endpoint.language, this.business);
    const flags = assignFlags(callId, this.config.flags);
    recordFlagAssignment(this.registry, flags);
    this.calls.prepare(
      {
        callId,
        direction: endpoint.direction,
        language,
        callerNumber: endpoint.callerNumber,
        flags,
        ...(extra.purpose ? { purpose: extra.purpose } : {}),
      },
      this.business,
    );
    const scriptText = this.#scriptText;
    const session = new CallSession({
      endpoint,
      prices: this.config.prices,
      flags,
      registry: this.registry,
      logger: this.logger,
      createPlayback: (sink) => this.speech.createPlayback({ format: 'slin16', sink }),
      logTranscripts: this.config.logTranscripts,
      ...(scriptText ? { scriptText: (s: number, e: number) => scriptText(callId, s, e) } : {}),
    });
    session.timeline.answered((endpoint as { startedAt?: number }).startedAt);
    session.log.add('started', { direction: endpoint.direction, language });
    this.sessions.add(session);
    let self: unknown;
    const actor = createActor(this.#machine, {
      id: `call-${callId}`,
      input: {
        callId,
        direction: endpoint.direction,
        language,
        format: 'slin16',
        limits: this.config.limits,
        bargeInOnGreeting: this.config.bargeInOnGreeting,
      },
      inspect: (event) => this.#observe(session, self, event),
    });
    const done = new Promise<CallOutput>((resolve) => {
      actor.subscribe({
        complete: () => resolve(this.#end(session, actor)),
        error: (err) => {
          this.logger.error({ callId, err: (err as Error).message }, 'call actor failed');
          resolve(this.#end(session, actor));
        },
      });
    });
    self = actor;
    const handle: CallHandle = { id: callId, actor, session, done };
    this.#handles.set(callId, handle);
    this.#active.set(this.#handles.size);
    this.logger.info({ callId, direction: endpoint.direction, language, flags }, 'call started');
    actor.start();
    return handle;
  }

  /** Stops every pool, cache and connection. Calls in progress are ended first. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.handles();
    for (const h of pending) h.actor.send({ type: 'media.hangup', reason: 'shutdown' });
    await Promise.all(pending.map((h) => h.done));
    for (const close of this.#closers.reverse()) {
      await Promise.resolve(close()).catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message }, 'close failed'),
      );
    }
  }

  #businessNameFor(callId: string): string {
    const language = this.calls.get(callId)?.info.language;
    return businessName(this.business, asLanguage(language, this.business));
  }

  #observe(session: CallSession, self: unknown, event: InspectionEvent): void {
    this.#options.inspect?.next?.(event);
    if (event.type !== '@xstate.event' || event.actorRef !== self) return;
    if (event.event.type === 'xstate.done.actor.retrieve') session.timeline.mark('retrieval');
  }

  #end(session: CallSession, actor: Actor<typeof callMachine>): CallOutput {
    const snapshot = actor.getSnapshot();
    const output: CallOutput = snapshot.output ?? {
      callId: session.id,
      endReason: 'error',
      turns: snapshot.context.turns,
      bargeIns: snapshot.context.bargeIns,
      greeting: snapshot.context.greeting,
      prompt: snapshot.context.prompt,
    };
    if (!this.#handles.delete(session.id)) return output;
    this.#active.set(this.#handles.size);
    catalogCounter(this.registry, 'voxstate_calls_total').inc({
      direction: session.endpoint.direction,
      end_reason: output.endReason,
    });
    session.log.add('ended', { reason: output.endReason, turns: output.turns });
    session.close();
    this.sessions.delete(session.id);
    this.calls.release(session.id);
    if (output.endReason !== 'hangup' && !session.endpoint.ended) {
      session.endpoint.hangup().catch((err: unknown) => {
        if (!isAbortError(err))
          this.logger.warn({ callId: session.id, err: (err as Error).message }, 'hang-up failed');
      });
    }
    this.#finisher.finish(session, output);
    this.logger.info(output, 'call ended');
    return output;
  }
}

function asLanguage(language: string | undefined, business: BusinessData): Language {
  const short = language?.slice(0, 2).toLowerCase();
  if (short && isLanguage(short) && business.languages.includes(short)) return short;
  return business.languages[0] ?? 'en';
}
