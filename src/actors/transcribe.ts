/**
 * The transcribe actor: takes an utterance's audio from the call session and turns it into
 * text with the call's speech-to-text engine (Whisper on the worker pool by default). The
 * audio is handed over, not copied; the signal aborts a task still waiting for a thread. When
 * the utterance's audio was streamed to a streaming engine while the caller spoke, the stream is
 * finished instead (its final arrives shortly after the end of speech). The transcript goes to
 * the call's turn log.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { fromPromise } from 'xstate';
import type { CallSession } from '../calls/session.js';
import { errorKind, isAbortError } from '../errors.js';
import type {
  SttEngine,
  SttFinishOptions,
  SttResult,
  SttStream,
} from '../providers/stt/stt-engine.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { TranscribeInput, TranscribeOutput } from './contracts.js';

/** Dependencies of {@link createTranscribeActor}. */
export interface TranscribeDeps {
  /** The call whose utterances it transcribes. */
  session: CallSession;
  /** The call's engine (feature flags may pick per call). */
  engine: SttEngine;
  /** Pass the call's language to the engine (default true); false lets Whisper detect it. */
  forceLanguage?: boolean;
  /** Failures are counted in `voxstate_errors_total{component="stt"}`. */
  registry?: Registry;
  /** Failures are logged (warn) with the call id and the error kind. */
  logger?: Logger;
}

/** Ends a stream the audio went to while the caller spoke; the signal closes it. */
async function finishLive(
  live: SttStream,
  signal: AbortSignal,
  options: SttFinishOptions,
): Promise<SttResult> {
  const close = () => live.close();
  if (signal.aborted) close();
  signal.addEventListener('abort', close, { once: true });
  try {
    return await live.finish(options);
  } finally {
    signal.removeEventListener('abort', close);
  }
}

/**
 * Creates the `transcribe` actor logic.
 *
 * @example
 * ```ts
 * const transcribe = createTranscribeActor({ session, engine: whisper });
 * ```
 */
export function createTranscribeActor(deps: TranscribeDeps) {
  const errors = deps.registry ? catalogCounter(deps.registry, 'voxstate_errors_total') : undefined;
  return fromPromise<TranscribeOutput, TranscribeInput>(async ({ input, signal }) => {
    const { session, engine } = deps;
    const utterance = session.takeUtterance(input.utteranceId);
    if (!utterance) return { text: '', engine: 'none' };
    const range = utterance.received ?? utterance;
    const scriptText = session.scriptText?.(range.startMs, range.endMs);
    let result: SttResult;
    try {
      result = utterance.live
        ? await finishLive(utterance.live, signal, {
            ...(scriptText === undefined ? {} : { scriptText }),
            ...(utterance.liveAfterFlush ? { afterFlush: true } : {}),
          })
        : await engine.transcribe({
            audio: utterance.audio,
            language: deps.forceLanguage === false ? undefined : input.language,
            signal,
            scriptText,
          });
    } catch (err) {
      if (!signal.aborted && !isAbortError(err)) {
        const kind = errorKind(err);
        errors?.inc({ kind, component: 'stt' });
        session.log.add('error', { component: 'stt', kind });
        session.turns.failed();
        deps.logger?.warn(
          { callId: input.callId, engine: engine.name, kind, err: (err as Error).message },
          'transcription failed',
        );
      }
      throw err;
    }
    session.ledger.record('stt', { engine: result.engine, seconds: result.audioSeconds });
    session.timeline.mark('transcript');
    if (!signal.aborted) session.turns.heard(result.text.trim(), result.language ?? input.language);
    session.timeline.heard(result.text);
    return { text: result.text, language: result.language, engine: result.engine };
  });
}
