/**
 * One call's recording as a stereo WAV file written while the call goes on: the caller on the
 * left channel, the bot on the right, 16 kHz 16-bit, both placed on one clock (the call's
 * playback clock, in ms) so that what was said and what was played line up, with silence where
 * nobody spoke.
 *
 * Each 20 ms frame lands in the next free slot of its side, unless that slot is more than the
 * jitter allowance (100 ms) behind the slot of "now": then the side was silent (silence
 * suppression, the bot not speaking) and the frame lands at "now", leaving silence in the gap.
 * Frames that arrive a little late or in a burst are laid end to end, so jitter never punches
 * holes into speech. Frames are kept in memory for a short lag (200 ms) and then written in one interleaved block per second, in order, on one chain of
 * writes: no synchronous I/O and no write per frame. The header is written first with a length
 * of zero and rewritten on {@link StereoRecording.stop}; a file left by a crash is repaired by
 * `repairRecordings` (`recordings.ts`).
 *
 * A failed write (disk full, folder gone) or a disk too slow to keep up ends the recording, not
 * the call: `onError` is told once and later frames are dropped.
 *
 * @module
 */

import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WAV_HEADER_BYTES, wavHeader } from '../audio/wav.js';
import { StorageError } from '../errors.js';

/** Sample rate of every recording. */
export const RECORDING_SAMPLE_RATE = 16_000;
const FRAME_MS = 20;
const FRAME_SAMPLES = 320;
const FRAME_BYTES = FRAME_SAMPLES * 2;
const STEREO_FRAME_BYTES = FRAME_BYTES * 2;

/** Options of {@link StereoRecording}. */
export interface StereoRecordingOptions {
  /** Where the WAV goes (its folder is created). */
  file: string;
  /** The clock both sides are placed on, ms (the call's playback clock). */
  now: () => number;
  /** Frames are held this long before they are written, ms (default 200). */
  lagMs?: number;
  /** A side this far behind "now" was silent rather than late, ms (default 100, under `lagMs`). */
  jitterMs?: number;
  /** Write a block once this much audio is due, ms (default 1000). */
  blockMs?: number;
  /** Most bytes waiting for the disk before the recording gives up (default 8 MiB). */
  maxQueuedBytes?: number;
  /** Told once when the recording fails. */
  onError?: (err: Error) => void;
}

/** What a stopped recording holds. */
export interface RecordingSummary {
  /** Bytes of audio data (without the header). */
  dataBytes: number;
  /** Length of the recording, ms. */
  durationMs: number;
  /** False when a write failed (the file holds what was written before). */
  ok: boolean;
}

type Side = 0 | 1;

/** A frame's samples as a 16-bit view (copied when the frame is not 2-byte aligned). */
function samplesOf(frame: Buffer): Int16Array {
  const bytes = frame.byteOffset % 2 === 0 ? frame : Buffer.from(frame);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
}

/**
 * A stereo recording being written.
 *
 * @example
 * ```ts
 * const rec = new StereoRecording({ file, now: () => playback.now() });
 * media.on('audio', (f) => rec.caller(f));
 * playback.on('frame', (f) => rec.bot(f));
 * const { durationMs } = await rec.stop();
 * ```
 */
export class StereoRecording {
  readonly file: string;
  readonly #now: () => number;
  readonly #lagFrames: number;
  readonly #jitterFrames: number;
  readonly #blockFrames: number;
  readonly #maxQueued: number;
  readonly #onError: ((err: Error) => void) | undefined;
  readonly #startMs: number;
  readonly #pending: [Map<number, Buffer>, Map<number, Buffer>] = [new Map(), new Map()];
  readonly #next: [number, number] = [0, 0];
  #written = 0;
  #queuedBytes = 0;
  #dataBytes = 0;
  #handle: Promise<FileHandle>;
  #chain: Promise<unknown>;
  #failed: Error | undefined;
  #state: 'recording' | 'stopping' | 'done' = 'recording';

