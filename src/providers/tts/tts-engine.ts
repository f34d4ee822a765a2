/**
 * The text-to-speech engine interface.
 *
 * @module
 */
import type { MediaFormat } from '../../audio/format.js';

/** One synthesis request. */
export interface TtsRequest {
  text: string;
  /** ISO 639-1 code; engines pick a voice for it unless `voice` is set. */
  language: string;
  voice?: string;
  /** Audio is delivered ready to send in this format. */
  format: MediaFormat;
  signal?: AbortSignal;
  /**
   * The caller is waiting for this audio now (an answer's first sentence, a filler): engines
   * with their own threads synthesize its first part ahead of work that is not urgent.
   */
  urgent?: boolean;
}

/** Turns text into audio in the call's media format, streamed in chunks. */
export interface TtsEngine {
  readonly name: string;
  /** The voice that would be used for a language (part of cache keys). */
  voiceFor(language: string, voice?: string): string;
  /** Streams wire-format audio (slin16 little-endian, or mu-law bytes). */
  synthesize(request: TtsRequest): AsyncIterable<Buffer>;
  /**
   * Syntheses queued or running on this engine's own threads, when it has any (espeak-ng);
   * background work waits while it is above zero.
   */
  readonly pending?: number;
}
