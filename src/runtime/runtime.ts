/**
 * The voxstate runtime: builds every shared part once (worker pools, knowledge base, speech,
 * answerer, caches, metrics) and runs one call machine actor per call.
 *
 * `startCall()` prepares the call (its language, prompts and machine input come from
 * `call-input.ts`; the compact prompt is built before any audio), creates
 * the call's session, provides the call machine with actors made around that session
 * (`createCallActors(session, shared)`) and starts its actor; when the actor ends, the session
 * is closed, the cost is recorded and the telephony side is hung up if the bot ended the call.
 * The runtime's active calls are the one place that holds a call's parts (for shutdown and
 * `/calls`); no actor looks a call up.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { ClientOptions } from 'ws';
import {
  type Actor,
  type AnyActorRef,
  createActor,
  type InspectionEvent,
  type Observer,
} from 'xstate';
import type { Answerer } from '../answer/answerer.js';
import type { BusinessActions } from '../answer/tool-config.js';
import { type CallEndpoint, CallSession } from '../calls/session.js';
import { assignFlags } from '../config/flags.js';
import type { CallRecord } from '../cost/store.js';
import { ConfigError, isAbortError } from '../errors.js';
import type { KnowledgeRuntime } from '../knowledge/knowledge-runtime.js';
import { callMachine } from '../machines/call.machine.js';
import type { CallOutput } from '../machines/call.types.js';
import { type BusinessData, businessName } from '../prompts/business.js';
import { createSttSelector } from '../providers/stt/engines.js';
import type { SttEngine } from '../providers/stt/stt-engine.js';
import type { Speech } from '../speech/create-speech.js';
import { catalogCounter, catalogGauge } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { CallTracer } from '../tracing/call-tracer.js';
import { createCallActors, type SharedCallParts } from './call-actors.js';
import type { CallFinisher, CallFinisherOptions } from './call-finisher.js';
import { callLanguage, callMachineInput, callPrompts } from './call-input.js';
import type { CallRecordings } from './call-recordings.js';
import type { RuntimeConfig } from './config.js';
import { recordFlagAssignment } from './flag-metrics.js';
import { buildRuntimeParts, type RuntimeParts } from './runtime-parts.js';
import { type TransferSnapshot, transferWatcher } from './transfer-watch.js';

/** Options for {@link Runtime.create}. */
export interface RuntimeOptions {
  config: RuntimeConfig;
  logger?: Logger;
  registry?: Registry;
  /** Inspection observer attached to every call actor (the Stately inspector). */
  inspect?: Observer<InspectionEvent>;
  /**
   * Simulator only: the text a scripted caller spoke between two points of the audio a call
   * received (ms of audio, see `Utterance.received`), for `stt: 'script'`.
   */
  scriptText?: (callId: string, startMs: number, endMs: number) => string | undefined;
  /** WebSocket options of the Realtime sessions (a private certificate authority in tests). */
  realtimeWsOptions?: ClientOptions;
  /** Write call records to the data folder (default true). */
  recordCalls?: boolean;
  /** Retry timing of the call records' dead-letter queue (tests use short delays). */
  deadLetter?: CallFinisherOptions['deadLetter'];
  /** Traces each call (OpenTelemetry), from its timeline. */
  tracer?: Pick<CallTracer, 'follow'>;
  /** Told of each call once it is set up, before its actor starts (the web console). */
  onCallStarted?: (handle: CallHandle) => void;
  /** Abandons the start-up (`create` rejects with AbortedError once what it built is closed). */
  signal?: AbortSignal;
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
  readonly business: BusinessData;
  readonly knowledge: KnowledgeRuntime;
  readonly speech: Speech;
  readonly answerer: Answerer;
  readonly stt: SttEngine;
  /** The shared Redis connection, when `redisUrl` is set. */
  readonly redis: Redis | undefined;
  /** Settles when the background part of the TTS pre-warm is done (undefined when off). */
  readonly warmed: RuntimeParts['warmed'];
  readonly #options: RuntimeOptions;
  readonly #shared: SharedCallParts;
  readonly #actions: BusinessActions;
  /** The calls in progress: the one place that holds a call's parts. */
  readonly #handles = new Map<string, CallHandle>();
  readonly #closers: Array<() => Promise<void> | void>;
  readonly #finisher: CallFinisher;
  readonly #recordings: CallRecordings;
  readonly #active;
  #closed = false;
  #scriptText: RuntimeOptions['scriptText'];

