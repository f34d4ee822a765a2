/**
 * The AudioSocket wire protocol: a streaming parser and frame builders.
 *
 * Every message is 1 byte kind, 2 bytes big-endian payload length, then the payload. Kinds
 * (from Asterisk's `res_audiosocket.h`, measured on Asterisk 22): 0x00 hangup, 0x01 UUID
 * (16 bytes, always first), 0x03 DTMF (one ASCII digit), 0x10..0x18 signed 16-bit little-endian
 * audio at 8, 12, 16, 24, 32, 44.1, 48, 96 and 192 kHz (0x12 = slin16, which voxstate uses), and
 * 0xFF error (an optional 1-byte code). The parser never throws on bad input: it yields
 * `parse-error` items (with a {@link ParseError}) and `unknown` items, and keeps going wherever
 * the length header still lets it find the next message.
 *
 * @module
 */

import { ParseError } from '../errors.js';

/** Message kinds of the AudioSocket protocol. */
export const AudioSocketKind = {
  Hangup: 0x00,
  Uuid: 0x01,
  Dtmf: 0x03,
  Slin8: 0x10,
  Slin12: 0x11,
  Slin16: 0x12,
  Slin24: 0x13,
  Slin32: 0x14,
  Slin44: 0x15,
  Slin48: 0x16,
  Slin96: 0x17,
  Slin192: 0x18,
  Error: 0xff,
} as const;

/** Sample rate of each audio kind (0x10..0x18). */
export const AUDIO_KIND_RATES: Readonly<Record<number, number>> = {
  16: 8_000,
  17: 12_000,
  18: 16_000,
  19: 24_000,
  20: 32_000,
  21: 44_100,
  22: 48_000,
  23: 96_000,
  24: 192_000,
};

/** Bytes before every payload. */
export const AUDIOSOCKET_HEADER_BYTES = 3;
/** The largest payload the 2-byte length can describe. */
export const AUDIOSOCKET_MAX_PAYLOAD = 0xffff;

/** One item the parser yields. */
export type AudioSocketMessage =
  | { kind: 'hangup' }
  | { kind: 'uuid'; uuid: string }
  | { kind: 'dtmf'; digit: string }
  /** Signed 16-bit little-endian PCM at `sampleRate`. */
  | { kind: 'audio'; type: number; sampleRate: number; payload: Buffer }
  /** An error message from Asterisk; `code` is its first payload byte when present. */
  | { kind: 'error'; code: number | undefined; payload: Buffer }
  /** A message of a kind this parser does not know; skipped. */
  | { kind: 'unknown'; type: number; payload: Buffer }
  /** A message that broke the protocol (wrong length, bad digit); skipped. */
  | { kind: 'parse-error'; error: ParseError };

/**
 * Streaming AudioSocket parser, robust to TCP reads of any size.
 *
 * @example
 * ```ts
 * const parser = new AudioSocketParser();
 * socket.on('data', (chunk) => {
 *   for (const msg of parser.push(chunk)) if (msg.kind === 'audio') onAudio(msg.payload);
 * });
 * ```
 */
export class AudioSocketParser {
  #buf: Buffer = Buffer.alloc(0);
  /** Messages of unknown kinds skipped so far. */
  unknownCount = 0;
  /** Protocol violations seen so far. */
  errorCount = 0;
  /** Whole messages parsed so far (any kind). */
  messageCount = 0;

  /** Bytes held back, waiting for the rest of their message. */
  get pendingBytes(): number {
    return this.#buf.length;
  }

