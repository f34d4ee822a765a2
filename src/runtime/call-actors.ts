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
import { createBridgeTransferActor } from '../actors/bridge-transfer.js';
import { createConnectAgentActor } from '../actors/connect-agent.js';
import type { CallActors } from '../actors/contracts.js';
import { createDialAgentActor } from '../actors/dial-agent.js';
import { createEndpointingActor } from '../actors/endpointing.js';
import { createMediaActor } from '../actors/media.js';
import { createPlayFillerActor } from '../actors/play-filler.js';
import { createPrefetchEmbeddingActor } from '../actors/prefetch-embedding.js';
import { createResumeCallerActor } from '../actors/resume-caller.js';
import { createRetrieveActor } from '../actors/retrieve.js';
import { createSpeakActor } from '../actors/speak.js';
import { createStreamAnswerActor } from '../actors/stream-answer.js';
import { createTranscribeActor } from '../actors/transcribe.js';
import { createTransferBlindActor } from '../actors/transfer-blind.js';
import type { TransferDeps } from '../actors/transfer-deps.js';
import { createUpgradePromptActor } from '../actors/upgrade-prompt.js';
import { createWatchAgentActor } from '../actors/watch-agent.js';
import type { Answerer } from '../answer/answerer.js';
import type { CallSession } from '../calls/session.js';
import type { TransferSettings } from '../calls/transfer-line.js';
import type { EndpointerConfig } from '../config/endpointing.js';
import type { KnowledgeRuntime } from '../knowledge/knowledge-runtime.js';
import type { VadSession } from '../media/vad.js';
import { openLiveStream } from '../providers/stt/engines.js';
import type { SttEngine } from '../providers/stt/stt-engine.js';
import type { TtsService } from '../speech/tts-service.js';
import type { Logger } from '../telemetry/logger.js';

/** What the call actors need from a runtime: the parts every call shares. */
export interface SharedCallParts {
  createVad: () => VadSession;
  endpointer: Partial<EndpointerConfig>;
  tts: TtsService;
  knowledge: Pick<KnowledgeRuntime, 'prefetcher' | 'retriever'>;
  /** The speech-to-text engine of a call (its `stt` flag may pick a remote one, local behind it). */
  stt: (session: CallSession) => SttEngine;
  answerer: Answerer;
  /** Let Whisper detect each utterance's language instead of using the call's. */
  detectLanguage: boolean;
  registry: Registry;
  logger: Logger;
  /** Where transfers go; undefined: no transfer configured. */
  transfer?: TransferSettings;
}

const NO_TRANSFER: TransferSettings = { ringTimeoutMs: 20_000 };

/**
 * Builds every actor of the call machine for one call.
 *
 * @example
 * ```ts
 * const machine = callMachine.provide({ actors: createCallActors(session, shared) });
 * ```
 */
export function createCallActors(session: CallSession, shared: SharedCallParts): CallActors {
  const { tts, registry, logger } = shared;
  const stt = shared.stt(session);
  const transfer: TransferDeps = {
    line: session.endpoint.transfer,
    settings: shared.transfer ?? NO_TRANSFER,
    logger,
  };
  return {
    media: createMediaActor({ endpoint: session.endpoint, playback: session.playback }),
    endpointing: createEndpointingActor({
      session,
      createVad: shared.createVad,
      endpointer: shared.endpointer,
      registry,
      logger,
      openSttStream: () =>
        openLiveStream(stt, shared.detectLanguage ? {} : { language: session.endpoint.language }),
    }),
    speak: createSpeakActor({
      playback: session.playback,
      tts,
      ...(session.businessName !== undefined
        ? { phraseVars: { businessName: session.businessName } }
        : {}),
      logger,
    }),
    playFiller: createPlayFillerActor({ playback: session.playback, tts, logger }),
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
    retrieve: createRetrieveActor({ retriever: shared.knowledge.retriever }),
    streamAnswer: createStreamAnswerActor({
      session,
      answerer: shared.answerer,
      tts,
      ttsEngine: tts.engine().name,
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
  };
}
