/**
 * The real actors of one call: `createCallActors(session, shared)` builds every actor of the
 * call machine around the call's session (its media, playback queue, utterances, prompts,
 * ledger and logs) and the runtime's shared parts (VAD pool, speech, knowledge base, answerer),
 * for `callMachine.provide({ actors })` once per call. An actor closes over its call's parts and
 * never looks a call up by id.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { ClientOptions } from 'ws';
import { createBridgeTransferActor } from '../actors/bridge-transfer.js';
import { createConnectAgentActor } from '../actors/connect-agent.js';
import type { CallActors } from '../actors/contracts.js';
import { createDialAgentActor } from '../actors/dial-agent.js';
import { createEndpointingActor } from '../actors/endpointing.js';
import { createHoldCallerActor } from '../actors/hold-caller.js';
import { createMediaActor } from '../actors/media.js';
import { createPlayFillerActor } from '../actors/play-filler.js';
import { createPreemptAnswerActor } from '../actors/preempt-answer.js';
import { PreemptiveAnswer } from '../actors/preemptive-answer.js';
import { createPrefetchEmbeddingActor } from '../actors/prefetch-embedding.js';
import { createResumeCallerActor } from '../actors/resume-caller.js';
import { createRetrieveActor } from '../actors/retrieve.js';
import { createSpeakActor } from '../actors/speak.js';
import { SpeculativeRetrieval } from '../actors/speculative-retrieval.js';
import { createStreamAnswerActor } from '../actors/stream-answer.js';
import { synthesizeInto } from '../actors/synthesize-into.js';
import { createTranscribeActor } from '../actors/transcribe.js';
import { createTransferBlindActor } from '../actors/transfer-blind.js';
import type { TransferDeps } from '../actors/transfer-deps.js';
import { TurnFiller } from '../actors/turn-filler.js';
import { createUpgradePromptActor } from '../actors/upgrade-prompt.js';
import { createWatchAgentActor } from '../actors/watch-agent.js';
import type { Answerer } from '../answer/answerer.js';
import type { ToolRunner } from '../answer/tool-runner.js';
import type { TransferPlan } from '../answer/transfer-config.js';
import type { CallSession } from '../calls/session.js';
import type { EndpointerConfig } from '../config/endpointing.js';
import { callTurnTaking, type TurnTakingConfig } from '../config/turn-taking.js';
import type { KnowledgeRuntime } from '../knowledge/knowledge-runtime.js';
import { DenoisedVad } from '../media/denoised-vad.js';
import { endOfTurnPolicy } from '../media/end-of-turn.js';
import { NoiseSession } from '../media/noise.js';
import type { PlaybackItem } from '../media/playback-queue.js';
import type { VadSession } from '../media/vad.js';
import { brainFor, type RealtimeConfig } from '../providers/realtime/config.js';
import { openLiveStream } from '../providers/stt/engines.js';
import type { SttEngine } from '../providers/stt/stt-engine.js';
import { FillerPicker } from '../speech/fillers.js';
import type { TtsService } from '../speech/tts-service.js';
import type { Logger } from '../telemetry/logger.js';
import type { NoisePool } from '../workers/pools.js';
import { realtimeCallActors } from './realtime-actors.js';
import { RealtimeBrain } from './realtime-brain.js';

/** What the call actors need from a runtime: the parts every call shares. */
export interface SharedCallParts {
  createVad: () => VadSession;
  endpointer: Partial<EndpointerConfig>;
  /** End-of-turn policy and noise suppression before a call's `eot` and `noise` flags. */
  turnTaking?: TurnTakingConfig;
  /** The noise suppression pool (present when some call may use it). */
  noisePool?: NoisePool;
  tts: TtsService;
  knowledge: Pick<KnowledgeRuntime, 'prefetcher' | 'retriever'>;
  /** The speech-to-text engine of a call (its `stt` flag may pick a remote one, local behind it). */
  stt: (session: CallSession) => SttEngine;
  answerer: Answerer;
  /** The business's tools, run inside the answer (none: the model is offered no tools). */
  tools?: ToolRunner;
  /** Let Whisper detect each utterance's language instead of using the call's. */
  detectLanguage: boolean;
  /** Start retrieval on stable partial transcripts (streaming STT). */
  speculativeRetrieval?: boolean;
  /** A filler plays only when no answer audio is ready this long after the end of a turn, ms. */
  fillerDelayMs?: number;
  registry: Registry;
  logger: Logger;
  /** The speech-to-speech mode: calls whose `brain` flag (or default) is `realtime` use it. */
  realtime?: { config: RealtimeConfig; wsOptions?: ClientOptions };
  /** The business's transfer targets; undefined: no transfer configured. */
  transfer?: TransferPlan;
}

/**
 * The business's tools as one call offers them: `send_dtmf` only on an outbound call whose
 * line can send digits.
 */
function callTools(session: CallSession, tools: ToolRunner | undefined): ToolRunner | undefined {
  const { endpoint } = session;
  if (!tools) return undefined;
  if (endpoint.direction !== 'outbound' || !endpoint.sendDtmf) return tools;
  return tools.forCall({
    sendDtmf: (digits, signal) => endpoint.sendDtmf!(digits, signal),
  });
}

/**
 * Builds every actor of the call machine for one call.
 *
 * @example
 * ```ts
 * const machine = callMachine.provide({ actors: createCallActors(session, shared) });
 * ```
 */
