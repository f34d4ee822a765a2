/**
 * ITU-T G.711 mu-law and A-law companding between 16-bit linear PCM and 8-bit codes.
 *
 * Encoding follows the ITU-T G.191 reference (`g711.c`): mu-law works on the top 14 bits with a
 * bias of 33, A-law on the top 13 bits, negative samples by their one's complement so that both
 * laws are symmetric around zero. Both directions are table-driven; the 64 KiB
 * encode tables are built on first use.
 *
 * @module
 */

const SEG_MASK = 0x70;
const SEG_SHIFT = 4;
const QUANT_MASK = 0x0f;
const SIGN_BIT = 0x80;
const ULAW_BIAS = 0x84;
const ULAW_CLIP = 8159;
const SEG_UEND = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff] as const;
const SEG_AEND = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff] as const;

function segment(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]!) return i;
  return ends.length;
}

/** Encodes one 16-bit sample to mu-law (negative magnitudes as in ITU-T G.191: `~x >> 2`). */
function linearToUlaw(pcm: number): number {
  let v: number;
  let mask: number;
  if (pcm < 0) {
    v = ~pcm >> 2;
    mask = 0x7f;
  } else {
    v = pcm >> 2;
    mask = 0xff;
  }
  if (v > ULAW_CLIP) v = ULAW_CLIP;
  v += ULAW_BIAS >> 2;
  const seg = segment(v, SEG_UEND);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0xf)) ^ mask;
}

/** Decodes one mu-law code to a 16-bit sample. */
function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  let t = ((u & QUANT_MASK) << 3) + ULAW_BIAS;
  t <<= (u & SEG_MASK) >> SEG_SHIFT;
  return u & SIGN_BIT ? ULAW_BIAS - t : t - ULAW_BIAS;
}

/** Encodes one 16-bit sample to A-law (reference algorithm). */
function linearToAlaw(pcm: number): number {
  let v = pcm >> 3;
  let mask: number;
  if (v >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = segment(v, SEG_AEND);
  if (seg >= 8) return 0x7f ^ mask;
  let a = seg << SEG_SHIFT;
  a |= seg < 2 ? (v >> 1) & QUANT_MASK : (v >> seg) & QUANT_MASK;
  return a ^ mask;
}

/** Decodes one A-law code to a 16-bit sample. */
function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & QUANT_MASK) << 4;
  const seg = (a & SEG_MASK) >> SEG_SHIFT;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & SIGN_BIT ? t : -t;
}

const ULAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => ulawToLinear(i));
const ALAW_DECODE = Int16Array.from({ length: 256 }, (_, i) => alawToLinear(i));
let ulawEncodeTable: Uint8Array | undefined;
let alawEncodeTable: Uint8Array | undefined;

/** A 65,536-entry table indexed by the sample's unsigned 16-bit pattern. */
function encodeTable(encode: (pcm: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode((i << 16) >> 16);
  return table;
}

/**
 * Encodes 16-bit linear samples to G.711 mu-law bytes.
 *
 * @example
 * ```ts
 * ulawEncode(Int16Array.of(0)); // Uint8Array [0xff]
 * ```
 */
export function ulawEncode(samples: Int16Array): Uint8Array {
  ulawEncodeTable ??= encodeTable(linearToUlaw);
  const table = ulawEncodeTable;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i]! & 0xffff]!;
  return out;
}

/** Decodes G.711 mu-law bytes to 16-bit linear samples. */
export function ulawDecode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ULAW_DECODE[bytes[i]!]!;
  return out;
}

/**
 * Encodes 16-bit linear samples to G.711 A-law bytes.
 *
 * @example
 * ```ts
 * alawEncode(Int16Array.of(0)); // Uint8Array [0xd5]
 * ```
 */
export function alawEncode(samples: Int16Array): Uint8Array {
  alawEncodeTable ??= encodeTable(linearToAlaw);
  const table = alawEncodeTable;
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = table[samples[i]! & 0xffff]!;
  return out;
}

/** Decodes G.711 A-law bytes to 16-bit linear samples. */
export function alawDecode(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = ALAW_DECODE[bytes[i]!]!;
  return out;
}
