/**
 * The parameters of answering-machine detection, named and defaulted as Asterisk's `AMD()`
 * application and its `amd.conf` (times in ms, the silence threshold in 16-bit sample units).
 *
 * @module
 */

import { ConfigError } from '../../errors.js';

/** Parameters of {@link AnsweringMachineDetector}, as Asterisk's `AMD()` names them. */
export interface AmdParams {
  /** Longest silence before the greeting starts; longer means MACHINE (`INITIALSILENCE`). */
  initialSilenceMs: number;
  /** Longest greeting (voice, summed); longer means MACHINE (`LONGGREETING`). */
  greetingMs: number;
  /** Silence after a greeting that means HUMAN (`HUMAN`). */
  afterGreetingSilenceMs: number;
  /** Longest analysis; past it the answer is NOTSURE (`TOOLONG`). */
  totalAnalysisTimeMs: number;
  /** Shortest run of voice that counts as a word. */
  minimumWordLengthMs: number;
  /** Shortest silence that ends a word. */
  betweenWordsSilenceMs: number;
  /** More words than this means MACHINE (`MAXWORDS`). */
  maximumNumberOfWords: number;
  /** Mean absolute sample value (0..32767) under which a frame is silence. */
  silenceThreshold: number;
  /** Longest single word; longer means MACHINE (`MAXWORDLENGTH`). */
  maximumWordLengthMs: number;
}

/** Asterisk's defaults (app_amd.c, amd.conf.sample). */
export const AMD_DEFAULTS: Readonly<AmdParams> = Object.freeze({
  initialSilenceMs: 2500,
  greetingMs: 1500,
  afterGreetingSilenceMs: 800,
  totalAnalysisTimeMs: 5000,
  minimumWordLengthMs: 100,
  betweenWordsSilenceMs: 50,
  maximumNumberOfWords: 2,
  silenceThreshold: 256,
  maximumWordLengthMs: 5000,
});

const ORDER: ReadonlyArray<keyof AmdParams> = [
  'initialSilenceMs',
  'greetingMs',
  'afterGreetingSilenceMs',
  'totalAnalysisTimeMs',
  'minimumWordLengthMs',
  'betweenWordsSilenceMs',
  'maximumNumberOfWords',
  'silenceThreshold',
  'maximumWordLengthMs',
];

/** `params` over the defaults, checked: every value a finite number >= 0 (words >= 1). */
export function amdParams(params: Partial<AmdParams> = {}): AmdParams {
  const out = { ...AMD_DEFAULTS, ...params };
  for (const key of ORDER) {
    const v = out[key];
    if (!Number.isFinite(v) || v < 0) {
      throw new ConfigError(`AMD parameter ${key} must be a number >= 0, got ${v}`);
    }
  }
  if (out.maximumNumberOfWords < 1) {
    throw new ConfigError('AMD parameter maximumNumberOfWords must be at least 1');
  }
  return out;
}

/**
 * Parameters from the argument string of a dialplan `AMD()` call, in its order
 * (`initialSilence,greeting,afterGreetingSilence,totalAnalysisTime,minimumWordLength,
 * betweenWordsSilence,maximumNumberOfWords,silenceThreshold,maximumWordLength`); empty
 * positions keep the default.
 *
 * @example
 * ```ts
 * amdParamsFromDialplan('2500,1500,300,5000,120,50,4,384');
 * ```
 */
export function amdParamsFromDialplan(args: string): AmdParams {
  const parts = args.split(',').map((s) => s.trim());
  if (parts.length > ORDER.length) {
    throw new ConfigError(`AMD() takes at most ${ORDER.length} numbers, got ${parts.length}`);
  }
  const given: Partial<AmdParams> = {};
  parts.forEach((part, i) => {
    if (part === '') return;
    const key = ORDER[i]!;
    const n = Number(part);
    if (!Number.isInteger(n))
      throw new ConfigError(`AMD() argument ${key} is not an integer: ${part}`);
    given[key] = n;
  });
  return amdParams(given);
}
