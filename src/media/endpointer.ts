/**
 * End-of-utterance and barge-in detection from voice activity probabilities: pure,
 * deterministic logic fed one (probability, time) pair per VAD window.
 *
 * - **Start**: a window at or above `threshold` opens a candidate; it becomes `speech.start` once
 *   the voice has lasted `minSpeechMs` without a window below `negThreshold` (hysteresis).
 *   Shorter blips (a click, a cough) are dropped.
 * - **End**: after speech, a window below `negThreshold` starts a silence; the required silence
 *   (`endSilenceMs`, or what an {@link EndOfTurnPolicy} says) gives `speech.end` (reason
 *   `silence`). A window at or above `threshold` cancels the silence. An utterance reaching
 *   `maxUtteranceMs` ends at once (reason `max_length`). The utterance's steps are in
 *   `./speech-phase.ts`.
 * - **Time is the clock, not the frame count.** A caller's line may send nothing while the
 *   caller is silent (a Local channel between playbacks, SIP silence suppression or DTX). Window
 *   times are positions on the call's clock; a window that starts after the previous one ended
 *   means the time between had no audio, which counts as silence. When nothing arrives at all,
 *   the driver calls {@link Endpointer.advance} with the current time (at
 *   {@link Endpointer.nextDeadlineMs}), so the end of speech, the maximum-utterance cut and the
 *   end of a barge-in candidate come on time without a single frame.
 * - **Audio range**: `speech.start` and `speech.end` carry `startMs`, the candidate's first
 *   window minus `preRollMs` (never below 0), so the soft onset before the threshold is kept;
 *   `speech.end` carries `endMs`, the end of the last voiced window.
 * - **Barge-in**: while the bot speaks, and for `echoCooldownMs` after it stops, a start is an
 *   interruption and must not be the bot's own echo. A window counts as the caller's voice only
 *   at or above `bargeInThreshold` and when the caller's audio is not at an echo level (the
 *   driver says so per window: `nearEnd`). Voice is summed over the candidate and dips shorter
 *   than `bargeInMaxGapMs` do not restart it; windows between `negThreshold` and
 *   `bargeInThreshold` keep it alive without adding to it (hysteresis). After `bargeInPauseMs` of voice the
 *   endpointer emits `speech.onset` (the driver pauses the bot: fast silence); after
 *   `bargeInMinSpeechMs` the candidate becomes `speech.start` with `bargeIn: true` (the bot
 *   stops, the caller's turn begins); a sound that stops before that (a backchannel "mm-hm")
 *   ends with `speech.dropped` (the bot goes on). Echo that slips through pauses the bot, and
 *   with the bot paused the echo stops, so it cannot become a barge-in.
 *
 * All times are milliseconds on the call's media clock (audio positions and the wall clock in
 * one time base).
 *
 * @module
 */

import { DEFAULT_ENDPOINTER_CONFIG, type EndpointerConfig } from '../config/endpointing.js';
import type { Language } from '../text/language.js';
import {
  type BargeInCandidate,
  bargeInDeadline,
  bargeInGapEnded,
  newBargeInCandidate,
  stepBargeIn,
} from './barge-in-candidate.js';
import type { EndOfTurnPolicy, EndpointerEvent } from './endpointer-types.js';
import {
  newSpeechPhase,
  type SpeechPhase,
  type SpeechStep,
  speechDeadline,
  speechEnd,
  speechSilenceUntil,
  stepSpeech,
} from './speech-phase.js';
import { TurnContext } from './turn-context.js';

export * from './endpointer-types.js';

type Phase =
  | { kind: 'silence' }
  | { kind: 'candidate'; firstMs: number }
  | BargeInCandidate
  | SpeechPhase;

/**
 * Turns VAD probabilities into `speech.start` / `speech.end` events.
 *
 * @example
 * ```ts
 * const ep = new Endpointer({ endSilenceMs: 600 });
 * for (const [p, atMs] of windows) for (const ev of ep.push(p, atMs)) send(ev);
 * // no audio for a while (silence suppression): check the clock
 * if (now >= (ep.nextDeadlineMs() ?? Infinity)) for (const ev of ep.advance(now)) send(ev);
 * ```
 */
export class Endpointer {
  /** The effective configuration. */
  readonly config: EndpointerConfig;
  readonly #turn: TurnContext;
  private phase: Phase = { kind: 'silence' };
  private botSpeaking = false;
  private botStoppedAtMs = Number.NEGATIVE_INFINITY;
  /** End of the last window heard. */
  private heardUntilMs = Number.NEGATIVE_INFINITY;

  constructor(config: Partial<EndpointerConfig> = {}, policy?: EndOfTurnPolicy) {
    this.config = { ...DEFAULT_ENDPOINTER_CONFIG, ...config };
    const c = this.config;
    if (!(c.negThreshold <= c.threshold && c.threshold <= c.bargeInThreshold)) {
      throw new RangeError(
        'endpointer thresholds must satisfy negThreshold <= threshold <= bargeInThreshold',
      );
    }
    this.#turn = new TurnContext(policy ?? { requiredSilenceMs: () => c.endSilenceMs });
  }

