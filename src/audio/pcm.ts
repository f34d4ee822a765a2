/**
 * Conversions between 16-bit signed PCM (bytes or `Int16Array`) and Float32 samples in [-1, 1].
 *
 * Byte input may start at any offset: Buffers that come from sockets are often not 2-byte
 * aligned, so bytes are read with a `DataView` instead of an `Int16Array` view.
 *
 * @module
 */

/** Byte order of 16-bit PCM: `le` little endian (AudioSocket, WAV), `be` big endian (RTP L16). */
export type Endian = 'le' | 'be';

const SCALE_IN = 1 / 32768;

/**
 * Decodes 16-bit signed PCM bytes into Float32 samples in [-1, 1). A trailing odd byte is ignored.
 *
 * @example
 * ```ts
 * int16ToFloat32(Uint8Array.of(0x00, 0x40)); // Float32Array [0.5]
 * ```
 */
export function int16ToFloat32(bytes: Uint8Array, endian: Endian = 'le'): Float32Array {
  const n = bytes.byteLength >> 1;
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
  const little = endian === 'le';
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, little) * SCALE_IN;
  return out;
}

/** Clamps a float sample to [-1, 1] and scales it to the nearest 16-bit integer (NaN gives 0). */
function toInt16(x: number): number {
  if (Number.isNaN(x)) return 0;
  const v = Math.round(x * 32768);
  return Math.min(32767, Math.max(-32768, v));
}

/**
 * Encodes Float32 samples as 16-bit signed PCM bytes, clamped to [-1, 1] and rounded
 * (NaN becomes 0).
 *
 * @example
 * ```ts
 * float32ToInt16(Float32Array.of(0.5)); // <Buffer 00 40>
 * ```
 */
export function float32ToInt16(samples: Float32Array, endian: Endian = 'le'): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  if (endian === 'le') {
    for (let i = 0; i < samples.length; i++) out.writeInt16LE(toInt16(samples[i]!), i * 2);
  } else {
    for (let i = 0; i < samples.length; i++) out.writeInt16BE(toInt16(samples[i]!), i * 2);
  }
  return out;
}

/** Converts `Int16Array` samples to Float32 in [-1, 1). */
export function int16ArrayToFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! * SCALE_IN;
  return out;
}

/** Converts Float32 samples to `Int16Array`, clamped to [-1, 1] and rounded. */
export function float32ToInt16Array(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = toInt16(samples[i]!);
  return out;
}
