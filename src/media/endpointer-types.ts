/**
 * Events and the end-of-turn policy of the {@link Endpointer}
 * (`./endpointer.ts`).
 *
 * @module
 */

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

/** The utterance in progress, as an {@link EndOfTurnPolicy} sees it. */
export interface UtteranceProgress {
  /** Start of the utterance's audio, pre-roll included. */
  startMs: number;
  /** Voice so far: first voiced window to the end of the last one. */
  voicedMs: number;
  /** End of the last voiced window. */
  voicedEndMs: number;
}

/**
 * How much silence ends the caller's turn. The default is the fixed `endSilenceMs`; an adaptive
 * policy (shorter after a finished sentence, longer mid-thought) plugs in here. The endpointer
 * asks whenever it checks, so the answer may change during the utterance: when it changes
 * between windows (a partial transcript arrived), the driver calls `Endpointer.advance` and
 * re-reads `Endpointer.nextDeadlineMs`.
 */
export interface EndOfTurnPolicy {
  /** Silence, ms, that ends the utterance in progress. */
  requiredSilenceMs(utterance: UtteranceProgress): number;
}
