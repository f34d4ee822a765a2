/**
 * What a call's playback does when the caller talks over the bot, and how long it took.
 *
 * The endpointer reports a speech onset early (a short stretch of clear voice while the bot
 * speaks): playback pauses at once, so the caller gets silence fast. Then either the voice goes
 * on and the barge-in is confirmed (everything queued is discarded), or it stops (a backchannel
 * "mm-hm", a cough) and playback resumes from the same frame.
 *
 * Metrics, all from the speech onset (the first window of the voice that led to the barge-in):
 * `voxstate_barge_in_detection_seconds` to the decision to silence the bot,
 * `voxstate_barge_in_to_silence_seconds` to the bot's audio stopping, and
 * `voxstate_barge_in_resumes_total` for pauses that did not become a barge-in.
 *
 * All times are ms on the playback queue's clock.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { catalogCounter, catalogHistogram } from '../telemetry/catalog.js';
import { seconds } from '../telemetry/metrics.js';
import type { PlaybackQueue } from './playback-queue.js';

/** How a confirmed barge-in went, ms on the playback clock. */
export interface BargeInTiming {
  onsetAtMs: number;
  /** When the bot was told to go silent (the pause, or the stop). */
  decidedAtMs: number;
  /** When the bot's audio stopped. */
  silentAtMs: number;
}

/**
 * Barge-in handling for one call's playback.
 *
 * @example
 * ```ts
 * const bargeIn = new BargeInControl(session.playback, registry);
 * bargeIn.onset(onsetAtMs);                // speech.onset: pause
 * const timing = bargeIn.confirm(onsetAtMs); // speech.start (bargeIn): stop; undefined if nothing played
 * bargeIn.dropped();                        // speech.dropped: resume
 * ```
 */
export class BargeInControl {
  readonly #playback: PlaybackQueue;
  readonly #detection;
  readonly #toSilence;
  readonly #resumes;
  #pausedAtMs: number | undefined;
  /** When the bot's audio stopped for the hold in progress. */
  #silentAtMs: number | undefined;

  constructor(playback: PlaybackQueue, registry?: Registry) {
    this.#playback = playback;
    this.#detection = registry
      ? catalogHistogram(registry, 'voxstate_barge_in_detection_seconds')
      : undefined;
    this.#toSilence = registry
      ? catalogHistogram(registry, 'voxstate_barge_in_to_silence_seconds')
      : undefined;
    this.#resumes = registry
      ? catalogCounter(registry, 'voxstate_barge_in_resumes_total')
      : undefined;
  }

  /** True while playback is held for a possible barge-in. */
  get paused(): boolean {
    return this.#pausedAtMs !== undefined;
  }

  /** Voice over the bot from `onsetAtMs`: hold playback (interruptible audio only). */
  onset(onsetAtMs: number): void {
    const q = this.#playback;
    if (this.#pausedAtMs !== undefined) return;
    const speaking = q.isSpeaking;
    if (!q.pause()) return;
    this.#pausedAtMs = q.now();
    // Between two phrases the bot was already quiet: silence came with its last frame.
    this.#silentAtMs = speaking
      ? this.#pausedAtMs
      : Math.max(onsetAtMs, q.lastAudioAtMs ?? onsetAtMs);
  }

  /**
   * The barge-in is confirmed: discard what is queued. Returns its timing when the bot was
   * talking (or held) and interruptible audio was stopped; undefined when there was nothing
   * to interrupt.
   */
  confirm(onsetAtMs: number): BargeInTiming | undefined {
    const q = this.#playback;
    const now = q.now();
    const pausedAt = this.#pausedAtMs;
    const heldSilentAt = this.#silentAtMs;
    this.#pausedAtMs = undefined;
    this.#silentAtMs = undefined;
    const speaking = q.isSpeaking;
    if (pausedAt === undefined && q.idle) return undefined;
    const dropped = q.stopAll();
    if (pausedAt === undefined && dropped === 0) return undefined;
    const decidedAtMs = pausedAt ?? now;
    const silentAtMs =
      heldSilentAt ?? (speaking ? now : Math.max(onsetAtMs, q.lastAudioAtMs ?? onsetAtMs));
    this.#detection?.observe(seconds(Math.max(0, decidedAtMs - onsetAtMs)));
    this.#toSilence?.observe(seconds(Math.max(0, silentAtMs - onsetAtMs)));
    return { onsetAtMs, decidedAtMs, silentAtMs };
  }

  /**
   * The voice stopped before it was a barge-in: go on playing. Returns how long playback was
   * held, ms, or undefined when it was not.
   */
  dropped(): number | undefined {
    const pausedAt = this.#pausedAtMs;
    if (pausedAt === undefined) return undefined;
    this.#pausedAtMs = undefined;
    this.#silentAtMs = undefined;
    this.#resumes?.inc();
    this.#playback.resume();
    return this.#playback.now() - pausedAt;
  }

  /** Lets held playback go on (the caller's audio ended). */
  close(): void {
    if (this.#pausedAtMs === undefined) return;
    this.#pausedAtMs = undefined;
    this.#silentAtMs = undefined;
    this.#playback.resume();
  }
}
