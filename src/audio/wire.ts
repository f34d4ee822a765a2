/**
 * Conversion between the runtime's Float32 audio and the bytes of a call's media format:
 * `slin16` (16 kHz signed 16-bit little-endian PCM) and `ulaw` (8 kHz G.711 mu-law).
 *
 * The one-shot functions treat their input as a whole clip (the resampler's edges read zeros).
 * For a continuous stream cut into frames, use {@link WireEncoder} and {@link WireDecoder}, which
 * carry the resampler's state across frames.
 *
 * @module
 */

import { formatInfo, type MediaFormat } from './format.js';
import { ulawDecode, ulawEncode } from './g711.js';
import {
  type Endian,
  float32ToInt16,
  float32ToInt16Array,
  int16ArrayToFloat32,
  int16ToFloat32,
} from './pcm.js';
import { Resampler, resample } from './resample.js';

/** Sample rate of the audio that `decodeFromWire` returns (what Whisper and the VAD take). */
export const WIRE_DECODE_RATE = 16_000;

function toBytes(samples: Float32Array, format: MediaFormat): Buffer {
  if (format === 'slin16') return float32ToInt16(samples, 'le');
  const codes = ulawEncode(float32ToInt16Array(samples));
  return Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength);
}

/**
 * Resamples `samples` from `sampleRate` to the format's rate and encodes them as its wire bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeForWire(ttsAudio, 24_000, 'ulaw'); // 8 kHz mu-law, 1 byte per sample
 * ```
 */
export function encodeForWire(
  samples: Float32Array,
  sampleRate: number,
  format: MediaFormat,
): Buffer {
  const rate = formatInfo(format).sampleRate;
  return toBytes(rate === sampleRate ? samples : resample(samples, sampleRate, rate), format);
}

/**
 * Decodes wire bytes to 16 kHz Float32 samples: `slin16` is read as 16-bit PCM in `endian`
 * order (little endian by default), `ulaw` is expanded and upsampled from 8 kHz.
 *
 * @example
 * ```ts
 * const audio = decodeFromWire(frame, 'ulaw'); // 160 bytes -> 320 samples at 16 kHz
 * ```
 */
export function decodeFromWire(
  bytes: Uint8Array,
  format: MediaFormat,
  endian: Endian = 'le',
): Float32Array {
  if (format === 'slin16') return int16ToFloat32(bytes, endian);
  return resample(
    int16ArrayToFloat32(ulawDecode(bytes)),
    formatInfo(format).sampleRate,
    WIRE_DECODE_RATE,
  );
}

/**
 * Streaming version of {@link encodeForWire}: push Float32 chunks at `sampleRate` (TTS output),
 * get wire bytes; `flush()` at the end of the utterance.
 */
export class WireEncoder {
  readonly format: MediaFormat;
  readonly #resampler: Resampler | undefined;

  constructor(sampleRate: number, format: MediaFormat) {
    this.format = format;
    const rate = formatInfo(format).sampleRate;
    this.#resampler = rate === sampleRate ? undefined : new Resampler(sampleRate, rate);
  }

  /** Encodes a chunk; returns the bytes that are ready (the resampler holds back a few ms). */
  push(samples: Float32Array): Buffer {
    return toBytes(this.#resampler ? this.#resampler.push(samples) : samples, this.format);
  }

  /** Returns the bytes held back by the resampler. */
  flush(): Buffer {
    return toBytes(this.#resampler ? this.#resampler.flush() : new Float32Array(0), this.format);
  }
}

/**
 * Streaming version of {@link decodeFromWire}: push wire frames, get 16 kHz Float32 samples with
 * no edge effects between frames; `flush()` at the end of the stream.
 */
export class WireDecoder {
  readonly format: MediaFormat;
  readonly #endian: Endian;
  readonly #resampler: Resampler | undefined;

  constructor(format: MediaFormat, endian: Endian = 'le') {
    this.format = format;
    this.#endian = endian;
    const rate = formatInfo(format).sampleRate;
    this.#resampler = rate === WIRE_DECODE_RATE ? undefined : new Resampler(rate, WIRE_DECODE_RATE);
  }

  /** Decodes a frame; returns the samples that are ready. */
  push(bytes: Uint8Array): Float32Array {
    if (this.format === 'slin16') return int16ToFloat32(bytes, this.#endian);
    const samples = int16ArrayToFloat32(ulawDecode(bytes));
    return this.#resampler ? this.#resampler.push(samples) : samples;
  }

  /** Returns the samples held back by the resampler. */
  flush(): Float32Array {
    return this.#resampler ? this.#resampler.flush() : new Float32Array(0);
  }
}