  constructor(options: StereoRecordingOptions) {
    this.file = options.file;
    this.#now = options.now;
    this.#lagFrames = Math.ceil((options.lagMs ?? 200) / FRAME_MS);
    this.#jitterFrames = Math.min(
      Math.floor((options.jitterMs ?? 100) / FRAME_MS),
      Math.max(0, this.#lagFrames - 1),
    );
    this.#blockFrames = Math.max(1, Math.round((options.blockMs ?? 1000) / FRAME_MS));
    this.#maxQueued = options.maxQueuedBytes ?? 8 * 1024 * 1024;
    this.#onError = options.onError;
    this.#startMs = options.now();
    this.#handle = mkdir(dirname(this.file), { recursive: true }).then(async () => {
      const handle = await open(this.file, 'w');
      await handle.write(wavHeader(0, RECORDING_SAMPLE_RATE, 2), 0, WAV_HEADER_BYTES, 0);
      return handle;
    });
    this.#chain = this.#handle.catch((err: unknown) => this.#fail(err));
  }

  /** True while frames are taken. */
  get recording(): boolean {
    return this.#state === 'recording' && !this.#failed;
  }

  /** Bytes of audio written so far (without the header). */
  get dataBytes(): number {
    return this.#dataBytes;
  }

  /** The error that ended the recording, if one did. */
  get error(): Error | undefined {
    return this.#failed;
  }

  /** One 20 ms frame of the caller (slin16 LE, 640 bytes). */
  caller(frame: Buffer): void {
    this.#put(0, frame);
  }

  /** One 20 ms frame the bot sent (slin16 LE, 640 bytes). */
  bot(frame: Buffer): void {
    this.#put(1, frame);
  }

  /**
   * Writes what is left (the recording lasts until now), fixes the header and closes the file.
   * Idempotent; never throws.
   */
  async stop(): Promise<RecordingSummary> {
    if (this.#state === 'recording') {
      this.#state = 'stopping';
      if (!this.#failed) {
        const end = Math.max(this.#next[0], this.#next[1], this.#nowFrame());
        this.#flush(end);
      }
      this.#chain = this.#chain.then(() => this.#close(true));
    }
    await this.#chain;
    this.#state = 'done';
    return {
      dataBytes: this.#dataBytes,
      durationMs: (this.#dataBytes / STEREO_FRAME_BYTES) * FRAME_MS,
      ok: !this.#failed,
    };
  }

  /** Stops without keeping anything: the file is deleted (the caller opted out). */
  async discard(): Promise<void> {
    if (this.#state === 'recording') {
      this.#state = 'stopping';
      this.#pending[0].clear();
      this.#pending[1].clear();
      this.#chain = this.#chain.then(() => this.#close(false));
    }
    await this.#chain;
    this.#state = 'done';
    await rm(this.file, { force: true }).catch(() => undefined);
  }

  #nowFrame(): number {
    return Math.max(0, Math.floor((this.#now() - this.#startMs) / FRAME_MS));
  }

  #put(side: Side, frame: Buffer): void {
    if (this.#state !== 'recording' || this.#failed) return;
    const now = this.#nowFrame();
    const next = this.#next[side];
    const slot = Math.max(next < now - this.#jitterFrames ? now : next, this.#written);
    this.#pending[side].set(slot, frame);
    this.#next[side] = slot + 1;
    const due = now - this.#lagFrames;
    if (due - this.#written >= this.#blockFrames) this.#flush(due);
  }

  /** Interleaves frames [written, end) into one block and queues its write. */
  #flush(end: number): void {
    const frames = end - this.#written;
    if (frames <= 0) return;
    const block = Buffer.alloc(frames * STEREO_FRAME_BYTES);
    // Little-endian samples on a little-endian machine: interleave through 16-bit views.
    const out = new Int16Array(block.buffer, block.byteOffset, block.length >> 1);
    for (let f = 0; f < frames; f++) {
      const index = this.#written + f;
      for (const side of [0, 1] as const) {
        const frame = this.#pending[side].get(index);
        if (!frame) continue;
        this.#pending[side].delete(index);
        const samples = samplesOf(frame);
        const base = f * FRAME_SAMPLES * 2 + side;
        const n = Math.min(FRAME_SAMPLES, samples.length);
        for (let i = 0; i < n; i++) out[base + i * 2] = samples[i]!;
      }
    }
    this.#written = end;
    this.#queuedBytes += block.length;
    if (this.#queuedBytes > this.#maxQueued) {
      this.#fail(new Error(`the disk is too slow: ${this.#queuedBytes} bytes waiting`));
      return;
    }
    this.#chain = this.#chain.then(async () => {
      if (this.#failed) return;
      try {
        const handle = await this.#handle;
        await handle.write(block, 0, block.length, WAV_HEADER_BYTES + this.#dataBytes);
        this.#dataBytes += block.length;
      } catch (err) {
        this.#fail(err);
      } finally {
        this.#queuedBytes -= block.length;
      }
    });
  }

  async #close(fixHeader: boolean): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await this.#handle;
    } catch {
      return;
    }
    try {
      if (fixHeader) {
        const header = wavHeader(this.#dataBytes, RECORDING_SAMPLE_RATE, 2);
        await handle.write(header, 0, WAV_HEADER_BYTES, 0);
      }
    } catch (err) {
      this.#fail(err);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  #fail(err: unknown): void {
    if (this.#failed) return;
    const message = err instanceof Error ? err.message : String(err);
    this.#failed = new StorageError('recording', `${this.file}: ${message}`, { cause: err });
    this.#pending[0].clear();
    this.#pending[1].clear();
    this.#onError?.(this.#failed);
  }
}