export function createCallActors(session: CallSession, shared: SharedCallParts): CallActors {
  const tools = callTools(session, shared.tools);
  const cascade = createCascadeActors(session, shared, tools);
  const realtime = shared.realtime;
  if (!realtime || brainFor(session.flags, realtime.config.brain) !== 'realtime') return cascade;
  const { retriever } = shared.knowledge;
  const brain = new RealtimeBrain({
    session,
    config: realtime.config,
    retrieve: async (query, signal) =>
      (await retriever.retrieve({ query, signal, language: session.endpoint.language })).passages,
    ...(realtime.wsOptions ? { wsOptions: realtime.wsOptions } : {}),
    ...(tools ? { tools } : {}),
    speakFiller: toolFiller(session, shared.tts),
    ...(shared.endpointer.bargeInEchoLossDb !== undefined
      ? { echoLossDb: shared.endpointer.bargeInEchoLossDb }
      : {}),
    registry: shared.registry,
    logger: shared.logger,
  });
  return realtimeCallActors(cascade, session, brain, shared.logger, shared.registry);
}

/** Speaks the call's next filler phrase into a playback item (a slow tool in realtime mode). */
function toolFiller(session: CallSession, tts: TtsService) {
  const language = session.endpoint.language;
  const picker = new FillerPicker(language);
  return async (item: PlaybackItem, signal: AbortSignal): Promise<void> => {
    const text = picker.next();
    if (!text) return item.end();
    await synthesizeInto(tts, item, text, { language, format: session.playback.format, signal });
  };
}

function createCascadeActors(
  session: CallSession,
  shared: SharedCallParts,
  tools: ToolRunner | undefined,
): CallActors {
  const { tts, registry, logger } = shared;
  const stt = shared.stt(session);
  const turnTaking = shared.turnTaking
    ? callTurnTaking(shared.turnTaking, session.flags)
    : undefined;
  const noisePool = turnTaking?.noiseSuppression ? shared.noisePool : undefined;
  const filler = new TurnFiller({
    playback: session.playback,
    tts,
    delayMs: shared.fillerDelayMs ?? 0,
    logger,
  });
  const speculative = shared.speculativeRetrieval
    ? new SpeculativeRetrieval({
        retriever: shared.knowledge.retriever,
        clock: session.playback.clock,
        language: () => (shared.detectLanguage ? undefined : session.endpoint.language),
        registry,
      })
    : undefined;
  const preemptive = turnTaking?.preemptiveAnswers
    ? new PreemptiveAnswer({
        answerer: shared.answerer,
        tts,
        passages: async (query, signal) => {
          const language = shared.detectLanguage ? undefined : session.endpoint.language;
          const result = speculative
            ? await speculative.ensure(query)
            : await shared.knowledge.retriever.retrieve({
                query,
                signal,
                ...(language ? { language } : {}),
              });
          return result.passages.map((p) => ({
            id: p.id,
            text: p.text,
            score: p.score,
            source: p.source,
          }));
        },
        system: () => session.prompts.systemPrompt(),
        clock: session.playback.clock,
        format: session.playback.format,
        ledger: session.ledger,
        ...(tools ? { tools } : {}),
        registry,
        logger,
      })
    : undefined;
  const onPartial =
    speculative || preemptive
      ? (p: { text: string; stable: boolean }) => {
          speculative?.partial(p.text, p.stable);
          preemptive?.partial(p.text, p.stable);
        }
      : undefined;
  const transfer: TransferDeps = {
    line: session.endpoint.transfer,
    plan: shared.transfer,
    logger,
  };
  return {
    media: createMediaActor({ endpoint: session.endpoint, playback: session.playback }),
    endpointing: createEndpointingActor({
      session,
      createVad: noisePool
        ? () => new DenoisedVad(new NoiseSession(noisePool), shared.createVad())
        : shared.createVad,
      endpointer: shared.endpointer,
      ...(turnTaking ? { endOfTurn: endOfTurnPolicy(turnTaking.endOfTurn) } : {}),
      registry,
      logger,
      ...(onPartial ? { onPartial } : {}),
      ...(shared.turnTaking?.earlyFinalMs
        ? { earlyFinalAfterMs: shared.turnTaking.earlyFinalMs }
        : {}),
      onClose: () => {
        speculative?.close();
        preemptive?.close();
      },
      openSttStream: () =>
        openLiveStream(stt, {
          tag: session.id,
          ...(shared.detectLanguage ? {} : { language: session.endpoint.language }),
        }),
    }),
    preemptAnswer: createPreemptAnswerActor(preemptive),
    speak: createSpeakActor({
      playback: session.playback,
      tts,
      ...(session.businessName !== undefined
        ? { phraseVars: { businessName: session.businessName } }
        : {}),
      logger,
    }),
    playFiller: createPlayFillerActor({ playback: session.playback, tts, turn: filler, logger }),
    prefetchEmbedding: createPrefetchEmbeddingActor({
      prefetcher: shared.knowledge.prefetcher,
      logger,
    }),
    transcribe: createTranscribeActor({
      session,
      engine: stt,
      forceLanguage: !shared.detectLanguage,
      registry,
      logger,
    }),
    retrieve: createRetrieveActor({
      retriever: shared.knowledge.retriever,
      ...(speculative ? { speculative } : {}),
    }),
    streamAnswer: createStreamAnswerActor({
      session,
      answerer: shared.answerer,
      tts,
      ttsEngine: tts.engine().name,
      filler,
      ...(tools ? { tools } : {}),
      ...(preemptive ? { preemptive } : {}),
      registry,
      logger,
    }),
    upgradePrompt: createUpgradePromptActor({
      buildFullPrompt: () => session.prompts.buildFull(),
      registry,
    }),
    transferBlind: createTransferBlindActor(transfer),
    dialAgent: createDialAgentActor(transfer),
    connectAgent: createConnectAgentActor(transfer),
    watchAgent: createWatchAgentActor(transfer),
    bridgeTransfer: createBridgeTransferActor(transfer),
    resumeCaller: createResumeCallerActor(transfer),
    holdCaller: createHoldCallerActor(transfer),
  };
}
