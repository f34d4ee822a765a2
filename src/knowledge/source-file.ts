/**
 * Reading a knowledge-base file in bounded memory. A first pass streams the bytes once to hash
 * them, to check that they are UTF-8 text (noting the lines that are not) and to see whether the
 * file holds any text at all; a second pass streams the decoded text to the parser. Neither holds
 * more than one read buffer of the file.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Read buffer, bytes. */
const READ_CHUNK = 64 * 1024;
/** Lines with invalid UTF-8 named one by one; the rest are counted. */
const NAMED_INVALID_LINES = 5;

/** What the first pass found. */
export interface SourceInspection {
  /** SHA-256 of the bytes. */
  docHash: string;
  bytes: number;
  /** No text: no bytes, or only white space. */
  empty: boolean;
  /** Why the bytes are not text to ingest, when they are not. */
  notText?: string;
  /** The first lines holding bytes that are not UTF-8 (1-based). */
  invalidLines: number[];
  /** How many lines hold bytes that are not UTF-8. */
  invalidLineCount: number;
}

/**
 * A UTF-8 validator fed byte buffers split anywhere: counts invalid sequences, NUL and other
 * control bytes, and the lines the invalid sequences are on.
 */
class Utf8Scan {
  line = 1;
  bytes = 0;
  invalid = 0;
  nul = 0;
  controls = 0;
  hasText = false;
  invalidLines: number[] = [];
  invalidLineCount = 0;
  #need = 0;
  #lower = 0x80;
  #upper = 0xbf;
  #lastInvalidLine = 0;
  #bomChecked = false;

  push(buf: Uint8Array): void {
    let start = 0;
    if (!this.#bomChecked && buf.length > 0) {
      this.#bomChecked = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    this.bytes += buf.length;
    for (let i = start; i < buf.length; i++) {
      const b = buf[i]!;
      if (this.#need > 0) {
        if (b >= this.#lower && b <= this.#upper) {
          this.#need--;
          this.#lower = 0x80;
          this.#upper = 0xbf;
          continue;
        }
        this.#fail();
      }
      if (b < 0x80) {
        if (b === 0x0a) this.line++;
        else if (b === 0) this.nul++;
        else if (b < 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0c && b !== 0x0b && b !== 0x1b)
          this.controls++;
        else if (b === 0x7f) this.controls++;
        if (!this.hasText && b > 0x20) this.hasText = true;
        continue;
      }
      this.hasText = true;
      if (b >= 0xc2 && b <= 0xdf) this.#need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.#need = 2;
        if (b === 0xe0) this.#lower = 0xa0;
        if (b === 0xed) this.#upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.#need = 3;
        if (b === 0xf0) this.#lower = 0x90;
        if (b === 0xf4) this.#upper = 0x8f;
      } else this.#fail();
    }
  }

  end(): void {
    if (this.#need > 0) this.#fail();
  }

  #fail(): void {
    this.#need = 0;
    this.#lower = 0x80;
    this.#upper = 0xbf;
    this.invalid++;
    if (this.#lastInvalidLine === this.line) return;
    this.#lastInvalidLine = this.line;
    this.invalidLineCount++;
    if (this.invalidLines.length < NAMED_INVALID_LINES) this.invalidLines.push(this.line);
  }

  /** Why these bytes are not text, or undefined when they are. */
  verdict(): string | undefined {
    if (this.nul > 0)
      return 'binary file (it holds NUL bytes; text saved as UTF-16 does too: save it as UTF-8)';
    if (this.controls > Math.max(2, this.bytes / 100))
      return 'binary file (it holds control bytes that text does not)';
    if (this.invalid > this.bytes * 0.3)
      return 'not UTF-8 text (most of it is not UTF-8: a binary file, or text in another encoding; save it as UTF-8)';
    return undefined;
  }
}

/**
 * First pass over a file: its hash, whether it is text, whether it is empty, and the lines whose
 * bytes are not UTF-8.
 *
 * @example
 * ```ts
 * const seen = await inspectSource('kb/hours.md');
 * if (seen.notText) console.log(`refused: ${seen.notText}`);
 * ```
 */
export async function inspectSource(path: string, signal?: AbortSignal): Promise<SourceInspection> {
  const hash = createHash('sha256');
  const scan = new Utf8Scan();
  const stream = createReadStream(path, {
    highWaterMark: READ_CHUNK,
    ...(signal ? { signal } : {}),
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    scan.push(chunk);
  }
  scan.end();
  const notText = scan.verdict();
  return {
    docHash: hash.digest('hex'),
    bytes: scan.bytes,
    empty: !scan.hasText,
    ...(notText ? { notText } : {}),
    invalidLines: scan.invalidLines,
    invalidLineCount: scan.invalidLineCount,
  };
}

/**
 * Second pass: the file's text, decoded from UTF-8 piece by piece (a byte order mark is dropped,
 * bytes that are not UTF-8 become U+FFFD).
 */
export async function* readSourceText(
  path: string,
  signal?: AbortSignal,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  const stream = createReadStream(path, {
    highWaterMark: READ_CHUNK,
    ...(signal ? { signal } : {}),
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
