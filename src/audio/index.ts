/**
 * Audio utilities for the media path: PCM conversions, G.711, resampling, framing, WAV files and
 * the wire formats of a call.
 *
 * @module
 */

export { FrameAssembler, frameCount } from './frames.js';
export { alawDecode, alawEncode, ulawDecode, ulawEncode } from './g711.js';
export {
  type Endian,
  float32ToInt16,
  float32ToInt16Array,
  int16ArrayToFloat32,
  int16ToFloat32,
} from './pcm.js';
export { Resampler, type ResamplerState, resample } from './resample.js';
export { type TrimOptions, trimTrailingSilence } from './trim.js';
export { readWav, type WavAudio, writeWav } from './wav.js';
export {
  decodeFromWire,
  encodeForWire,
  WIRE_DECODE_RATE,
  WireDecoder,
  WireEncoder,
} from './wire.js';
