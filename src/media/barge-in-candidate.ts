/**
 * One barge-in candidate of the {@link Endpointer} (`./endpointer.ts`): caller sound while the
 * bot speaks, window by window, until it is confirmed or dropped.
 *
 * Voice (windows at or above `bargeInThreshold`, not at an echo level) adds up; weaker voice
 * (down to `negThreshold`) keeps the candidate alive without adding to it; a dip of
 * `bargeInMaxGapMs` below that, or a candidate spread over more than three times the voice it
 * needs, ends it. `bargeInPauseMs` of voice holds the bot (`speech.onset`),
 * `bargeInMinSpeechMs` confirms the barge-in.
 *
 * @module
 */
import type { EndpointerConfig } from '../config/endpointing.js';

/** A candidate spread over more than this many times its voice needed is dropped. */
const MAX_SPAN = 3;

/** The candidate's state. Times are media ms. */
export interface BargeInCandidate {
  kind: 'bargeIn';
  /** Start of its first voiced window: the onset. */
  firstMs: number;
  /** Voice counted so far (dips excluded). */
  voicedMs: number;
  /** End of the last window that was voice or still in the hysteresis band. */
  aliveUntilMs: number;
  /** True once it held the bot (`speech.onset` was emitted). */
  paused: boolean;
}

/** What one window did to a candidate. */
export type BargeInStep =
  | { outcome: 'going'; candidate: BargeInCandidate; onset: boolean }
  | { outcome: 'confirmed'; candidate: BargeInCandidate }
  | { outcome: 'dropped'; candidate: BargeInCandidate };

/** A new candidate from `firstMs`, with `voicedMs` already counted. */
export function newBargeInCandidate(firstMs: number, voicedMs = 0): BargeInCandidate {
  return { kind: 'bargeIn', firstMs, voicedMs, aliveUntilMs: firstMs + voicedMs, paused: false };
}

/** Applies one window `[timeMs, endMs)` with its probability and echo verdict. */
export function stepBargeIn(
  c: BargeInCandidate,
  config: EndpointerConfig,
  probability: number,
  timeMs: number,
  endMs: number,
  nearEnd: boolean,
): BargeInStep {
  if (probability >= config.bargeInThreshold && nearEnd) {
    const next = { ...c, voicedMs: c.voicedMs + (endMs - timeMs), aliveUntilMs: endMs };
    if (next.voicedMs >= config.bargeInMinSpeechMs) {
      return { outcome: 'confirmed', candidate: next };
    }
    const onset = !next.paused && next.voicedMs >= config.bargeInPauseMs;
    return { outcome: 'going', candidate: onset ? { ...next, paused: true } : next, onset };
  }
  // Weaker voice, or voice at an echo level, keeps it alive without adding to it (hysteresis):
  // only near-end voice adds, so echo cannot make a barge-in.
  const alive = probability >= config.negThreshold ? { ...c, aliveUntilMs: endMs } : c;
  const tooSpread = endMs - c.firstMs > MAX_SPAN * config.bargeInMinSpeechMs;
  if (endMs - alive.aliveUntilMs < config.bargeInMaxGapMs && !tooSpread) {
    return { outcome: 'going', candidate: alive, onset: false };
  }
  return { outcome: 'dropped', candidate: c };
}

/** True when time without audio up to `toMs` has ended the candidate. */
export function bargeInGapEnded(
  c: BargeInCandidate,
  config: EndpointerConfig,
  toMs: number,
): boolean {
  return toMs - c.aliveUntilMs >= config.bargeInMaxGapMs;
}

/** When time without audio would end a candidate that holds the bot; undefined otherwise. */
export function bargeInDeadline(c: BargeInCandidate, config: EndpointerConfig): number | undefined {
  return c.paused ? c.aliveUntilMs + config.bargeInMaxGapMs : undefined;
}
