/**
 * The playback queue of one call: audio items (fillers, answer chunks, prompts) played in order
 * through the {@link Pacer} to the call's media sink.
 *
 * - Items can be fed while they play (an answer streams in sentence by sentence).
 * - `pause()` holds playback where it is (the caller may be interrupting) and `resume()` goes on
 *   from the same frame (it was only a backchannel); nothing is discarded.
 * - `stopAll()` is barge-in: sending stops at once and every queued item is discarded.
 * - A filler is never cut mid-word: each filler item is one short phrase, and an answer joins at
 *   the filler's phrase boundary (`'boundary'`: the filler phrase that is playing finishes, later
 *   filler phrases are skipped once answer audio is ready) or after all queued filler phrases
 *   (`'after'`).
 * - Echo cooldown: `isSpeaking`, `lastAudioAtMs` and the `speaking` event let endpointing ignore
 *   the bot's own echo while it speaks and for `echoCooldownMs` after.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { FRAME_MS, type MediaFormat } from '../audio/format.js';
import type { Logger } from '../telemetry/logger.js';
import { Pacer, type PacerClock, realClock } from './pacer.js';
import {
  type FillerJoin,
  type PlaybackEndReason,
  PlaybackItem,
  type PlaybackItemHost,
  type PlaybackItemOptions,
  type PlaybackKind,
} from './playback-item.js';

import type { PlaybackEvents, PlaybackQueueOptions } from './playback-types.js';

export {
  type PlaybackEndReason,
  PlaybackItem,
  type PlaybackItemOptions,
  type PlaybackKind,
} from './playback-item.js';
export type { PlaybackEvents, PlaybackQueueOptions } from './playback-types.js';

/**
 * The playback queue of one call.
 *
 * @example
 * ```ts
 * const playback = new PlaybackQueue({ format: 'ulaw', sink: (f) => media.send(f) });
 * playback.on('speaking', (speaking, atMs) => endpointer.setBotSpeaking(speaking, atMs));
 * playback.enqueue('filler', fillerAudio);
 * const answer = playback.open('answer');
 * for await (const chunk of tts.synthesize(sentence, opts)) answer.append(chunk);
 * answer.end();
 * // caller starts talking over it: hold, then stop (barge-in) or go on (a backchannel)
 * playback.pause();
 * playback.stopAll(); // or playback.resume();
 * ```
 */
export class PlaybackQueue extends EventEmitter<PlaybackEvents> implements PlaybackItemHost {
  readonly format: MediaFormat;
  readonly #sink: (frame: Buffer) => void;
  readonly #fillerJoin: FillerJoin;
  readonly #echoCooldownMs: number;
  readonly #clock: PacerClock;
  readonly #pacer: Pacer;
  readonly #logger: Logger | undefined;
  readonly #queue: PlaybackItem[] = [];
  #current: PlaybackItem | undefined;
  #startPending = false;
  #nextId = 1;
  #speaking = false;
  #lastAudioAtMs: number | undefined;
  #paused = false;
  #closed = false;

