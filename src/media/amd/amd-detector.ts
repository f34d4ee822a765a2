/**
 * Answering-machine detection on the first seconds of an answered outbound call, by the same
 * rules as Asterisk's `AMD()`: frames are voice or silence by their mean absolute level; runs
 * of voice long enough are words; a callee who says a short greeting and then waits is a person
 * (HUMAN), one who talks long, says many words or waits long before speaking is a machine
 * (MACHINE), and one still undecided when the analysis time runs out is NOTSURE. The result
 * carries Asterisk's cause string (`LONGGREETING-1520-1500`, `HUMAN-800-800`, ...).
 *
 * It costs a few operations per sample, so it runs on the media path of the call (20 ms
 * frames) without a worker. Time is audio time: the frames pushed, plus {@link
 * AnsweringMachineDetector.silence} for stretches with no frames (silence suppression, DTX).
 *
 * @example
 * ```ts
 * const amd = new AnsweringMachineDetector({ afterGreetingSilenceMs: 700 });
 * media.on('audio', (frame) => {
 *   const result = amd.push(samplesOf(frame));
 *   if (result) decide(result.status, result.cause);
 * });
 * ```
 *
 * @module
 */

import { type AmdParams, amdParams } from './amd-params.js';
import { type Beep, BeepDetector, type BeepDetectorOptions } from './beep-detector.js';
import { NoiseFloor, type NoiseFloorOptions } from './noise-floor.js';
import { meanAbs } from './tone-math.js';

/** What the detector concluded, as Asterisk's `AMDSTATUS`. */
export type AmdStatus = 'MACHINE' | 'HUMAN' | 'NOTSURE' | 'HANGUP';

/** The rule that decided, as the first word of Asterisk's `AMDCAUSE`. */
export type AmdCauseKind =
  | 'INITIALSILENCE'
  | 'HUMAN'
  | 'LONGGREETING'
  | 'MAXWORDLENGTH'
  | 'MAXWORDS'
  | 'TOOLONG'
  | 'NOAUDIODATA'
  | 'HANGUP'
  /** voxstate only (option `beep`): a voicemail beep ended before any other rule decided. */
  | 'BEEP';

/** The detector's decision. */
export interface AmdResult {
  status: AmdStatus;
  /** Asterisk's `AMDCAUSE`, e.g. `LONGGREETING-1520-1500`. */
  cause: string;
  causeKind: AmdCauseKind;
  /** Audio time of the decision, ms since the first frame. */
  atMs: number;
  /** Words counted. */
  words: number;
  /** Voice heard, ms. */
  voiceMs: number;
}

/** Options of {@link AnsweringMachineDetector}. */
export interface AmdOptions {
  /** Sample rate of the pushed samples; default 16000. */
  sampleRate?: number;
  /**
   * Also treat frames near the line's noise floor as silence (see noise-floor.ts), so that hiss
   * over `silenceThreshold` is not taken for speech. Default off: Asterisk's fixed threshold.
   */
  noiseFloor?: boolean | NoiseFloorOptions;
  /**
   * Also listen for a voicemail beep (see beep-detector.ts) while undecided: a beep means
   * MACHINE at once (cause `BEEP-<hz>-<ms>`), which catches greetings short enough to pass for
   * a person. Default off: Asterisk's rules only.
   */
  beep?: boolean | BeepDetectorOptions;
}

/** One callee's answering-machine detection; push frames until it returns a result. */
export class AnsweringMachineDetector {
  readonly params: AmdParams;
  readonly #rate: number;
  readonly #floor: NoiseFloor | undefined;
  readonly #beeps: BeepDetector | undefined;
  #beep: Beep | undefined;
  #result: AmdResult | undefined;
  #totalMs = 0;
  #frames = 0;
  #silenceMs = 0;
  #consecutiveVoiceMs = 0;
  #voiceMs = 0;
  #words = 0;
  #inWord = true;
  #inInitialSilence = true;
  #inGreeting = false;

