/**
 * Audio between a call's media path and a Realtime session: caller frames (16 kHz `slin16`) go in
 * as the session's 24 kHz `audio/pcm`, base64 encoded; the model's audio deltas come out as whole
 * 20 ms `slin16` frames for the playback queue. Both directions use the media path's streaming
 * {@link Resampler}, so chunk boundaries never add clicks.
 *
 * @module
 */

import { formatInfo } from '../../audio/format.js';
import { FrameAssembler, float32ToInt16, int16ToFloat32, Resampler } from '../../audio/index.js';

/** Sample rate of the session's `audio/pcm` format, both ways. */
export const REALTIME_RATE = 24_000;

const SLIN16 = formatInfo('slin16');

/** Caller audio into the session: 16 kHz frames in, base64 24 kHz PCM out. */
export class RealtimeAudioIn {
  readonly #resampler = new Resampler(SLIN16.sampleRate, REALTIME_RATE);
  #sentSamples = 0;

  /** Audio sent so far, ms at the session's rate. */
  get sentMs(): number {
    return (this.#sentSamples * 1000) / REALTIME_RATE;
  }

  /**
   * Converts one chunk of 16 kHz little-endian PCM (any whole number of samples, usually a 20 ms
   * frame) to the base64 payload of `input_audio_buffer.append`; empty while the resampler fills.
   */
  push(slin16: Uint8Array): string {
    const out = this.#resampler.push(int16ToFloat32(slin16));
    this.#sentSamples += out.length;
    return out.length === 0 ? '' : float32ToInt16(out).toString('base64');
  }
}

/**
 * The model's audio of one conversation item out of the session: base64 24 kHz PCM deltas in,
 * 640-byte 16 kHz frames out, and how much audio the item has so far.
 */
export class RealtimeAudioOut {
  readonly itemId: string;
  readonly #resampler = new Resampler(REALTIME_RATE, SLIN16.sampleRate);
  readonly #frames = new FrameAssembler(SLIN16.frameBytes);
  #odd: number | undefined;
  #receivedSamples = 0;

  constructor(itemId: string) {
    this.itemId = itemId;
  }

  /** Audio of this item received from the session, ms. */
  get receivedMs(): number {
    return (this.#receivedSamples * 1000) / REALTIME_RATE;
  }

  /** Decodes one `response.output_audio.delta` payload; returns the frames it completed. */
  push(base64: string): Buffer[] {
    let bytes: Uint8Array = Buffer.from(base64, 'base64');
    if (this.#odd !== undefined) {
      const joined = new Uint8Array(bytes.byteLength + 1);
      joined[0] = this.#odd;
      joined.set(bytes, 1);
      bytes = joined;
      this.#odd = undefined;
    }
    if (bytes.byteLength % 2 === 1) {
      this.#odd = bytes[bytes.byteLength - 1];
      bytes = bytes.subarray(0, bytes.byteLength - 1);
    }
    this.#receivedSamples += bytes.byteLength >> 1;
    return this.#frames.push(float32ToInt16(this.#resampler.push(int16ToFloat32(bytes))));
  }

  /** Ends the item: the remaining audio, the last frame padded with silence. */
  flush(): Buffer[] {
    const frames = this.#frames.push(float32ToInt16(this.#resampler.flush()));
    const last = this.#frames.flush(true);
    if (last) frames.push(last);
    return frames;
  }
}
