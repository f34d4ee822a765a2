/**
 * The speech-to-text engine interface. Engines are chosen per call by a feature flag.
 *
 * @module
 */

/** One utterance to transcribe: 16 kHz mono Float32 samples in [-1, 1]. */
export interface SttRequest {
  audio: Float32Array;
  /** ISO 639-1 code, or undefined to detect. */
  language?: string;
  signal?: AbortSignal;
  /**
   * Text known for this audio (simulator `--stt=script` only). Engines other than `script`
   * ignore it.
   */
  scriptText?: string;
}

/** A final transcript. */
export interface SttResult {
  text: string;
  language?: string;
  /** Name of the engine that produced it, for metrics and the cost ledger. */
  engine: string;
  /** Seconds of audio billed (for the cost ledger). */
  audioSeconds: number;
}

/** Turns an utterance into text. */
export interface SttEngine {
  readonly name: string;
  transcribe(request: SttRequest): Promise<SttResult>;
}
