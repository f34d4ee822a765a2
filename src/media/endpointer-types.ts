/**
 * Events and the end-of-turn policy of the {@link Endpointer}
 * (`./endpointer.ts`).
 *
 * @module
 */
import type { Language } from '../text/language.js';

/** The caller started speaking. */
export interface SpeechStartEvent {
  type: 'speech.start';
  /** Start of the utterance's audio, pre-roll included. */
  startMs: number;
  /** Start of the first voiced window: the speech onset. */
  onsetMs: number;
  /** When the start was recognized (end of the window that confirmed it). */
  atMs: number;
  /** True when the bot was speaking or cooling down: the caller interrupts. */
  bargeIn: boolean;
}

/**
 * Caller voice while the bot speaks, enough to pause the bot but not yet a barge-in: the
 * candidate either becomes a `speech.start` with `bargeIn` or ends with `speech.dropped`.
 */
export interface SpeechOnsetEvent {
  type: 'speech.onset';
  /** Start of the first voiced window. */
  onsetMs: number;
  /** When it was recognized. */
  atMs: number;
}

/** The sound that caused a `speech.onset` stopped before it became a barge-in. */
export interface SpeechDroppedEvent {
  type: 'speech.dropped';
  onsetMs: number;
  atMs: number;
}

/** The caller stopped speaking: the utterance is `[startMs, endMs)`. */
export interface SpeechEndEvent {
  type: 'speech.end';
  startMs: number;
  endMs: number;
  /** When the end was recognized. */
  atMs: number;
  reason: 'silence' | 'max_length' | 'flush';
}

/** What the endpointer can emit. */
export type EndpointerEvent =
  | SpeechStartEvent
  | SpeechEndEvent
  | SpeechOnsetEvent
  | SpeechDroppedEvent;

/** The latest partial transcript of the utterance in progress. */
export interface PartialTranscript {
  text: string;
  /**
   * Voice heard after the partial arrived, ms: 0 when it covers everything said so far; large
   * when the caller went on speaking and the engine has not caught up (the text is stale).
   */
  voicedAfterMs: number;
  /**
   * True while the engine was asked to finalize the words up to this pause (a flush) and has
   * not answered yet: the text may still lack the last words, so a reading of it as finished is
   * not to be trusted until the settled text comes (within the engine's final latency).
   */
  settling?: boolean;
}

/** The utterance in progress, as an {@link EndOfTurnPolicy} sees it. */
export interface UtteranceProgress {
  /** Start of the utterance's audio, pre-roll included. */
  startMs: number;
  /** Voice so far: first voiced window to the end of the last one. */
  voicedMs: number;
  /** End of the last voiced window. */
  voicedEndMs: number;
  /** Silence heard so far in the current pause, ms (0 while the caller speaks). */
  pauseMs: number;
  /** The latest partial transcript, when a streaming engine gave one for this utterance. */
  partial?: PartialTranscript;
  /** The call's language, when known ({@link Endpointer.setLanguage}). */
  language?: Language;
}

/**
 * How much silence ends the caller's turn: the seam between the endpointer and whatever
 * decides turn-taking (a fixed silence, word rules, later a turn-detection model).
 *
 * - **Input**: the utterance in progress ({@link UtteranceProgress}): its voice so far, the
 *   pause so far, the latest partial transcript and how stale it is, the call's language.
 * - **Output**: the silence, ms, that ends the turn counted from the start of the pause. The
 *   endpointer ends the turn once the pause reaches it; an answer at or under the pause so far
 *   ends it at once.
 * - **Latency budget**: {@link requiredSilenceMs} is synchronous and is asked on every silent
 *   window (every 32 ms) and on every deadline check, so it must answer in well under a
 *   millisecond, with no I/O. A turn-detection model runs outside it: {@link onPartial} starts
 *   it (in a worker) when a partial arrives, and `requiredSilenceMs` reads its cached result
 *   (keyed by the partial's text, so one policy serves every call). Partials come every
 *   100-200 ms and the shortest useful silence is about 250 ms, so the model has about 100 ms
 *   per partial; a result that is not there yet means "decide without it" (the word rules or
 *   the default).
 *
 * The answer may change during the utterance: when it changes between windows (a partial
 * arrived), the driver calls `Endpointer.advance` and re-reads `Endpointer.nextDeadlineMs`.
 */
export interface EndOfTurnPolicy {
  /** Silence, ms, that ends the utterance in progress. */
  requiredSilenceMs(utterance: UtteranceProgress): number;
  /** A partial transcript arrived (see {@link Endpointer.setPartial}); must not block. */
  onPartial?(text: string, language: Language | undefined): void;
}
