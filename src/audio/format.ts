/**
 * The audio formats a call's media can use, and their 20 ms frame geometry.
 *
 * @module
 */

/** `slin16`: 16 kHz signed 16-bit PCM (AudioSocket default); `ulaw`: 8 kHz G.711 mu-law (RTP). */
export type MediaFormat = 'slin16' | 'ulaw';

/** Frame duration used everywhere on the media path. */
export const FRAME_MS = 20;

/** Facts about one media format. */
export interface MediaFormatInfo {
  format: MediaFormat;
  sampleRate: number;
  /** Bytes in one 20 ms frame of the wire encoding. */
  frameBytes: number;
  /** Samples in one 20 ms frame. */
  frameSamples: number;
}

const INFO: Record<MediaFormat, MediaFormatInfo> = {
  slin16: { format: 'slin16', sampleRate: 16_000, frameBytes: 640, frameSamples: 320 },
  ulaw: { format: 'ulaw', sampleRate: 8_000, frameBytes: 160, frameSamples: 160 },
};

/** Frame geometry of a media format. */
export function formatInfo(format: MediaFormat): MediaFormatInfo {
  return INFO[format];
}
