/**
 * A deterministic TTS engine for cache and playback tests: audio is derived from the text
 * (every byte tagged from the text's hash, 400 bytes per character), it counts its calls, and
 * it can be slowed down or made to fail.
 */
import { createHash } from 'node:crypto';
import { AbortedError, ProviderError } from '../../src/errors.js';
import type { TtsEngine, TtsRequest } from '../../src/providers/tts/tts-engine.js';

/** Options of {@link CountingEngine}. */
export interface CountingEngineOptions {
  name?: string;
  /** Delay before the first chunk, ms. */
  delayMs?: number;
  /** Chunks per clip (default 2). */
  chunks?: number;
  bytesPerChar?: number;
}

/** A fake engine that counts syntheses. */
export class CountingEngine implements TtsEngine {
  readonly name: string;
  calls = 0;
  failNext = false;
  readonly #opts: CountingEngineOptions;

  constructor(options: CountingEngineOptions = {}) {
    this.name = options.name ?? 'counting';
    this.#opts = options;
  }

  voiceFor(language: string, voice?: string): string {
    return voice ?? `v-${language}`;
  }

  /** The audio this engine produces for a text. */
  audioFor(text: string): Buffer {
    const tag = createHash('sha1').update(text).digest()[0] ?? 1;
    return Buffer.alloc(Math.max(1, text.length) * (this.#opts.bytesPerChar ?? 400), tag | 1);
  }

  async *synthesize(request: TtsRequest): AsyncIterable<Buffer> {
    this.calls += 1;
    if (this.failNext) {
      this.failNext = false;
      throw new ProviderError(this.name, 'scripted failure');
    }
    const audio = this.audioFor(request.text);
    const n = Math.max(1, this.#opts.chunks ?? 2);
    const size = Math.ceil(audio.byteLength / n);
    for (let at = 0; at < audio.byteLength; at += size) {
      const wait = at === 0 ? this.#opts.delayMs : 0;
      if (wait) await new Promise((r) => setTimeout(r, wait));
      if (request.signal?.aborted) throw new AbortedError('counting tts');
      yield audio.subarray(at, at + size);
    }
  }
}
