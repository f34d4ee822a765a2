/**
 * Trimming the silence a synthesizer leaves at the end of a phrase.
 *
 * espeak-ng ends every phrase with 250-330 ms of silence. Between two sentences of one answer
 * that pause sounds natural, but after a filler it is dead air the answer has to wait through
 * (the answer joins a filler at its end). Keeping a short tail makes the join sound like one
 * speaker pausing briefly.
 *
 * @module
 */

/** Options of {@link trimTrailingSilence}. */
export interface TrimOptions {
  /** Sample rate of `samples`. */
  sampleRate: number;
  /** Absolute amplitude (of 1.0) below which a sample is silence (default 0.01, about -40 dBFS). */
  threshold?: number;
  /** Silence kept after the last sound, ms (default 60). */
  keepMs?: number;
}

/**
 * Returns `samples` without its trailing silence beyond `keepMs` (a view, not a copy). Audio
 * that is all silence is returned unchanged.
 *
 * @example
 * ```ts
 * const tight = trimTrailingSilence(samples, { sampleRate: 22_050 });
 * ```
 */
export function trimTrailingSilence(samples: Float32Array, options: TrimOptions): Float32Array {
  const threshold = options.threshold ?? 0.01;
  const keep = Math.round(((options.keepMs ?? 60) * options.sampleRate) / 1000);
  let last = samples.length - 1;
  while (last >= 0 && Math.abs(samples[last] as number) < threshold) last--;
  if (last < 0) return samples;
  return samples.subarray(0, Math.min(samples.length, last + 1 + keep));
}
