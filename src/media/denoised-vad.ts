/**
 * Voice activity on denoised audio: a call's {@link NoiseSession} in front of its
 * {@link VadSession}, with the VAD session's `process` signature, so the endpointing actor's
 * `createVad` can hand it out for calls with noise suppression on and nothing else changes.
 *
 * The probabilities describe the audio {@link NOISE_LATENCY_MS} (25 ms) late; frames keep their
 * order (the noise session answers in order, and each answer goes to the VAD before the next).
 *
 * @module
 */
import { NOISE_LATENCY_MS, type NoiseSession } from './noise.js';
import type { VadSession } from './vad.js';

/**
 * A {@link VadSession} that hears the call through its noise suppressor.
 *
 * @example
 * ```ts
 * const createVad = () =>
 *   turnTaking.noiseSuppression
 *     ? new DenoisedVad(new NoiseSession(pools.noise), new VadSession(pools.vad))
 *     : new VadSession(pools.vad);
 * ```
 */
export class DenoisedVad implements Pick<VadSession, 'process'> {
  /** How late the audio the probabilities describe is, ms. */
  readonly latencyMs = NOISE_LATENCY_MS;
  /** Called with each denoised frame, in order (e.g. to keep it for speech-to-text). */
  onClean: ((samples: Float32Array) => void) | undefined;

  constructor(
    private readonly noise: Pick<NoiseSession, 'process'>,
    private readonly vad: Pick<VadSession, 'process'>,
  ) {}

  /**
   * Denoises one 16 kHz frame, then returns the speech probability of every VAD window it
   * completed.
   *
   * @throws what {@link NoiseSession.process} or {@link VadSession.process} throws.
   */
  async process(frame16k: Float32Array, signal?: AbortSignal): Promise<number[]> {
    const clean = await this.noise.process(frame16k, signal);
    this.onClean?.(clean);
    return this.vad.process(clean, signal);
  }
}
