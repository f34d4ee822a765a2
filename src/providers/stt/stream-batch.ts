/**
 * Batch transcription on a streaming engine: the whole utterance is pushed at once and
 * flushed. This is how a streaming engine serves today's `transcribe` actor, which hands over
 * the utterance at the end of speech.
 *
 * @module
 */
import type { StreamingSttEngine, SttRequest, SttResult } from './stt-engine.js';

/** Audio per pushed chunk (100 ms at 16 kHz), the size a live caller's audio arrives in. */
const CHUNK_SAMPLES = 1_600;

/** Streams `request.audio` to `engine` in 100 ms chunks and returns the final transcript. */
export async function transcribeByStream(
  engine: StreamingSttEngine,
  request: SttRequest,
): Promise<SttResult> {
  const stream = engine.openStream({
    ...(request.language ? { language: request.language } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  for (let at = 0; at < request.audio.length; at += CHUNK_SAMPLES) {
    stream.push(request.audio.subarray(at, at + CHUNK_SAMPLES));
  }
  return stream.finish();
}