  /** Adds a chunk; returns the messages it completed, in order (possibly none). */
  push(chunk: Uint8Array): AudioSocketMessage[] {
    const data =
      this.#buf.length === 0
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.concat([this.#buf, chunk]);
    const out: AudioSocketMessage[] = [];
    let offset = 0;
    while (data.length - offset >= AUDIOSOCKET_HEADER_BYTES) {
      const type = data[offset]!;
      const length = data.readUInt16BE(offset + 1);
      const end = offset + AUDIOSOCKET_HEADER_BYTES + length;
      if (end > data.length) break;
      // Copy: the chunk's memory may be reused by the socket after this call.
      const payload = Buffer.from(data.subarray(offset + AUDIOSOCKET_HEADER_BYTES, end));
      offset = end;
      this.messageCount++;
      const msg = this.#decode(type, payload);
      if (msg.kind === 'unknown') this.unknownCount++;
      if (msg.kind === 'parse-error') this.errorCount++;
      out.push(msg);
    }
    this.#buf = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
    return out;
  }

  #decode(type: number, payload: Buffer): AudioSocketMessage {
    switch (type) {
      case AudioSocketKind.Hangup:
        return { kind: 'hangup' };
      case AudioSocketKind.Uuid:
        if (payload.length !== 16) {
          return bad(`UUID message has ${payload.length} bytes, expected 16`);
        }
        return { kind: 'uuid', uuid: uuidFromBytes(payload) };
      case AudioSocketKind.Dtmf: {
        const digit = payload.length >= 1 ? String.fromCharCode(payload[0]!) : '';
        if (!/^[0-9A-D*#]$/i.test(digit)) return bad('DTMF message without a valid digit');
        return { kind: 'dtmf', digit: digit.toUpperCase() };
      }
      case AudioSocketKind.Error:
        return { kind: 'error', code: payload[0], payload };
      default: {
        const sampleRate = AUDIO_KIND_RATES[type];
        if (sampleRate === undefined) return { kind: 'unknown', type, payload };
        if (payload.length % 2 !== 0) {
          return bad(`audio message of kind 0x${hex(type)} has an odd length ${payload.length}`);
        }
        return { kind: 'audio', type, sampleRate, payload };
      }
    }
  }
}

function bad(message: string): AudioSocketMessage {
  return { kind: 'parse-error', error: new ParseError('audiosocket', message) };
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Formats 16 bytes as a lowercase hyphenated UUID. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Parses a UUID string (hyphens optional) into its 16 bytes; throws ParseError if malformed. */
export function uuidToBytes(uuid: string): Buffer {
  const h = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new ParseError('audiosocket', `not a UUID: ${uuid}`);
  return Buffer.from(h, 'hex');
}

/**
 * Builds one AudioSocket message.
 *
 * @example
 * ```ts
 * socket.write(buildAudioSocketMessage(AudioSocketKind.Slin16, frame640));
 * ```
 */
export function buildAudioSocketMessage(
  type: number,
  payload: Uint8Array = new Uint8Array(0),
): Buffer {
  if (payload.byteLength > AUDIOSOCKET_MAX_PAYLOAD) {
    throw new RangeError(`AudioSocket payload of ${payload.byteLength} bytes is over 65535`);
  }
  const out = Buffer.allocUnsafe(AUDIOSOCKET_HEADER_BYTES + payload.byteLength);
  out[0] = type & 0xff;
  out.writeUInt16BE(payload.byteLength, 1);
  out.set(payload, AUDIOSOCKET_HEADER_BYTES);
  return out;
}

/** The UUID message that opens every AudioSocket connection. */
export function uuidMessage(uuid: string): Buffer {
  return buildAudioSocketMessage(AudioSocketKind.Uuid, uuidToBytes(uuid));
}

/** An audio message; `type` defaults to 0x12 (slin16, 640 bytes per 20 ms). */
export function audioMessage(pcmLe: Uint8Array, type: number = AudioSocketKind.Slin16): Buffer {
  return buildAudioSocketMessage(type, pcmLe);
}

/** A DTMF message carrying one digit (0-9, A-D, `*`, `#`). */
export function dtmfMessage(digit: string): Buffer {
  return buildAudioSocketMessage(AudioSocketKind.Dtmf, Buffer.from(digit.slice(0, 1), 'latin1'));
}

/** The hangup message (kind 0x00, no payload). */
export function hangupMessage(): Buffer {
  return buildAudioSocketMessage(AudioSocketKind.Hangup);
}

/** An error message with an optional 1-byte code. */
export function errorMessage(code?: number): Buffer {
  return buildAudioSocketMessage(
    AudioSocketKind.Error,
    code === undefined ? new Uint8Array(0) : Uint8Array.of(code & 0xff),
  );
}
