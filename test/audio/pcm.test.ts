import { describe, expect, it } from 'vitest';
import {
  float32ToInt16,
  float32ToInt16Array,
  int16ArrayToFloat32,
  int16ToFloat32,
} from '../../src/audio/pcm.js';

describe('16-bit PCM', () => {
  it('decodes little-endian bytes', () => {
    const bytes = Uint8Array.of(0x00, 0x40, 0x00, 0x80, 0xff, 0x7f, 0xff, 0xff);
    expect(Array.from(int16ToFloat32(bytes))).toEqual([0.5, -1, 32767 / 32768, -1 / 32768]);
  });

  it('decodes big-endian bytes', () => {
    const bytes = Uint8Array.of(0x40, 0x00, 0x80, 0x00, 0x01, 0x02);
    expect(Array.from(int16ToFloat32(bytes, 'be'))).toEqual([0.5, -1, 0x0102 / 32768]);
  });

  it('encodes known bytes in both orders', () => {
    const x = Float32Array.of(0.5, -1, 0x0102 / 32768);
    expect([...float32ToInt16(x)]).toEqual([0x00, 0x40, 0x00, 0x80, 0x02, 0x01]);
    expect([...float32ToInt16(x, 'be')]).toEqual([0x40, 0x00, 0x80, 0x00, 0x01, 0x02]);
  });

  it('clamps, rounds and maps NaN to zero', () => {
    const x = Float32Array.of(2, -2, 1, 0.4 / 32768, 0.6 / 32768, -0.6 / 32768, Number.NaN);
    expect(Array.from(float32ToInt16Array(x))).toEqual([32767, -32768, 32767, 0, 1, -1, 0]);
    const bytes = float32ToInt16(x);
    expect(bytes.readInt16LE(0)).toBe(32767);
    expect(bytes.readInt16LE(2)).toBe(-32768);
  });

  it('reads unaligned buffers at an odd byteOffset', () => {
    const backing = new Uint8Array(11);
    const view = backing.subarray(1, 10);
    Buffer.from(view.buffer, view.byteOffset, 8).set([
      0x00, 0x40, 0x00, 0xc0, 0x01, 0x00, 0xff, 0x7f,
    ]);
    const out = int16ToFloat32(view);
    expect(out.length).toBe(4);
    expect(Array.from(out)).toEqual([0.5, -0.5, 1 / 32768, 32767 / 32768]);
    const fromSocket = Buffer.concat([Buffer.from([9]), Buffer.from([0x00, 0x40])]).subarray(1);
    expect(Array.from(int16ToFloat32(fromSocket))).toEqual([0.5]);
  });

  it('round-trips every 16-bit value exactly', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    const same = (a: Int16Array) => Buffer.from(a.buffer).equals(Buffer.from(all.buffer));
    expect(same(float32ToInt16Array(int16ArrayToFloat32(all)))).toBe(true);
    const bytes = float32ToInt16(int16ArrayToFloat32(all), 'be');
    expect(bytes.readInt16BE(2 * 40000)).toBe(40000 - 32768);
    expect(same(float32ToInt16Array(int16ToFloat32(bytes, 'be')))).toBe(true);
  });
});
