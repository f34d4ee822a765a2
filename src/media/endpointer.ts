/**
 * End-of-utterance detection from voice activity probabilities: pure, deterministic logic fed
 * one (probability, time) pair per VAD window.
 *
 * - **Start**: a window at or above `threshold` opens a candidate; it becomes `speech.start` once
 *   the voice has lasted `minSpeechMs` without a window below `negThreshold` (hysteresis).
 *   Shorter blips (a click, a cough) are dropped.
 * - **End**: after speech, a window below `negThreshold` starts a silence; the required silence
 *   (`endSilenceMs`, or what an {@link EndOfTurnPolicy} says) gives `speech.end` (reason
 *   `silence`). A window at or above `threshold` cancels the silence. An utterance reaching
 *   `maxUtteranceMs` ends at once (reason `max_length`).
 * - **Time is the clock, not the frame count.** A caller's line may send nothing while the
 *   caller is silent (a Local channel between playbacks, SIP silence suppression or DTX). Window
 *   times are positions on the call's clock; a window that starts after the previous one ended
 *   means the time between had no audio, which counts as silence. When nothing arrives at all,
 *   the driver calls {@link Endpointer.advance} with the current time (at
 *   {@link Endpointer.nextDeadlineMs}), so the end of speech and the maximum-utterance cut come
 *   on time without a single frame.
 * - **Audio range**: `speech.start` and `speech.end` carry `startMs`, the candidate's first
 *   window minus `preRollMs` (never below 0), so the soft onset before the threshold is kept;
 *   `speech.end` carries `endMs`, the end of the last voiced window.
 * - **Echo cooldown and barge-in**: while the bot speaks, and for `echoCooldownMs` after it
 *   stops, the bot's own audio leaking back must not count as the caller. In that guard window a
 *   start needs every window at or above `bargeInThreshold` (not just above `negThreshold`) for
 *   `bargeInMinSpeechMs` (longer than `minSpeechMs`). Such a start is reported with
 *   `bargeIn: true`. Echo is usually quieter and less speech-like than a caller talking over the
 *   bot, and a real interruption lasts; the price is that a barge-in is recognized
 *   `bargeInMinSpeechMs` after it begins.
 *
 * All times are milliseconds on the call's media clock (audio positions and the wall clock in
 * one time base).
 *
 * @module
 */

/** Tuning of the {@link Endpointer}. */
export interface EndpointerConfig {
  /** Probability at or above which a window is voiced. Default 0.5. */
  threshold: number;
  /** Probability below which a window is silent (hysteresis). Default 0.35. */
  negThreshold: number;
  /** Voice needed before a start is reported. Default 200 ms. */
  minSpeechMs: number;
  /** Silence after speech that ends the utterance. Default 500 ms. */
  endSilenceMs: number;
  /** Longest utterance; it is cut here. Default 15000 ms. */
  maxUtteranceMs: number;
  /** Guard time after the bot stops speaking. Default 300 ms. */
  echoCooldownMs: number;
  /** Voice needed for a start while guarded (bot speaking or cooling down). Default 400 ms. */
  bargeInMinSpeechMs: number;
  /** Probability every window needs while guarded. Default 0.8. */
  bargeInThreshold: number;
  /** Audio kept before the first voiced window. Default 200 ms. */
  preRollMs: number;
  /** Duration of one window. Default 32 ms (512 samples at 16 kHz). */
  windowMs: number;
}

/** The defaults: Silero v5 windows, about 500 ms of end-of-speech silence. */
export const DEFAULT_ENDPOINTER_CONFIG: EndpointerConfig = {
  threshold: 0.5,
  negThreshold: 0.35,
  minSpeechMs: 200,
  endSilenceMs: 500,
  maxUtteranceMs: 15_000,
  echoCooldownMs: 300,
  bargeInMinSpeechMs: 400,
  bargeInThreshold: 0.8,
  preRollMs: 200,
  windowMs: 32,
};

