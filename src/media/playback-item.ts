/**
 * One audio item of a call's playback queue (a filler phrase, an answer chunk, a prompt): it
 * cuts the wire bytes it is fed into whole frames, pads the last one with silence, and tells its
 * queue when it has audio or is cancelled. The queue that plays items is in `playback-queue.ts`.
 *
 * @module
 */
import { formatInfo, type MediaFormat } from '../audio/format.js';

/** What an item is; fillers join answers at phrase boundaries. */
export type PlaybackKind = 'filler' | 'answer' | 'prompt';

/**
 * How an item ended: `played` to its last frame, `cancelled` by its owner, `stopped` by
 * `stopAll()` (barge-in, hang-up), `skipped` (a filler phrase an answer overtook).
 */
export type PlaybackEndReason = 'played' | 'cancelled' | 'stopped' | 'skipped';

/** How an answer joins a filler that is playing: at its next phrase boundary, or after it all. */
export type FillerJoin = 'boundary' | 'after';

/** Options of one item. */
export interface PlaybackItemOptions {
  /** False keeps the item through a barge-in `stopAll()` (default true). */
  interruptible?: boolean;
  /** A name for logs (phrase key, sentence number). */
  label?: string;
  /** When its first frame has been sent. */
  onStart?: () => void;
  /** When it ended, for any reason. */
  onEnd?: (reason: PlaybackEndReason) => void;
}

/** @internal What an item needs from the queue that plays it. */
export interface PlaybackItemHost {
  readonly format: MediaFormat;
  /** The item got audio or its last frame: playback may start. */
  wake(): void;
  /** The item's owner cancelled it. */
  cancelItem(item: PlaybackItem, finishCurrent: boolean): void;
}

/** One audio item of the queue; fed with {@link PlaybackItem.append} until {@link PlaybackItem.end}. */
export class PlaybackItem {
  readonly id: number;
  readonly kind: PlaybackKind;
  readonly interruptible: boolean;
  readonly label: string | undefined;
  /** `queued`, `playing`, then `ended`. */
  state: 'queued' | 'playing' | 'ended' = 'queued';
  /** Frames sent so far. */
  framesPlayed = 0;
  readonly #queue: PlaybackItemHost;
  readonly #frameBytes: number;
  readonly #silence: number;
  readonly #frames: Buffer[] = [];
  #partial: Buffer | undefined;
  #inputEnded = false;
  readonly #options: PlaybackItemOptions;

  /** @internal Created by `PlaybackQueue.open`. */
  constructor(
    queue: PlaybackItemHost,
    id: number,
    kind: PlaybackKind,
    options: PlaybackItemOptions,
  ) {
    this.#queue = queue;
    this.id = id;
    this.kind = kind;
    this.interruptible = options.interruptible ?? true;
    this.label = options.label;
    this.#options = options;
    const info = formatInfo(queue.format);
    this.#frameBytes = info.frameBytes;
    this.#silence = queue.format === 'ulaw' ? 0xff : 0;
  }

  /** Whole frames waiting to be sent. */
  get bufferedFrames(): number {
    return this.#frames.length;
  }

  /** True once `end()` was called. */
  get inputEnded(): boolean {
    return this.#inputEnded;
  }

  /** True when every frame it will ever have has been sent. */
  get drained(): boolean {
    return this.#inputEnded && this.#frames.length === 0;
  }

  /** Adds wire bytes (any length); ignored once the item has ended. */
  append(chunk: Uint8Array): void {
    if (this.state === 'ended' || this.#inputEnded || chunk.byteLength === 0) return;
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#partial) {
      bytes = Buffer.concat([this.#partial, bytes]);
      this.#partial = undefined;
    }
    let offset = 0;
    while (bytes.byteLength - offset >= this.#frameBytes) {
      this.#frames.push(Buffer.from(bytes.subarray(offset, offset + this.#frameBytes)));
      offset += this.#frameBytes;
    }
    if (offset < bytes.byteLength) this.#partial = Buffer.from(bytes.subarray(offset));
    this.#queue.wake();
  }

  /** No more audio: the last partial frame is padded with silence. */
  end(): void {
    if (this.#inputEnded) return;
    this.#inputEnded = true;
    if (this.#partial) {
      const frame = Buffer.alloc(this.#frameBytes, this.#silence);
      this.#partial.copy(frame);
      this.#frames.push(frame);
      this.#partial = undefined;
    }
    this.#queue.wake();
  }

  /**
   * Removes the item. A queued item never plays. A playing one stops at once, unless
   * `finishCurrent` is set: then it plays to its end (a phrase is never cut mid-word).
   */
  cancel(options: { finishCurrent?: boolean } = {}): void {
    this.#queue.cancelItem(this, options.finishCurrent ?? false);
  }

  /** @internal */
  takeFrame(): Buffer | undefined {
    return this.#frames.shift();
  }

  /** @internal */
  finish(reason: PlaybackEndReason): boolean {
    if (this.state === 'ended') return false;
    this.state = 'ended';
    this.#frames.length = 0;
    this.#partial = undefined;
    this.#inputEnded = true;
    this.#options.onEnd?.(reason);
    return true;
  }

  /** @internal */
  started(): void {
    this.#options.onStart?.();
  }
}
