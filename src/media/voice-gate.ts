/**
 * Which of the voice a detector hears on the caller's line is the caller's, window by window:
 * not the bot's own echo ({@link EchoGate}) and not the voices around the caller
 * ({@link CallerLevel}).
 *
 * - While the bot speaks (the endpointer is guarded), a window is the caller's only when it is
 *   louder than the bot's echo could be and less than the gate's margin under the caller's own
 *   level over 120 ms; the endpointer gets it as `nearEnd`, its barge-in rule.
 * - Otherwise a window far under the caller's level over {@link LISTEN_SPAN_MS} is silence to
 *   the endpointer: it neither starts an utterance nor holds one open.
 *
 * The caller's level is learned from the windows of their utterances said while the bot was
 * silent and accepted by the gate, and learned again when the gate has turned voice away for
 * long with none accepted (the caller's own voice dropped: a speakerphone).
 *
 * @module
 */
import { CallerLevel } from './caller-level.js';
import { EchoGate } from './echo-gate.js';

/**
 * Span of the caller's energy judged against their own level outside the bot's turn, ms: long
 * enough that a soft syllable between loud ones is still the caller's, short enough that voices
 * around them stop counting soon after the caller's last word.
 */
export const LISTEN_SPAN_MS = 320;

/** Options of {@link VoiceGate}. */
export interface VoiceGateOptions {
  /** The echo gate's margin under the bot's level, dB (`bargeInEchoLossDb`). */
  echoLossDb: number;
  /** The caller-level gate's margin, dB; 0: off (`callerLevelGateDb`). */
  callerLevelGateDb: number;
  /** Probability at or above which a window is voiced. */
  threshold: number;
  /** Duration of one window, ms. */
  windowMs: number;
  /** Seconds of voice taken for voices around the caller (a prom-client counter). */
  backgroundVoice?: { inc(value?: number): void };
  /** The caller's level was forgotten after long voice turned away (see `CallerLevel`). */
  onRelearn?: () => void;
}

/** What the endpointer is given for one window. */
export interface GatedWindow {
  /** The probability it hears: 0 for voices around the caller outside the bot's turn. */
  probability: number;
  /** The caller's own voice while guarded (see `Endpointer.push`). */
  nearEnd: boolean;
}

/** The voice gate of one call. */
export class VoiceGate {
  readonly #echo: EchoGate;
  readonly #level: CallerLevel;
  readonly #options: VoiceGateOptions;

  constructor(options: VoiceGateOptions) {
    this.#options = options;
    this.#echo = new EchoGate({ echoLossDb: options.echoLossDb, callerSpanMs: LISTEN_SPAN_MS });
    this.#level = new CallerLevel({ marginDb: options.callerLevelGateDb });
  }

  /** A caller frame of this energy ended at `atMs`. */
  caller(atMs: number, energy: number): void {
    this.#echo.caller(atMs, energy);
  }

  /** The bot sent a frame of this energy at `atMs`. */
  bot(atMs: number, energy: number): void {
    this.#echo.bot(atMs, energy);
  }

  /** Judges the window ending at `endMs` of probability `p`; `guarded`: the bot's turn. */
  judge(p: number, endMs: number, guarded: boolean): GatedWindow {
    const energy = this.#echo.callerEnergy(endMs) ?? 0;
    const theirs = this.#level.accepts(
      guarded ? energy : (this.#echo.callerEnergy(endMs, LISTEN_SPAN_MS) ?? 0),
    );
    const o = this.#options;
    if (p >= o.threshold) {
      if (!theirs) o.backgroundVoice?.inc(o.windowMs / 1000);
      if (!guarded && this.#level.heard(theirs, o.windowMs)) o.onRelearn?.();
    }
    return {
      probability: guarded || theirs ? p : 0,
      nearEnd: this.#echo.nearEnd(endMs) && (!guarded || theirs),
    };
  }

  /** The window ending at `endMs`, heard with `probability`, is the caller's own speech. */
  learn(endMs: number, probability: number): void {
    if (probability >= this.#options.threshold) {
      this.#level.learn(this.#echo.callerEnergy(endMs) ?? 0);
    }
  }

  /** The caller's audio at `atMs` against their own level, whole dB; undefined until learned. */
  relativeDb(atMs: number): number | undefined {
    const relative = this.#level.relativeDb(this.#echo.callerEnergy(atMs) ?? 0);
    return relative !== undefined && Number.isFinite(relative) ? Math.round(relative) : undefined;
  }
}
