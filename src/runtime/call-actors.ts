/**
 * The real actors of the call machine, wired to one runtime's shared parts: the call sessions,
 * the VAD pool, speech, the knowledge base, the answerer and the call registry.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { CallActors } from '../actors/contracts.js';
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
import type { CallRegistry } from '../calls/registry.js';
import type { KnowledgeRuntime } from '../knowledge/knowledge-runtime.js';
import type { EndpointerConfig } from '../media/endpointer.js';
import type { VadSession } from '../media/vad.js';
import { openLiveStream } from '../providers/stt/engines.js';
import type { SttEngine } from '../providers/stt/stt-engine.js';
import type { TtsService } from '../speech/tts-service.js';
import type { Logger } from '../telemetry/logger.js';
import type { CallSessions } from './call-session.js';

/** What the call actors need from a runtime. */
export interface CallActorDeps {
  sessions: CallSessions;
  createVad: () => VadSession;
  endpointer: Partial<EndpointerConfig>;
  tts: TtsService;
  knowledge: Pick<KnowledgeRuntime, 'prefetcher' | 'retriever'>;
  /** The speech-to-text engine of a call (its `stt` flag may pick a remote one). */
  stt: (callId: string) => SttEngine;
  answerer: () => Answerer;
  calls: Pick<CallRegistry<unknown>, 'systemPrompt' | 'buildFullPrompt'>;
  /** The business name spoken in a call's greeting. */
  businessName: (callId: string) => string;
  /** Let Whisper detect each utterance's language instead of using the call's. */
  detectLanguage: boolean;
  /** The call's language, for the streams of streaming STT engines (detected when undefined). */
  languageOf?: (callId: string) => string | undefined;
  registry: Registry;
  logger: Logger;
}

/** Builds every actor of the call machine for `callMachine.provide({ actors })`. */
export function createCallActors(deps: CallActorDeps): CallActors {
  const { sessions, tts, registry, logger } = deps;
  const getPlayback = (id: string) => sessions.get(id)?.playback;
  return {
    media: createMediaActor({ sessions }),
    endpointing: createEndpointingActor({
      sessions,
      createVad: deps.createVad,
      endpointer: deps.endpointer,
      registry,
      logger,
      openSttStream: (callId) => {
        const language = deps.detectLanguage ? undefined : deps.languageOf?.(callId);
        return openLiveStream(deps.stt(callId), language ? { language } : {});
      },
    }),
    speak: createSpeakActor({
      getPlayback,
      tts,
      phraseVars: (id) => ({ businessName: deps.businessName(id) }),
      logger,
    }),
    playFiller: createPlayFillerActor({ getPlayback, tts, logger }),
    prefetchEmbedding: createPrefetchEmbeddingActor({
      prefetcher: deps.knowledge.prefetcher,
      logger,
    }),
    transcribe: createTranscribeActor({
      sessions,
      engineFor: deps.stt,
      forceLanguage: !deps.detectLanguage,
      registry,
      logger,
    }),
    retrieve: createRetrieveActor({ retriever: deps.knowledge.retriever }),
    streamAnswer: createStreamAnswerActor({
      sessions,
      answererFor: deps.answerer,
      tts,
      ttsEngine: tts.engine().name,
      systemPrompt: (id, variant) => deps.calls.systemPrompt(id, variant),
      registry,
      logger,
    }),
    upgradePrompt: createUpgradePromptActor({
      buildFullPrompt: (id) => deps.calls.buildFullPrompt(id),
      store: () => {},
      registry,
    }),
  };
}
