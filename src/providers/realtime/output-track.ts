/**
 * The model's speech as it arrives, item by item: turns audio deltas into playback frames, keeps
 * the item being spoken and the last one spoken (the ones a barge-in truncates), and drops what
 * is left of an item the caller interrupted.
 *
 * @module
 */
import { RealtimeAudioOut } from './audio.js';

/** The output audio of one session. */
export class OutputTrack {
  readonly #dropped = new Set<string>();
  #current: RealtimeAudioOut | undefined;
  #last: RealtimeAudioOut | undefined;

  /** True while an item's audio is arriving. */
  get speaking(): boolean {
    return this.#current !== undefined;
  }

  /** True for an item cut by {@link cut}: its remaining audio and text are dropped. */
  isDropped(itemId: string): boolean {
    return this.#dropped.has(itemId);
  }

  /** One audio delta of `itemId`; returns the whole 16 kHz frames it completed. */
  push(itemId: string, delta: string): Buffer[] {
    if (this.#dropped.has(itemId)) return [];
    if (this.#current?.itemId !== itemId) this.#current = new RealtimeAudioOut(itemId);
    return this.#current.push(delta);
  }

  /** The item's audio ended: its last frames and how much audio it had, ms. */
  done(itemId: string): { frames: Buffer[]; audioMs: number } | undefined {
    const out = this.#current;
    if (!out || out.itemId !== itemId || this.#dropped.has(itemId)) return undefined;
    this.#current = undefined;
    this.#last = out;
    return { frames: out.flush(), audioMs: out.receivedMs };
  }

  /**
   * A barge-in: the item being spoken (or else the last one spoken) is cut; its remaining audio
   * will be dropped. Returns its id and the audio that came for it, ms.
   */
  cut(): { itemId: string; receivedMs: number } | undefined {
    const out = this.#current ?? this.#last;
    this.#current = undefined;
    this.#last = undefined;
    if (!out) return undefined;
    this.#dropped.add(out.itemId);
    return { itemId: out.itemId, receivedMs: out.receivedMs };
  }
}
