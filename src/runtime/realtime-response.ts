/**
 * One realtime response as the call hears it: the model's audio items (before and after a tool
 * call) with their frames and transcripts, so that a barge-in knows the words the caller heard
 * and the item to truncate ({@link heardPart}); the tool calls it made, as the timeline's
 * `tool.started`/`tool.finished` progress; and a filler phrase when a business tool is slow and
 * the model has not said anything yet (the model's own "let me check" makes it unneeded), as the
 * cascade does for a slow tool.
 *
 * @module
 */
import type { ToolOutcome } from '../answer/tool-runner.js';
import type { FillerEvent, ToolProgressEvent } from '../calls/events.js';
import type { PlaybackItem, PlaybackQueue } from '../media/playback-queue.js';
import { type HeardPart, heardPart, type SpokenItem } from '../providers/realtime/heard.js';

/** Progress of a response for the call's timeline. */
export type ResponseProgress = ToolProgressEvent | FillerEvent;

/** Options of {@link ResponseTrack}. */
export interface ResponseTrackOptions {
  playback: PlaybackQueue;
  /** A slow tool gets a filler after this long, ms (infinite: never). */
  fillerAfterMs?: (name: string) => number;
  /** Speaks a filler phrase into a playback item. */
  speakFiller?: (item: PlaybackItem, signal: AbortSignal) => Promise<void>;
}

/** What one response said and did. */
export class ResponseTrack {
  readonly items: SpokenItem[] = [];
  readonly #o: ResponseTrackOptions;
  readonly #progress: ResponseProgress[] = [];
  readonly #listeners = new Set<(event: ResponseProgress) => void>();
  readonly #outcomes = new Map<string, ToolOutcome>();
  readonly #filler = new AbortController();
  #fillerTimer: unknown;
  #fillerPlayed = false;

  constructor(options: ResponseTrackOptions) {
    this.#o = options;
  }

  /** A frame of item `itemId` was queued for playback. */
  audio(itemId: string): void {
    this.#item(itemId).frames++;
    this.#cancelFillerTimer();
  }

  /** Transcript of item `itemId`: a delta, or the whole text (`final`). */
  transcript(itemId: string, text: string, final: boolean): void {
    const item = this.#item(itemId);
    item.text = final ? text : item.text + text;
  }

  /** Everything the model said. */
  text(): string {
    return this.items
      .map((i) => i.text.trim())
      .filter(Boolean)
      .join(' ');
  }

  /** What the caller heard after `framesPlayed` frames. */
  heard(framesPlayed: number): HeardPart {
    return heardPart(this.items, framesPlayed);
  }

  /** The model called tool `name`. */
  toolStarted(name: string): void {
    this.#tell({ type: 'tool.started', name });
    const after = this.#o.fillerAfterMs?.(name) ?? Number.POSITIVE_INFINITY;
    const spoken = this.items.some((i) => i.frames > 0);
    if (!Number.isFinite(after) || spoken || this.#fillerPlayed || !this.#o.speakFiller) return;
    if (this.#fillerTimer !== undefined) return;
    this.#fillerTimer = this.#o.playback.clock.setTimeout(() => this.#playFiller(), after);
  }

  /** The tool runner's outcome of a business tool (its status and webhook time). */
  toolOutcome(name: string, outcome: ToolOutcome): void {
    this.#outcomes.set(name, outcome);
  }

  /** Tool `name` was answered after `ms`. */
  toolDone(name: string, ok: boolean, ms: number): void {
    this.#cancelFillerTimer();
    const outcome = this.#outcomes.get(name);
    this.#outcomes.delete(name);
    this.#tell({
      type: 'tool.finished',
      name,
      status: outcome?.status ?? (ok ? 'ok' : 'failed'),
      ms,
      webhookMs: outcome?.webhookMs ?? 0,
    });
  }

  /** Listens to its progress; what happened before is replayed at once. */
  onProgress(listener: (event: ResponseProgress) => void): () => void {
    for (const event of this.#progress) listener(event);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The response is over: no filler starts any more; `stop` also silences one playing. */
  close(stop = false): void {
    this.#cancelFillerTimer();
    if (stop) this.#filler.abort();
    this.#listeners.clear();
  }

  #playFiller(): void {
    this.#fillerTimer = undefined;
    if (this.#fillerPlayed || !this.#o.speakFiller) return;
    this.#fillerPlayed = true;
    const item = this.#o.playback.openAhead('filler', { label: 'tool filler' });
    this.#tell({ type: 'filler.started' });
    this.#o.speakFiller(item, this.#filler.signal).then(
      () => this.#tell({ type: 'filler.done' }),
      (err: unknown) => {
        item.cancel();
        this.#tell({ type: 'filler.failed', error: (err as Error).message });
      },
    );
  }

  #cancelFillerTimer(): void {
    if (this.#fillerTimer === undefined) return;
    this.#o.playback.clock.clearTimeout(this.#fillerTimer);
    this.#fillerTimer = undefined;
  }

  #item(itemId: string): SpokenItem {
    let item = this.items.find((i) => i.itemId === itemId);
    if (!item) {
      item = { itemId, frames: 0, text: '' };
      this.items.push(item);
    }
    return item;
  }

  #tell(event: ResponseProgress): void {
    this.#progress.push(event);
    for (const listener of this.#listeners) listener(event);
  }
}
