/**
 * The sample math of a simulated caller's line (slin16 LE, 20 ms frames of 640 bytes): a silent
 * frame, a frame's loudness (to tell the bot's speech from its silence), the bot's echo mixed
 * under the caller's voice, and background noise on the line.
 *
 * @module
 */

/** 20 ms of slin16 silence. */
export const SILENT_FRAME: Buffer = Buffer.alloc(640);

/** Root mean square of a frame's 16-bit samples (0 for an empty frame). */
export function frameRms(frame: Buffer): number {
  let sum = 0;
  const n = frame.length >> 1;
  for (let i = 0; i < n; i++) {
    const v = frame.readInt16LE(i * 2);
    sum += v * v;
  }
  return n === 0 ? 0 : Math.sqrt(sum / n);
}

/**
 * `voice` (undefined: the caller is silent) plus `echo` scaled by `gain`, clipped to 16 bits;
 * `voice` itself when the sum is all zeros.
 */
export function mixEcho(voice: Buffer | undefined, echo: Buffer, gain: number): Buffer | undefined {
  const out = Buffer.alloc(640);
  let loud = false;
  for (let i = 0; i < 320; i++) {
    const b = i * 2 + 1 < echo.length ? echo.readInt16LE(i * 2) : 0;
    const v = (voice ? voice.readInt16LE(i * 2) : 0) + Math.round(b * gain);
    if (v !== 0) loud = true;
    out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i * 2);
  }
  return loud ? out : voice;
}

/**
 * `frame` (undefined: silence) plus 20 ms of the noise bed `noise` (16 kHz samples, looped)
 * from sample `atSample`, clipped to 16 bits: what a noisy line carries.
 */
export function mixNoise(frame: Buffer | undefined, noise: Int16Array, atSample: number): Buffer {
  const out = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) {
    const n = noise.length > 0 ? (noise[(atSample + i) % noise.length] ?? 0) : 0;
    const v = (frame ? frame.readInt16LE(i * 2) : 0) + n;
    out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i * 2);
  }
  return out;
}