  /**
   * Where the current silence inside an utterance began (the end of the last voiced window),
   * media ms; undefined outside an utterance or while the caller speaks.
   */
  silenceFromMs(): number | undefined {
    const p = this.phase;
    return p.kind === 'speech' ? p.silenceFromMs : undefined;
  }

  /** True between `speech.start` and `speech.end`. */
  get inSpeech(): boolean {
    return this.phase.kind === 'speech';
  }

  /** Tells the endpointer the bot started (`true`) or stopped (`false`) playing audio at `nowMs`. */
  setBotSpeaking(speaking: boolean, nowMs: number): void {
    if (this.botSpeaking && !speaking) this.botStoppedAtMs = nowMs;
    this.botSpeaking = speaking;
  }

  /** Sets the call's language, for the end-of-turn policy (kept across utterances). */
  setLanguage(language: Language | undefined): void {
    this.#turn.setLanguage(language);
  }

  /**
   * Gives the end-of-turn policy the latest partial transcript of the utterance in progress
   * (a streaming engine's interim text, each one replacing the last). Ignored between
   * utterances (a late partial of the last one); forgotten when the utterance ends. The required
   * silence may change: call {@link advance} with the current time and re-read
   * {@link nextDeadlineMs}.
   */
  setPartial(text: string, settled = false): void {
    const p = this.phase;
    if (p.kind === 'silence') return;
    if (
      p.kind === 'speech' &&
      p.silenceFromMs !== undefined &&
      this.#turn.resumes(text, p.voicedEndMs)
    ) {
      // New words after the pause's settled ones: the caller speaks again before the voice
      // detector says so. The pause is over; the next silence starts a new one.
      this.phase = { ...p, voicedEndMs: this.heardUntilMs, silenceFromMs: undefined };
    }
    const q = this.phase;
    const voicedEndMs = q.kind === 'speech' ? q.voicedEndMs : this.heardUntilMs;
    this.#turn.setPartial(text, voicedEndMs, settled);
  }

  /**
   * The driver asked the speech-to-text stream to finalize the words up to the current pause:
   * until a settled partial comes, a finished reading of the text is not trusted (see
   * `PartialTranscript.settling`). Returns the end of the voice the flush covers (the
   * utterance's `endMs` if it ends in this pause), or undefined outside a pause.
   */
  markFlushed(): number | undefined {
    const p = this.phase;
    if (p.kind !== 'speech' || p.silenceFromMs === undefined) return undefined;
    this.#turn.flushed(p.voicedEndMs);
    return p.voicedEndMs;
  }

  /** True while a start would be treated as a barge-in (bot speaking or cooling down). */
  isGuarded(nowMs: number): boolean {
    return this.botSpeaking || nowMs < this.botStoppedAtMs + this.config.echoCooldownMs;
  }

  /**
   * Feeds one window: its speech probability and its start on the media clock. A start later
   * than the previous window's end means no audio came in between: that time is silence.
   * `nearEnd` is false when the caller's audio in this window is at the level of the bot's own
   * echo (see `EchoGate`); it matters only while guarded. Returns the events it caused.
   */
  push(probability: number, timeMs: number, nearEnd = true): EndpointerEvent[] {
    const events = timeMs > this.heardUntilMs ? this.silenceUntil(timeMs, true) : [];
    const endMs = timeMs + this.config.windowMs;
    this.heardUntilMs = Math.max(this.heardUntilMs, endMs);
    events.push(...this.window(probability, timeMs, endMs, nearEnd));
    return events;
  }

  /**
   * Nothing was heard after the last window up to `nowMs`: returns what that silence caused
   * (the end of an utterance, its maximum-length cut, the end of a barge-in candidate). Call it
   * when no audio arrives, at {@link nextDeadlineMs}; calling it earlier or more often is
   * harmless.
   */
  advance(nowMs: number): EndpointerEvent[] {
    return nowMs > this.heardUntilMs ? this.silenceUntil(nowMs, false) : [];
  }