  constructor(options: PlaybackQueueOptions) {
    super();
    this.format = options.format;
    this.#sink = options.sink;
    this.#fillerJoin = options.fillerJoin ?? 'boundary';
    this.#echoCooldownMs = options.echoCooldownMs ?? 300;
    this.#clock = options.clock ?? realClock;
    this.#logger = options.logger;
    this.#pacer = new Pacer({
      clock: this.#clock,
      maxBurstFrames: options.maxBurstFrames,
      pull: () => this.#pull(),
      send: (frame, timing) => this.#send(frame, timing.sentAt),
      onIdle: (atMs) => this.#idle(atMs),
    });
  }

  /** True while frames are being sent. */
  get isSpeaking(): boolean {
    return this.#speaking;
  }

  /** When the last frame sent ends playing, ms on the queue's clock; undefined before any. */
  get lastAudioAtMs(): number | undefined {
    return this.#lastAudioAtMs;
  }

  /** The item playing now. */
  get current(): PlaybackItem | undefined {
    return this.#current;
  }

  /** Items waiting (the playing one not included). */
  get pending(): readonly PlaybackItem[] {
    return this.#queue;
  }

  /** True when nothing plays or waits. */
  get idle(): boolean {
    return this.#current === undefined && this.#queue.length === 0;
  }

  /** The call's clock (and timers) this queue plays on. */
  get clock(): PacerClock {
    return this.#clock;
  }

  /** The queue's clock, ms. */
  now(): number {
    return this.#clock.now();
  }

  /**
   * True while caller audio is likely the bot's own echo: the bot is speaking, or its last
   * audio ended less than `echoCooldownMs` ago.
   */
  inEchoWindow(nowMs: number = this.#clock.now()): boolean {
    if (this.#speaking) return true;
    return this.#lastAudioAtMs !== undefined && nowMs < this.#lastAudioAtMs + this.#echoCooldownMs;
  }

  /** Queues a streaming item; feed it with `append()` and close it with `end()`. */
  open(kind: PlaybackKind, options: PlaybackItemOptions = {}): PlaybackItem {
    const item = new PlaybackItem(this, this.#nextId++, kind, options);
    if (this.#closed) {
      item.finish('stopped');
      return item;
    }
    this.#queue.push(item);
    return item;
  }

  /**
   * Queues a streaming item ahead of the answer items whose audio has not started: a filler
   * that must play before an answer still being generated. Once the answer has audio, the
   * `boundary` join skips the filler if it has not started.
   */
  openAhead(kind: PlaybackKind, options: PlaybackItemOptions = {}): PlaybackItem {
    const item = new PlaybackItem(this, this.#nextId++, kind, options);
    if (this.#closed) {
      item.finish('stopped');
      return item;
    }
    const current = this.#current;
    if (current?.state === 'queued' && current.kind === 'answer') {
      this.#current = undefined;
      this.#queue.unshift(current);
    }
    const at = this.#queue.findIndex((i) => i.state === 'queued' && i.kind === 'answer');
    this.#queue.splice(at < 0 ? this.#queue.length : at, 0, item);
    this.wake();
    return item;
  }

  /** Queues a whole clip. */
  enqueue(kind: PlaybackKind, audio: Uint8Array, options: PlaybackItemOptions = {}): PlaybackItem {
    const item = this.open(kind, options);
    item.append(audio);
    item.end();
    return item;
  }

  /** True while {@link pause} holds playback. */
  get paused(): boolean {
    return this.#paused;
  }

  /**
   * Holds playback at once where it is, keeping every item (the caller may be interrupting);
   * audio that arrives meanwhile waits too. Only interruptible audio pauses. Returns true when
   * something was playing or queued and is now held;
   * {@link resume} goes on from the same frame, {@link stopAll} discards.
   */
  pause(): boolean {
    if (this.#closed || this.#paused || this.idle) return false;
    const head = this.#current ?? this.#queue[0];
    if (head && !head.interruptible) return false;
    this.#paused = true;
    this.#pacer.stop();
    this.#setSpeaking(false, this.#clock.now());
    return true;
  }

  /** Goes on after {@link pause}. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.wake();
  }

  /**
   * Barge-in: stops sending at once and discards every queued item (non-interruptible ones
   * survive unless `force`). Returns the number of items discarded.
   */
  stopAll(options: { force?: boolean } = {}): number {
    const force = options.force ?? false;
    let dropped = 0;
    const current = this.#current;
    if (current && (force || current.interruptible)) {
      this.#current = undefined;
      this.#end(current, 'stopped');
      dropped += 1;
    }
    for (const item of [...this.#queue]) {
      if (!force && !item.interruptible) continue;
      this.#queue.splice(this.#queue.indexOf(item), 1);
      this.#end(item, 'stopped');
      dropped += 1;
    }
    this.#paused = false;
    if (!this.#current) {
      this.#pacer.stop();
      this.#setSpeaking(false, this.#clock.now());
    }
    if (!this.#current) this.wake();
    return dropped;
  }

  /** Stops everything and refuses new items (hang-up). */
  close(): void {
    this.#closed = true;
    this.stopAll({ force: true });
  }

  /** @internal Called by items when they get audio. */
  wake(): void {
    if (this.#closed || this.#paused || this.#pacer.running) return;
    if (this.#current?.bufferedFrames || this.#current?.drained || this.#queue.length > 0) {
      this.#pacer.start();
    }
  }

  /** @internal Called by {@link PlaybackItem.cancel}. */
  cancelItem(item: PlaybackItem, finishCurrent: boolean): void {
    if (item.state === 'ended') return;
    if (item === this.#current) {
      if (finishCurrent) return;
      this.#current = undefined;
      this.#end(item, 'cancelled');
      this.wake();
      return;
    }
    const at = this.#queue.indexOf(item);
    if (at >= 0) this.#queue.splice(at, 1);
    this.#end(item, 'cancelled');
  }

  #end(item: PlaybackItem, reason: PlaybackEndReason): void {
    if (item.finish(reason)) this.emit('item.ended', item, reason);
  }

  /** Boundary join: a filler that has not started yet gives way to answer audio that is ready. */
  #answerOvertakes(item: PlaybackItem): boolean {
    return (
      this.#fillerJoin === 'boundary' &&
      item.kind === 'filler' &&
      this.#queue.some((i) => i.kind !== 'filler' && (i.bufferedFrames > 0 || i.inputEnded))
    );
  }

  /** The next item to play, applying the filler join rule. */
  #advance(): PlaybackItem | undefined {
    if (this.#fillerJoin === 'boundary') {
      const answerAt = this.#queue.findIndex(
        (i) => i.kind !== 'filler' && (i.bufferedFrames > 0 || i.inputEnded),
      );
      for (let i = 0; i < answerAt; i++) {
        const head = this.#queue[0];
        if (head?.kind !== 'filler') break;
        this.#queue.shift();
        this.#end(head, 'skipped');
      }
    }
    return this.#queue.shift();
  }

  #pull(): Buffer | undefined {
    for (;;) {
      let item = this.#current;
      if (!item) {
        item = this.#advance();
        if (!item) return undefined;
        this.#current = item;
      }
      const frame = item.takeFrame();
      if (frame) {
        if (item.state === 'queued') {
          item.state = 'playing';
          this.#startPending = true;
        }
        return frame;
      }
      if (!item.inputEnded) {
        if (!(item.state === 'queued' && this.#answerOvertakes(item))) return undefined;
        this.#current = undefined;
        this.#end(item, 'skipped');
        continue;
      }
      this.#current = undefined;
      this.#end(item, 'played');
    }
  }

  #send(frame: Buffer, sentAt: number): void {
    const item = this.#current;
    this.#setSpeaking(true, sentAt);
    this.#lastAudioAtMs = sentAt + FRAME_MS;
    try {
      this.#sink(frame);
    } catch (err) {
      this.#logger?.warn({ err: (err as Error).message }, 'playback sink failed');
    }
    this.emit('frame', frame, sentAt);
    if (!item) return;
    item.framesPlayed += 1;
    if (this.#startPending) {
      this.#startPending = false;
      item.started();
      this.emit('item.started', item);
    }
  }

  #idle(atMs: number): void {
    this.#setSpeaking(false, atMs);
    if (this.idle) this.emit('idle');
  }

  #setSpeaking(speaking: boolean, atMs: number): void {
    if (this.#speaking === speaking) return;
    this.#speaking = speaking;
    this.emit('speaking', speaking, atMs);
  }
}
