import { describe, expect, it } from 'vitest';
import { FrameAssembler, frameCount } from '../../src/audio/frames.js';
import { rng } from '../helpers/signals.js';

const seq = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe('frameCount', () => {
  it('counts whole frames of a length or a buffer', () => {
    expect(frameCount(1000, 320)).toBe(3);
    expect(frameCount(640, 320)).toBe(2);
    expect(frameCount(new Uint8Array(159), 160)).toBe(0);
    expect(() => frameCount(10, 0)).toThrow(RangeError);
  });
});

describe('FrameAssembler', () => {
  it('cuts one big chunk into whole frames and keeps the rest', () => {
    const fa = new FrameAssembler(4);
    const frames = fa.push(seq(10));
    expect(frames.map((f) => [...f])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(fa.pendingBytes).toBe(2);
    expect([...fa.flush()!]).toEqual([8, 9]);
    expect(fa.flush()).toBeUndefined();
  });

  it('joins partial and odd-sized reads', () => {
    const fa = new FrameAssembler(4);
    expect(fa.push(seq(1, 0))).toEqual([]);
    expect(fa.push(seq(2, 1))).toEqual([]);
    expect(fa.push(seq(0))).toEqual([]);
    const frames = fa.push(seq(6, 3));
    expect(frames.map((f) => [...f])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(fa.pendingBytes).toBe(1);
    expect([...fa.flush(true)!]).toEqual([8, 0, 0, 0]);
  });

  it('returns frames that do not alias the pushed chunk', () => {
    const fa = new FrameAssembler(2);
    const chunk = Buffer.from([1, 2, 3]);
    const [frame] = fa.push(chunk);
    chunk.fill(9);
    expect([...frame!]).toEqual([1, 2]);
    expect([...fa.push(Buffer.from([4]))[0]!]).toEqual([3, 4]);
  });

  it('reassembles any random split of a stream exactly (20 ms slin16 frames)', () => {
    const random = rng(7);
    const stream = Uint8Array.from({ length: 640 * 25 + 100 }, () => Math.floor(random() * 256));
    const fa = new FrameAssembler(640);
    const out: Buffer[] = [];
    for (let at = 0; at < stream.length; ) {
      const n = Math.min(stream.length - at, Math.floor(random() * 1500));
      const backing = new Uint8Array(n + 1);
      const chunk = backing.subarray(1);
      chunk.set(stream.subarray(at, at + n));
      for (const f of fa.push(chunk)) {
        expect(f.length).toBe(640);
        out.push(f);
      }
      at += n;
    }
    expect(out.length).toBe(25);
    expect(Buffer.concat(out).equals(Buffer.from(stream.subarray(0, 640 * 25)))).toBe(true);
    expect(fa.flush()?.length).toBe(100);
  });
});
