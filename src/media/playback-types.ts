/**
 * The events and options of a call's playback queue (`src/media/playback-queue.ts`).
 *
 * @module
 */
import type { MediaFormat } from '../audio/format.js';
import type { Logger } from '../telemetry/logger.js';
import type { PacerClock } from './pacer.js';
import type { FillerJoin, PlaybackEndReason, PlaybackItem } from './playback-item.js';

/** Events of a `PlaybackQueue`. */
export interface PlaybackEvents {
  'item.started': [item: PlaybackItem];
  'item.ended': [item: PlaybackItem, reason: PlaybackEndReason];
  /** The bot started or stopped sending audio, at `atMs` on the queue's clock. */
  speaking: [speaking: boolean, atMs: number];
  /** A frame went to the sink at `atMs` on the queue's clock (the echo reference). */
  frame: [frame: Buffer, atMs: number];
  /** Everything queued has been played. */
  idle: [];
}

/** Options for `PlaybackQueue`. */
export interface PlaybackQueueOptions {
  format: MediaFormat;
  /** Where frames go (the call's media connection). */
  sink: (frame: Buffer) => void;
  /** How answers join fillers (default `boundary`). */
  fillerJoin?: FillerJoin;
  /** Echo window after the last frame, ms (default 300). */
  echoCooldownMs?: number;
  /** Most frames a late tick sends at once (default 3). */
  maxBurstFrames?: number;
  clock?: PacerClock;
  logger?: Logger;
}
