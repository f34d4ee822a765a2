/**
 * Cuts a byte stream that arrives in arbitrary pieces (socket reads) into fixed-size frames,
 * such as the 20 ms frames of the media path.
 *
 * @module
 */

/**
 * Number of whole frames in `bytes` (a byte count or a buffer).
 *
 * @example
 * ```ts
 * frameCount(1000, 320); // 3
 * ```
 */
export function frameCount(
  bytes: number | { readonly byteLength: number },
  frameBytes: number,
): number {
  const n = typeof bytes === 'number' ? bytes : bytes.byteLength;
  if (!(frameBytes > 0)) throw new RangeError(`frameBytes must be positive, got ${frameBytes}`);
  return Math.floor(n / frameBytes);
}

/**
 * Collects chunks of any size and hands out whole frames of `frameBytes` bytes. Every returned
 * frame is a fresh Buffer that owns its memory, so callers may keep it after the chunk is reused.
 *
 * @example
 * ```ts
 * const frames = new FrameAssembler(640);
 * socket.on('data', (chunk) => { for (const f of frames.push(chunk)) onFrame(f); });
 * ```
 */
export class FrameAssembler {
  readonly frameBytes: number;
  readonly #pending: Buffer;
  #pendingBytes = 0;

  constructor(frameBytes: number) {
    if (!(Number.isInteger(frameBytes) && frameBytes > 0)) {
      throw new RangeError(`frameBytes must be a positive integer, got ${frameBytes}`);
    }
    this.frameBytes = frameBytes;
    this.#pending = Buffer.alloc(frameBytes);
  }

  /** Bytes held back, waiting for the rest of their frame. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /** Adds a chunk; returns the frames it completed, in order (possibly none). */
  push(chunk: Uint8Array): Buffer[] {
    const frames: Buffer[] = [];
    const size = this.frameBytes;
    let offset = 0;
    if (this.#pendingBytes > 0) {
      const take = Math.min(size - this.#pendingBytes, chunk.byteLength);
      this.#pending.set(chunk.subarray(0, take), this.#pendingBytes);
      this.#pendingBytes += take;
      offset = take;
      if (this.#pendingBytes < size) return frames;
      frames.push(Buffer.from(this.#pending));
      this.#pendingBytes = 0;
    }
    while (chunk.byteLength - offset >= size) {
      frames.push(Buffer.from(chunk.subarray(offset, offset + size)));
      offset += size;
    }
    if (offset < chunk.byteLength) {
      this.#pending.set(chunk.subarray(offset), 0);
      this.#pendingBytes = chunk.byteLength - offset;
    }
    return frames;
  }

  /**
   * Returns the partial frame held back and resets: zero-padded to a whole frame when `pad` is
   * true, else just the held bytes. Undefined when nothing is held.
   */
  flush(pad = false): Buffer | undefined {
    const n = this.#pendingBytes;
    if (n === 0) return undefined;
    this.#pendingBytes = 0;
    if (!pad) return Buffer.from(this.#pending.subarray(0, n));
    const frame = Buffer.alloc(this.frameBytes);
    this.#pending.copy(frame, 0, 0, n);
    return frame;
  }
}