  /**
   * When {@link advance} would emit something if nothing more is heard: the end of the
   * required silence or the maximum-utterance cut, or the end of a candidate that paused the
   * bot. Undefined when nothing waits on the clock.
   */
  nextDeadlineMs(): number | undefined {
    const p = this.phase;
    if (p.kind === 'bargeIn') return bargeInDeadline(p, this.config);
    if (p.kind !== 'speech') return undefined;
    return speechDeadline(p, this.config, this.#turn, this.heardUntilMs);
  }

  /** Ends an utterance in progress (hang-up, end of stream); returns its `speech.end`, if any. */
  flush(nowMs: number): EndpointerEvent[] {
    const p = this.phase;
    this.toSilence();
    if (p.kind === 'bargeIn' && p.paused) {
      return [{ type: 'speech.dropped', onsetMs: p.firstMs, atMs: nowMs }];
    }
    return p.kind === 'speech' ? [speechEnd(p, nowMs, 'flush')] : [];
  }

  /**
   * No audio from the last window's end to `toMs`. `commit`: audio resumes at `toMs`, so the
   * silence is part of the record (a candidate ends, an utterance's silence has begun).
   */
  private silenceUntil(toMs: number, commit: boolean): EndpointerEvent[] {
    const p = this.phase;
    if (p.kind === 'candidate') {
      if (commit) this.toSilence();
      return [];
    }
    if (p.kind === 'bargeIn') {
      return bargeInGapEnded(p, this.config, toMs) ? this.dropBargeIn(p, toMs) : [];
    }
    if (p.kind !== 'speech') return [];
    const step = speechSilenceUntil(p, this.config, this.#turn, this.heardUntilMs, toMs);
    return this.afterSpeech(step, commit);
  }

  private window(
    probability: number,
    timeMs: number,
    endMs: number,
    nearEnd: boolean,
  ): EndpointerEvent[] {
    const c = this.config;
    const p = this.phase;
    if (p.kind === 'silence') return this.open(probability, timeMs, endMs, nearEnd);
    if (p.kind === 'bargeIn') return this.bargeInWindow(p, probability, timeMs, endMs, nearEnd);
    if (p.kind === 'candidate') {
      if (this.isGuarded(timeMs)) {
        // The bot began to speak over a start in progress: it is an interruption now, and the
        // voice so far (before the bot spoke) was the caller's.
        const candidate = newBargeInCandidate(p.firstMs, timeMs - p.firstMs);
        return this.bargeInWindow(candidate, probability, timeMs, endMs, nearEnd);
      }
      if (probability < c.negThreshold) {
        this.toSilence();
        return [];
      }
      return this.maybeStart(p.firstMs, endMs);
    }
    return this.afterSpeech(stepSpeech(p, c, this.#turn, probability, timeMs, endMs));
  }

  /** A window while nothing is going on: may open a candidate. */
  private open(
    probability: number,
    timeMs: number,
    endMs: number,
    nearEnd: boolean,
  ): EndpointerEvent[] {
    const c = this.config;
    if (this.isGuarded(timeMs)) {
      if (probability < c.bargeInThreshold || !nearEnd) return [];
      return this.bargeInWindow(newBargeInCandidate(timeMs), probability, timeMs, endMs, true);
    }
    if (probability < c.threshold) return [];
    this.phase = { kind: 'candidate', firstMs: timeMs };
    return this.maybeStart(timeMs, endMs);
  }

  /** One window of a barge-in candidate: voice adds up, a long dip ends it. */
  private bargeInWindow(
    p: BargeInCandidate,
    probability: number,
    timeMs: number,
    endMs: number,
    nearEnd: boolean,
  ): EndpointerEvent[] {
    const step = stepBargeIn(p, this.config, probability, timeMs, endMs, nearEnd);
    if (step.outcome === 'confirmed') return this.start(p.firstMs, endMs, true);
    if (step.outcome === 'going') {
      this.phase = step.candidate;
      return step.onset ? [{ type: 'speech.onset', onsetMs: p.firstMs, atMs: endMs }] : [];
    }
    const events = this.dropBargeIn(p, endMs);
    // Not guarded any more (the bot finished and cooled down): it may be an ordinary start.
    if (!this.isGuarded(timeMs)) events.push(...this.open(probability, timeMs, endMs, nearEnd));
    return events;
  }

  private dropBargeIn(p: BargeInCandidate, atMs: number): EndpointerEvent[] {
    this.toSilence();
    return p.paused ? [{ type: 'speech.dropped', onsetMs: p.firstMs, atMs }] : [];
  }

  /** Nothing going on any more: the utterance's partial transcript goes with it. */
  private toSilence(): void {
    this.phase = { kind: 'silence' };
    this.#turn.clear();
  }

  /** The utterance ended, or goes on (its new phase kept when `keep`). */
  private afterSpeech(step: SpeechStep, keep = true): EndpointerEvent[] {
    if (step.outcome === 'ended') {
      this.toSilence();
      return [step.event];
    }
    if (keep) this.phase = step.phase;
    return [];
  }

  private maybeStart(firstMs: number, endMs: number): EndpointerEvent[] {
    if (endMs - firstMs < this.config.minSpeechMs) return [];
    return this.start(firstMs, endMs, false);
  }

  private start(firstMs: number, endMs: number, bargeIn: boolean): EndpointerEvent[] {
    const phase = newSpeechPhase(firstMs, endMs, this.config.preRollMs);
    this.phase = phase;
    return [
      { type: 'speech.start', startMs: phase.startMs, onsetMs: firstMs, atMs: endMs, bargeIn },
    ];
  }
}