/** The caller started speaking. */
export interface SpeechStartEvent {
  type: 'speech.start';
  /** Start of the utterance's audio, pre-roll included. */
  startMs: number;
  /** When the start was recognized (end of the window that confirmed it). */
  atMs: number;
  /** True when the bot was speaking or cooling down: the caller interrupts. */
  bargeIn: boolean;
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

/** What {@link Endpointer.push} can emit. */
export type EndpointerEvent = SpeechStartEvent | SpeechEndEvent;

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
 * between windows (a partial transcript arrived), the driver calls
 * {@link Endpointer.advance} and re-reads {@link Endpointer.nextDeadlineMs}.
 */
export interface EndOfTurnPolicy {
  /** Silence, ms, that ends the utterance in progress. */
  requiredSilenceMs(utterance: UtteranceProgress): number;
}

type Phase =
  | { kind: 'silence' }
  | { kind: 'candidate'; firstMs: number; guarded: boolean }
  | {
      kind: 'speech';
      startMs: number;
      voicedFromMs: number;
      voicedEndMs: number;
      silenceFromMs: number | undefined;
    };

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
  readonly #policy: EndOfTurnPolicy;
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
    this.#policy = policy ?? { requiredSilenceMs: () => c.endSilenceMs };
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

  /** True while a start would be treated as a barge-in (bot speaking or cooling down). */
  isGuarded(nowMs: number): boolean {
    return this.botSpeaking || nowMs < this.botStoppedAtMs + this.config.echoCooldownMs;
  }

  /**
   * Feeds one window: its speech probability and its start on the media clock. A start later
   * than the previous window's end means no audio came in between: that time is silence.
   * Returns the events it caused (usually none).
   */
  push(probability: number, timeMs: number): EndpointerEvent[] {
    const events = timeMs > this.heardUntilMs ? this.silenceUntil(timeMs, true) : [];
    const endMs = timeMs + this.config.windowMs;
    this.heardUntilMs = Math.max(this.heardUntilMs, endMs);
    events.push(...this.window(probability, timeMs, endMs));
    return events;
  }

  /**
   * Nothing was heard after the last window up to `nowMs`: if that silence (or the utterance's
   * length) has reached its limit, returns the `speech.end`. Call it when no audio arrives, at
   * {@link nextDeadlineMs}; calling it earlier or more often is harmless.
   */
  advance(nowMs: number): EndpointerEvent[] {
    return nowMs > this.heardUntilMs ? this.silenceUntil(nowMs, false) : [];
  }

  /**
   * When {@link advance} would end the utterance in progress if nothing more is heard: the end
   * of the required silence or the maximum-utterance cut, whichever comes first. Undefined when
   * no utterance is in progress.
   */
  nextDeadlineMs(): number | undefined {
    const p = this.phase;
    if (p.kind !== 'speech') return undefined;
    const silenceFrom = p.silenceFromMs ?? this.heardUntilMs;
    return Math.min(
      silenceFrom + this.requiredSilence(p),
      p.voicedFromMs + this.config.maxUtteranceMs,
    );
  }

  /** Ends an utterance in progress (hang-up, end of stream); returns its `speech.end`, if any. */
  flush(nowMs: number): EndpointerEvent[] {
    const p = this.phase;
    this.phase = { kind: 'silence' };
    if (p.kind !== 'speech') return [];
    return [
      {
        type: 'speech.end',
        startMs: p.startMs,
        endMs: p.voicedEndMs,
        atMs: nowMs,
        reason: 'flush',
      },
    ];
  }

