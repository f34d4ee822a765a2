/**
 * Compact binary form of an embedding for Redis: the Float32 values as little-endian bytes
 * (4 bytes a dimension, 1,536 bytes for a 384-dimension vector). Float32 keeps the vector exactly
 * as the model produced it; float16 would halve the size but change cosine scores near the
 * threshold, for a saving that does not matter at knowledge-base query volumes.
 *
 * @module
 */
import { endianness } from 'node:os';
import { ParseError } from '../errors.js';

const LITTLE = endianness() === 'LE';

/** Encodes a vector as Float32 little-endian bytes. */
export function encodeVector(vector: Float32Array): Buffer {
  if (LITTLE)
    return Buffer.from(
      vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength),
    );
  const out = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) out.writeFloatLE(vector[i] ?? 0, i * 4);
  return out;
}

/**
 * Decodes bytes written by {@link encodeVector}.
 *
 * @throws {ParseError} when the length is not a whole number of Float32 values or does not match
 * `dimensions`.
 */
export function decodeVector(bytes: Buffer, dimensions?: number): Float32Array {
  if (bytes.length % 4 !== 0 || (dimensions !== undefined && bytes.length !== dimensions * 4)) {
    throw new ParseError(
      'embedding-cache',
      `vector of ${bytes.length} bytes, expected ${dimensions ?? 'n'} x 4`,
    );
  }
  const out = new Float32Array(bytes.length / 4);
  if (LITTLE) {
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
