/** Reads the two channels of a 16-bit stereo WAV, checking its header (vitest `expect`). */
import { expect } from 'vitest';

/** The channels of a 16-bit stereo WAV whose header matches its length. */
export function readStereo(data: Buffer): { left: Int16Array; right: Int16Array; rate: number } {
  expect(data.toString('latin1', 0, 4)).toBe('RIFF');
  expect(data.readUInt32LE(4)).toBe(data.length - 8);
  expect(data.readUInt16LE(22)).toBe(2);
  expect(data.readUInt32LE(40)).toBe(data.length - 44);
  const n = Math.floor((data.length - 44) / 4);
  const left = new Int16Array(n);
  const right = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    left[i] = data.readInt16LE(44 + i * 4);
    right[i] = data.readInt16LE(46 + i * 4);
  }
  return { left, right, rate: data.readUInt32LE(24) };
}