  /**
   * No audio from the last window's end to `toMs`. `commit`: audio resumes at `toMs`, so the
   * silence is part of the record (a candidate ends, an utterance's silence has begun).
   */
  private silenceUntil(toMs: number, commit: boolean): EndpointerEvent[] {
    const p = this.phase;
    if (p.kind === 'candidate') {
      if (commit) this.phase = { kind: 'silence' };
      return [];
    }
    if (p.kind !== 'speech') return [];
    const silenceFromMs = p.silenceFromMs ?? Math.max(this.heardUntilMs, p.voicedEndMs);
    const silenceEnd = silenceFromMs + this.requiredSilence(p);
    const maxEnd = p.voicedFromMs + this.config.maxUtteranceMs;
    if (maxEnd <= toMs && maxEnd < silenceEnd) {
      this.phase = { kind: 'silence' };
      const endMs = Math.min(maxEnd, p.voicedEndMs);
      return [{ type: 'speech.end', startMs: p.startMs, endMs, atMs: toMs, reason: 'max_length' }];
    }
    if (silenceEnd <= toMs) {
      this.phase = { kind: 'silence' };
      return [
        {
          type: 'speech.end',
          startMs: p.startMs,
          endMs: p.voicedEndMs,
          atMs: toMs,
          reason: 'silence',
        },
      ];
    }
    if (commit) this.phase = { ...p, silenceFromMs };
    return [];
  }

  private window(probability: number, timeMs: number, endMs: number): EndpointerEvent[] {
    const c = this.config;
    const p = this.phase;
    if (p.kind === 'silence') {
      if (probability >= c.threshold)
        return this.candidate(timeMs, endMs, probability, this.isGuarded(timeMs));
      return [];
    }
    if (p.kind === 'candidate') {
      const guarded = p.guarded || this.isGuarded(timeMs);
      const floor = guarded ? c.bargeInThreshold : c.negThreshold;
      if (probability < floor) {
        this.phase = { kind: 'silence' };
        // A guarded candidate that fails the strict test may still be an ordinary start later.
        return probability >= c.threshold && !this.isGuarded(timeMs)
          ? this.candidate(timeMs, endMs, probability, false)
          : [];
      }
      this.phase = { ...p, guarded };
      return this.maybeStart(endMs);
    }
    // speech
    if (endMs - p.voicedFromMs >= c.maxUtteranceMs) {
      this.phase = { kind: 'silence' };
      return [{ type: 'speech.end', startMs: p.startMs, endMs, atMs: endMs, reason: 'max_length' }];
    }
    if (
      probability >= c.threshold ||
      (p.silenceFromMs === undefined && probability >= c.negThreshold)
    ) {
      this.phase = { ...p, voicedEndMs: endMs, silenceFromMs: undefined };
      return [];
    }
    const silenceFromMs = p.silenceFromMs ?? timeMs;
    if (endMs - silenceFromMs >= this.requiredSilence(p)) {
      this.phase = { kind: 'silence' };
      return [
        {
          type: 'speech.end',
          startMs: p.startMs,
          endMs: p.voicedEndMs,
          atMs: endMs,
          reason: 'silence',
        },
      ];
    }
    this.phase = { ...p, silenceFromMs };
    return [];
  }

  private requiredSilence(p: Extract<Phase, { kind: 'speech' }>): number {
    return this.#policy.requiredSilenceMs({
      startMs: p.startMs,
      voicedMs: p.voicedEndMs - p.voicedFromMs,
      voicedEndMs: p.voicedEndMs,
    });
  }

  private candidate(
    timeMs: number,
    endMs: number,
    probability: number,
    guarded: boolean,
  ): EndpointerEvent[] {
    if (guarded && probability < this.config.bargeInThreshold) return [];
    this.phase = { kind: 'candidate', firstMs: timeMs, guarded };
    return this.maybeStart(endMs);
  }

  private maybeStart(endMs: number): EndpointerEvent[] {
    const p = this.phase;
    if (p.kind !== 'candidate') return [];
    const c = this.config;
    const needed = p.guarded ? c.bargeInMinSpeechMs : c.minSpeechMs;
    if (endMs - p.firstMs < needed) return [];
    const startMs = Math.max(0, p.firstMs - c.preRollMs);
    this.phase = {
      kind: 'speech',
      startMs,
      voicedFromMs: p.firstMs,
      voicedEndMs: endMs,
      silenceFromMs: undefined,
    };
    return [{ type: 'speech.start', startMs, atMs: endMs, bargeIn: p.guarded }];
  }
}
