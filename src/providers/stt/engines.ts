/**
 * The STT engines of a runtime and the per-call choice between them: the remote engines that
 * are configured (`openai`, `deepgram`, `openai-realtime`) are built once; each call gets the
 * engine its `stt` feature flag names, wrapped in a {@link FallbackStt} whose next engine is the
 * runtime's local one (Whisper, or the simulator's script), so a failing remote engine costs
 * that utterance a retry on the local engine, not the turn.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { Logger } from '../../telemetry/logger.js';
import type { SttEnginesConfig } from './config.js';
import { DeepgramStt } from './deepgram-stt.js';
import { FallbackStt } from './fallback-stt.js';
import { OpenAiRealtimeStt } from './openai-realtime-stt.js';
import { OpenAiStt } from './openai-stt.js';
import {
  isStreamingEngine,
  type SttEngine,
  type SttStream,
  type SttStreamOptions,
} from './stt-engine.js';

/** Names a flag variant may use for the remote engines. */
export const REMOTE_STT_ENGINES = ['openai', 'deepgram', 'openai-realtime'] as const;

/** Builds every configured remote engine, by name. */
export function createRemoteSttEngines(config: SttEnginesConfig): Map<string, SttEngine> {
  const engines = new Map<string, SttEngine>();
  if (config.openai) engines.set('openai', new OpenAiStt(config.openai));
  if (config.deepgram) engines.set('deepgram', new DeepgramStt(config.deepgram));
  if (config.openaiRealtime) {
    engines.set('openai-realtime', new OpenAiRealtimeStt(config.openaiRealtime));
  }
  return engines;
}

/** Dependencies of {@link createSttSelector}. */
export interface SttSelectorDeps {
  /** The runtime's own engine: the default, and the fallback of every remote engine. */
  local: SttEngine;
  remote: ReadonlyMap<string, SttEngine>;
  /** The call's `stt` flag variant, when `engineFor` is not given it. */
  variantOf?: (callId: string) => string | undefined;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Returns `engineFor(callId, variant?)`: the local engine, or the flagged remote engine with the
 * local one behind it. The variant is the call's `stt` flag (given, or read with `variantOf`). A
 * variant that names no configured engine is logged once and served locally.
 *
 * @example
 * ```ts
 * const engineFor = createSttSelector({ local: whisper, remote });
 * const engine = engineFor(session.id, session.flags.stt);
 * ```
 */
export function createSttSelector(
  deps: SttSelectorDeps,
): (callId: string, variant?: string) => SttEngine {
  const warned = new Set<string>();
  return (callId, given) => {
    const variant = given ?? deps.variantOf?.(callId);
    if (variant === undefined || variant === deps.local.name) return deps.local;
    const engine = deps.remote.get(variant);
    if (!engine) {
      if (!warned.has(variant)) {
        warned.add(variant);
        deps.logger?.warn(
          { variant, configured: [...deps.remote.keys()], local: deps.local.name },
          'stt flag names an engine that is not configured; using the local engine',
        );
      }
      return deps.local;
    }
    return new FallbackStt([engine, deps.local], {
      callId,
      ...(deps.registry ? { registry: deps.registry } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
  };
}

/**
 * Opens a stream for an utterance that has just started, when `engine` (or the first engine
 * behind its fallback) streams; undefined for batch engines, which get the audio at the end.
 */
export function openLiveStream(
  engine: SttEngine,
  options: SttStreamOptions = {},
): SttStream | undefined {
  const streams = engine instanceof FallbackStt ? engine.streams : isStreamingEngine(engine);
  if (!streams || !isStreamingEngine(engine)) return undefined;
  return engine.openStream(options);
}