  private constructor(parts: RuntimeParts & { options: RuntimeOptions }) {
    this.#options = parts.options;
    this.#scriptText = parts.options.scriptText;
    this.config = parts.options.config;
    this.logger = parts.logger;
    this.registry = parts.registry;
    this.business = parts.business;
    this.#actions = parts.actions;
    this.knowledge = parts.knowledge;
    this.speech = parts.speech;
    this.answerer = parts.answerer;
    this.stt = parts.stt;
    this.redis = parts.redis;
    this.warmed = parts.warmed;
    this.#finisher = parts.finisher;
    this.#recordings = parts.recordings;
    this.#closers = parts.closers;
    this.#active = catalogGauge(this.registry, 'voxstate_active_calls');
    const selectStt = createSttSelector({
      local: parts.stt,
      remote: parts.sttEngines,
      registry: this.registry,
      logger: this.logger,
    });
    this.#shared = {
      createVad: parts.createVad,
      endpointer: this.config.inference.vad.endpointer,
      turnTaking: this.config.turnTaking,
      speculativeRetrieval: this.config.turnTaking.speculativeRetrieval,
      ...(parts.noisePool ? { noisePool: parts.noisePool } : {}),
      tts: this.speech.tts,
      knowledge: this.knowledge,
      stt: (session) => selectStt(session.id, session.flags.stt),
      answerer: this.answerer,
      tools: parts.tools,
      detectLanguage: this.config.detectLanguage,
      fillerDelayMs: this.config.speech.playback.fillerDelayMs,
      registry: this.registry,
      logger: this.logger,
      realtime: {
        config: this.config.realtime,
        ...(parts.options.realtimeWsOptions ? { wsOptions: parts.options.realtimeWsOptions } : {}),
      },
      ...(parts.actions.transfer ? { transfer: parts.actions.transfer } : {}),
    };
  }

  /** Builds the runtime: pools, knowledge base, speech, answerer. */
  static async create(options: RuntimeOptions): Promise<Runtime> {
    return new Runtime({ options, ...(await buildRuntimeParts(options)) });
  }

  /**
   * Simulator only: where the `script` speech-to-text engine gets the words a scripted caller
   * spoke between two points of the audio a call received.
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

  /**
   * Runs a call: prepares it, starts its actor, and cleans up when it ends. Throws a
   * {@link ConfigError} when a call with the same id is in progress.
   */
  startCall(endpoint: CallEndpoint, extra: { purpose?: string } = {}): CallHandle {
    const callId = endpoint.id;
    if (this.#handles.has(callId)) throw new ConfigError(`call ${callId} is already in progress`);
    const language = callLanguage(endpoint.language, this.business);
    const flags = assignFlags(callId, this.config.flags);
    recordFlagAssignment(this.registry, flags);
    const business = this.business;
    const direction = endpoint.direction;
    const prompts = callPrompts(business, { language, direction, purpose: extra.purpose });
    const scriptText = this.#scriptText;
    const session = new CallSession({
      endpoint,
      prompts,
      businessName: businessName(business, language),
      prices: this.config.prices,
      flags,
      registry: this.registry,
      logger: this.logger,
      createPlayback: (sink) => this.speech.createPlayback({ format: 'slin16', sink }),
      logTranscripts: this.config.logTranscripts,
      logPii: this.config.logPii,
      ...(scriptText ? { scriptText: (s: number, e: number) => scriptText(callId, s, e) } : {}),
    });
    session.timeline.answered(endpoint.answeredAt);
    this.#options.tracer?.follow(session.timeline, {
      id: callId,
      direction: endpoint.direction,
      language,
    });
    const callerNumber = endpoint.callerNumber || undefined;
    session.log.add('started', { direction: endpoint.direction, language, callerNumber });
    const machine = callMachine.provide({ actors: createCallActors(session, this.#shared) });
    let self: unknown;
    const transfers = transferWatcher(session.timeline);
    const actor = createActor(machine, {
      id: `call-${callId}`,
      input: callMachineInput({ callId, direction, language }, this.config, this.#actions),
      inspect: (event) => this.#observe(session, self, event, transfers),
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
    const start = () => actor.start();
    const handle: CallHandle = { id: callId, actor, session, done };
    this.#handles.set(callId, handle);
    this.#active.set(this.#handles.size);
    this.#options.onCallStarted?.(handle);
    this.logger.info(
      {
        callId,
        direction: endpoint.direction,
        language,
        flags,
        ...(this.config.logPii && callerNumber ? { callerNumber } : {}),
      },
      'call started',
    );
    // A business that records: the consent announcement first, then the call machine.
    if (this.#recordings.wants(flags)) void this.#recordings.begin(session, language).then(start);
    else actor.start();
    return handle;
  }

  /** Records a call that ended before a call machine ran (an answering machine was hung up on). */
  recordEndedCall(record: CallRecord): void {
    catalogCounter(this.registry, 'voxstate_calls_total').inc({
      direction: record.direction,
      end_reason: record.endReason,
    });
    this.#finisher.finishRecord(record);
  }

  /** Stops every pool, cache and connection. Calls in progress are ended first. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pending = this.handles();
    this.#recordings.stopAnnouncements();
    for (const h of pending) h.actor.send({ type: 'media.hangup', reason: 'shutdown' });
    await Promise.all(pending.map((h) => h.done));
    for (const close of this.#closers.reverse()) {
      await Promise.resolve(close()).catch((err: unknown) =>
        this.logger.warn({ err: (err as Error).message }, 'close failed'),
      );
    }
  }

  #observe(
    session: CallSession,
    self: unknown,
    event: InspectionEvent,
    transfers: (snapshot: TransferSnapshot) => void,
  ): void {
    this.#options.inspect?.next?.(event);
    if (event.type === '@xstate.snapshot' && event.actorRef === self) {
      transfers(event.snapshot as unknown as TransferSnapshot);
      return;
    }
    if (event.type === '@xstate.actor') {
      // Each child actor of the call, as it is created: the timeline reads what it emits.
      if (self !== undefined && event.actorRef !== self) {
        session.timeline.follow(event.actorRef as AnyActorRef);
      }
      return;
    }
    if (event.type !== '@xstate.event' || event.actorRef !== self) return;
    if (event.event.type === 'xstate.done.actor.retrieve') session.timeline.mark('retrieval');
    else if (event.event.type === 'xstate.done.actor.answer')
      session.timeline.markDetail('answer_played');
    else if (event.event.type === 'media.speech.start') session.turns.speechStarted();
  }

  #end(session: CallSession, actor: Actor<typeof callMachine>): CallOutput {
    const snapshot = actor.getSnapshot();
    const output: CallOutput = snapshot.output ?? {
      callId: session.id,
      endReason: 'error',
      turns: snapshot.context.turns,
      bargeIns: snapshot.context.bargeIns,
      greeting: snapshot.context.greeting,
    };
    if (!this.#handles.delete(session.id)) return output;
    this.#active.set(this.#handles.size);
    catalogCounter(this.registry, 'voxstate_calls_total').inc({
      direction: session.endpoint.direction,
      end_reason: output.endReason,
    });
    session.turns.close();
    session.timeline.ended(output.endReason);
    session.log.add('ended', { reason: output.endReason, turns: output.turns });
    this.#recordings.end(session);
    session.close();
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
