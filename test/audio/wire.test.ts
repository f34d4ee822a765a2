import { describe, expect, it } from 'vitest';
import { ulawDecode } from '../../src/audio/g711.js';
import { resample } from '../../src/audio/resample.js';
import { decodeFromWire, encodeForWire, WireDecoder, WireEncoder } from '../../src/audio/wire.js';
import { peakFrequency, sine, toneAmplitude } from '../helpers/signals.js';

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('encodeForWire / decodeFromWire', () => {
  it('slin16 at 16 kHz is little-endian 16-bit PCM with known bytes', () => {
    const bytes = encodeForWire(Float32Array.of(0.5, -1, 0), 16000, 'slin16');
    expect([...bytes]).toEqual([0x00, 0x40, 0x00, 0x80, 0x00, 0x00]);
    expect(Array.from(decodeFromWire(bytes, 'slin16'))).toEqual([0.5, -1, 0]);
    expect(Array.from(decodeFromWire(Uint8Array.of(0x40, 0x00), 'slin16', 'be'))).toEqual([0.5]);
  });

  it('ulaw is one mu-law byte per 8 kHz sample; silence is 0xff', () => {
    const bytes = encodeForWire(new Float32Array(480), 24000, 'ulaw');
    expect(bytes.length).toBe(160);
    expect(bytes.every((b) => b === 0xff)).toBe(true);
  });

  it('24 kHz TTS audio -> ulaw -> 16 kHz keeps a 1 kHz tone', () => {
    const wire = encodeForWire(sine(1000, 24000, 0.3), 24000, 'ulaw');
    expect(wire.length).toBe(2400);
    const back = decodeFromWire(wire, 'ulaw');
    expect(back.length).toBe(4800);
    const mid = back.subarray(320, back.length - 320);
    expect(peakFrequency(mid, 16000, 900, 1100)).toBe(1000);
    expect(toneAmplitude(mid, 16000, 1000)).toBeCloseTo(0.5, 1);
  });

  it('slin16 from 48 kHz resamples to 16 kHz', () => {
    const wire = encodeForWire(sine(440, 48000, 0.2), 48000, 'slin16');
    expect(wire.length).toBe(3200 * 2);
    const back = decodeFromWire(wire, 'slin16');
    expect(peakFrequency(back.subarray(320, 2880), 16000, 400, 480)).toBe(440);
  });
});

describe('WireEncoder / WireDecoder', () => {
  it('streams ulaw frames to 16 kHz exactly like a whole-clip decode', () => {
    const clip = encodeForWire(sine(700, 8000, 0.2), 8000, 'ulaw');
    const dec = new WireDecoder('ulaw');
    const parts: Float32Array[] = [];
    for (let at = 0; at < clip.length; at += 160) parts.push(dec.push(clip.subarray(at, at + 160)));
    parts.push(dec.flush());
    const streamed = concat(parts);
    const whole = decodeFromWire(clip, 'ulaw');
    expect(streamed).toEqual(whole);
    const expected = resample(
      Float32Array.from(ulawDecode(clip), (v) => v / 32768),
      8000,
      16000,
    );
    expect(whole).toEqual(expected);
  });

  it('streams TTS chunks to wire bytes exactly like a whole-clip encode', () => {
    const audio = sine(500, 22050, 0.3);
    const enc = new WireEncoder(22050, 'ulaw');
    const parts: Buffer[] = [];
    for (let at = 0; at < audio.length; at += 1000)
      parts.push(enc.push(audio.subarray(at, at + 1000)));
    parts.push(enc.flush());
    expect(Buffer.concat(parts).equals(encodeForWire(audio, 22050, 'ulaw'))).toBe(true);
  });

  it('passes slin16 through without resampling', () => {
    const enc = new WireEncoder(16000, 'slin16');
    expect([...enc.push(Float32Array.of(0.5))]).toEqual([0x00, 0x40]);
    expect(enc.flush().length).toBe(0);
    const dec = new WireDecoder('slin16', 'be');
    expect(Array.from(dec.push(Uint8Array.of(0x40, 0x00)))).toEqual([0.5]);
    expect(dec.flush().length).toBe(0);
  });
});
