import { describe, expect, it } from 'vitest';
import { alawDecode, alawEncode, ulawDecode, ulawEncode } from '../../src/audio/g711.js';

const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

/** Quantization step, in 16-bit units, of the mu-law segment a code belongs to. */
function ulawStep(code: number): number {
  return 2 ** (((~code >> 4) & 7) + 3);
}

/** Quantization step, in 16-bit units, of the A-law segment a code belongs to. */
function alawStep(code: number): number {
  const seg = ((code ^ 0x55) >> 4) & 7;
  return seg <= 1 ? 16 : 2 ** (seg + 3);
}

describe('G.711 mu-law', () => {
  it('has the standard code points', () => {
    expect(Array.from(ulawEncode(Int16Array.of(0, -1, 32767, -32768, 1)))).toEqual([
      0xff, 0x7f, 0x80, 0x00, 0xff,
    ]);
    expect(Array.from(ulawDecode(Uint8Array.of(0xff, 0x7f, 0x80, 0x00, 0xfe, 0xef)))).toEqual([
      0, 0, 32124, -32124, 8, 132,
    ]);
  });

  it('round-trips within half a quantization step of each segment', () => {
    expect(ulawStep(0xff)).toBe(8);
    expect(ulawStep(0x80)).toBe(1024);
    const codes = ulawEncode(all);
    const back = ulawDecode(codes);
    for (let i = 0; i < all.length; i++) {
      const x = all[i]!;
      const err = Math.abs(back[i]! - Math.max(-32124, Math.min(32124, x)));
      if (err > ulawStep(codes[i]!) / 2) throw new Error(`${x} -> ${back[i]} (err ${err})`);
    }
  });

  it('keeps relative error small across the range', () => {
    const back = ulawDecode(ulawEncode(all));
    let worst = 0;
    for (let i = 0; i < all.length; i++) {
      const x = all[i]!;
      if (Math.abs(x) < 256 || Math.abs(x) > 32000) continue;
      worst = Math.max(worst, Math.abs(back[i]! - x) / Math.abs(x));
    }
    expect(worst).toBeLessThan(0.07);
  });

  it('is idempotent on decoded values', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const reencoded = ulawEncode(ulawDecode(codes));
    for (let c = 0; c < 256; c++) {
      if (c === 0x7f) continue; // -0 and +0 both decode to 0, which encodes as 0xff
      expect(reencoded[c]).toBe(c);
    }
  });
});

describe('G.711 A-law', () => {
  it('has the standard code points', () => {
    expect(Array.from(alawEncode(Int16Array.of(0, -1, 32767, -32768)))).toEqual([
      0xd5, 0x55, 0xaa, 0x2a,
    ]);
    expect(Array.from(alawDecode(Uint8Array.of(0xd5, 0x55, 0xaa, 0x2a)))).toEqual([
      8, -8, 32256, -32256,
    ]);
  });

  it('round-trips within half a quantization step of each segment', () => {
    expect(alawStep(0xd5)).toBe(16);
    expect(alawStep(0xaa)).toBe(1024);
    const codes = alawEncode(all);
    const back = alawDecode(codes);
    for (let i = 0; i < all.length; i++) {
      const x = all[i]!;
      const err = Math.abs(back[i]! - Math.max(-32256, Math.min(32256, x)));
      if (err > alawStep(codes[i]!) / 2) throw new Error(`${x} -> ${back[i]} (err ${err})`);
    }
  });

  it('is idempotent on decoded values', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(alawEncode(alawDecode(codes)))).toEqual(Array.from(codes));
  });
});
