/**
 * One utterance of the {@link Endpointer} (`./endpointer.ts`), from `speech.start` to
 * `speech.end`: its voice, window by window, and the pause that ends it.
 *
 * A window at or above `threshold` is voice, and so is one down to `negThreshold` while no pause
 * has begun (hysteresis); a weaker window, or time with no audio, is pause. The pause ends the
 * utterance (`speech.end`, reason `silence`) once it reaches the required silence, which the
 * endpointer asks its turn context for ({@link RequiredSilence}); voice ends the pause. An
 * utterance whose voice spans `maxUtteranceMs` ends at once (reason `max_length`).
 *
 * @module
 */
import type { EndpointerConfig } from '../config/endpointing.js';
import type { SpeechEndEvent } from './endpointer-types.js';
import type { VoiceSpan } from './turn-context.js';

/** The utterance's state. Times are media ms. */
export interface SpeechPhase extends VoiceSpan {
  kind: 'speech';
  /** Where the current pause began (the end of the last voiced window); undefined while voiced. */
  silenceFromMs: number | undefined;
}

/** Where the required silence comes from (the endpointer's `TurnContext`). */
export interface RequiredSilence {
  /** The silence that ends the utterance `voice`, `pauseMs` into its current pause. */
  requiredSilenceMs(voice: VoiceSpan, pauseMs: number): number;
}

/** What a window, or a time without audio, did to the utterance. */
export type SpeechStep =
  | { outcome: 'going'; phase: SpeechPhase }
  | { outcome: 'ended'; event: SpeechEndEvent };

/** An utterance whose first voiced window began at `firstMs`, voiced up to `endMs`. */
export function newSpeechPhase(firstMs: number, endMs: number, preRollMs: number): SpeechPhase {
  return {
    kind: 'speech',
    startMs: Math.max(0, firstMs - preRollMs),
    voicedFromMs: firstMs,
    voicedEndMs: endMs,
    silenceFromMs: undefined,
  };
}

/** The utterance's `speech.end`, recognized at `atMs`; its audio ends at `endMs`. */
export function speechEnd(
  p: SpeechPhase,
  atMs: number,
  reason: SpeechEndEvent['reason'],
  endMs = p.voicedEndMs,
): SpeechEndEvent {
  return { type: 'speech.end', startMs: p.startMs, endMs, atMs, reason };
}

const ended = (event: SpeechEndEvent): SpeechStep => ({ outcome: 'ended', event });

/** Applies one window `[timeMs, endMs)` with its probability. */
export function stepSpeech(
  p: SpeechPhase,
  config: EndpointerConfig,
  required: RequiredSilence,
  probability: number,
  timeMs: number,
  endMs: number,
): SpeechStep {
  if (endMs - p.voicedFromMs >= config.maxUtteranceMs) {
    return ended(speechEnd(p, endMs, 'max_length', endMs));
  }
  if (
    probability >= config.threshold ||
    (p.silenceFromMs === undefined && probability >= config.negThreshold)
  ) {
    return { outcome: 'going', phase: { ...p, voicedEndMs: endMs, silenceFromMs: undefined } };
  }
  const silenceFromMs = p.silenceFromMs ?? timeMs;
  if (endMs - silenceFromMs >= required.requiredSilenceMs(p, endMs - silenceFromMs)) {
    return ended(speechEnd(p, endMs, 'silence'));
  }
  return { outcome: 'going', phase: { ...p, silenceFromMs } };
}

/**
 * Nothing was heard from `heardUntilMs` (the end of the last window) to `toMs`. When the
 * utterance goes on, the phase returned has its pause begun; the endpointer keeps it only once
 * audio resumes at `toMs`.
 */
export function speechSilenceUntil(
  p: SpeechPhase,
  config: EndpointerConfig,
  required: RequiredSilence,
  heardUntilMs: number,
  toMs: number,
): SpeechStep {
  const silenceFromMs = p.silenceFromMs ?? Math.max(heardUntilMs, p.voicedEndMs);
  const silenceEnd = silenceFromMs + required.requiredSilenceMs(p, toMs - silenceFromMs);
  const maxEnd = p.voicedFromMs + config.maxUtteranceMs;
  if (maxEnd <= toMs && maxEnd < silenceEnd) {
    return ended(speechEnd(p, toMs, 'max_length', Math.min(maxEnd, p.voicedEndMs)));
  }
  if (silenceEnd <= toMs) return ended(speechEnd(p, toMs, 'silence'));
  return { outcome: 'going', phase: { ...p, silenceFromMs } };
}

/**
 * When the utterance ends if nothing more is heard after `heardUntilMs`: the end of the
 * required silence or the maximum-utterance cut, whichever comes first.
 */
export function speechDeadline(
  p: SpeechPhase,
  config: EndpointerConfig,
  required: RequiredSilence,
  heardUntilMs: number,
): number {
  const silenceFrom = p.silenceFromMs ?? heardUntilMs;
  return Math.min(
    silenceFrom + required.requiredSilenceMs(p, Math.max(0, heardUntilMs - silenceFrom)),
    p.voicedFromMs + config.maxUtteranceMs,
  );
}