  constructor(params: Partial<AmdParams> = {}, options: AmdOptions = {}) {
    this.params = amdParams(params);
    this.#rate = options.sampleRate ?? 16_000;
    const floor = options.noiseFloor;
    this.#floor = floor ? new NoiseFloor(floor === true ? {} : floor) : undefined;
    const beep = options.beep;
    this.#beeps = beep
      ? new BeepDetector({ ...(beep === true ? {} : beep), sampleRate: this.#rate })
      : undefined;
  }

  /** The beep that decided (cause `BEEP`), if one did. */
  get beep(): Beep | undefined {
    return this.#beep;
  }

  /** The decision, once made. */
  get result(): AmdResult | undefined {
    return this.#result;
  }

  /** Audio time analysed so far, ms. */
  get elapsedMs(): number {
    return this.#totalMs;
  }

  /** Analyses one frame (typically 20 ms); returns the decision once made (and after). */
  push(samples: Int16Array): AmdResult | undefined {
    if (this.#result) return this.#result;
    const ms = (samples.length * 1000) / this.#rate;
    this.#frames++;
    const beep = this.#beeps?.push(samples);
    if (beep) {
      this.#beep = beep;
      this.#totalMs += ms;
      return this.#decide('MACHINE', 'BEEP', `BEEP-${beep.hz}-${beep.endMs - beep.startMs}`);
    }
    const level = meanAbs(samples);
    const threshold = Math.max(this.params.silenceThreshold, this.#floor?.add(level, ms) ?? 0);
    return level < threshold ? this.#silent(ms) : this.#voice(ms);
  }

  /** `ms` passed without frames (silence suppression, DTX): silence, as Asterisk counts CNG. */
  silence(ms: number): AmdResult | undefined {
    if (this.#result || ms <= 0) return this.#result;
    return this.#silent(ms);
  }

  /** The callee hung up before a decision: HANGUP. */
  hangup(): AmdResult {
    return this.#result ?? this.#decide('HANGUP', 'HANGUP', 'HANGUP');
  }

  #silent(ms: number): AmdResult | undefined {
    const p = this.params;
    if (this.#tooLong(ms)) return this.#result;
    this.#silenceMs += ms;
    if (this.#silenceMs >= p.betweenWordsSilenceMs) {
      this.#inWord = false;
      this.#consecutiveVoiceMs = 0;
    }
    if (this.#inInitialSilence && this.#silenceMs >= p.initialSilenceMs) {
      const cause = `INITIALSILENCE-${this.#silenceMs}-${p.initialSilenceMs}`;
      return this.#decide('MACHINE', 'INITIALSILENCE', cause);
    }
    if (this.#inGreeting && this.#silenceMs >= p.afterGreetingSilenceMs) {
      return this.#decide('HUMAN', 'HUMAN', `HUMAN-${this.#silenceMs}-${p.afterGreetingSilenceMs}`);
    }
    return undefined;
  }

  #voice(ms: number): AmdResult | undefined {
    const p = this.params;
    if (this.#tooLong(ms)) return this.#result;
    this.#consecutiveVoiceMs += ms;
    this.#voiceMs += ms;
    if (this.#consecutiveVoiceMs >= p.minimumWordLengthMs && !this.#inWord) {
      this.#words++;
      this.#inWord = true;
    }
    if (this.#consecutiveVoiceMs >= p.maximumWordLengthMs) {
      return this.#decide('MACHINE', 'MAXWORDLENGTH', `MAXWORDLENGTH-${this.#consecutiveVoiceMs}`);
    }
    if (this.#words > p.maximumNumberOfWords) {
      const cause = `MAXWORDS-${this.#words}-${p.maximumNumberOfWords}`;
      return this.#decide('MACHINE', 'MAXWORDS', cause);
    }
    if (this.#inGreeting && this.#voiceMs >= p.greetingMs) {
      return this.#decide(
        'MACHINE',
        'LONGGREETING',
        `LONGGREETING-${this.#voiceMs}-${p.greetingMs}`,
      );
    }
    // A short click does not end a silence; enough voice (summed) does.
    if (this.#voiceMs >= p.minimumWordLengthMs) this.#silenceMs = 0;
    if (this.#consecutiveVoiceMs >= p.minimumWordLengthMs && !this.#inGreeting) {
      this.#inInitialSilence = false;
      this.#inGreeting = true;
    }
    return undefined;
  }

  /** Counts `ms` of analysis time; past the total, decides NOTSURE. */
  #tooLong(ms: number): boolean {
    this.#totalMs += ms;
    if (this.#totalMs < this.params.totalAnalysisTimeMs) return false;
    if (this.#voiceMs === 0 && this.#frames === 0) {
      this.#decide('NOTSURE', 'NOAUDIODATA', `NOAUDIODATA-${this.#totalMs}`);
    } else {
      this.#decide('NOTSURE', 'TOOLONG', `TOOLONG-${this.#totalMs}`);
    }
    return true;
  }

  #decide(status: AmdStatus, causeKind: AmdCauseKind, cause: string): AmdResult {
    this.#result = {
      status,
      cause,
      causeKind,
      atMs: this.#totalMs,
      words: this.#words,
      voiceMs: this.#voiceMs,
    };
    return this.#result;
  }
}
