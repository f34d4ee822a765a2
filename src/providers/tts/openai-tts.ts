/**
 * OpenAI text-to-speech through the `openai` SDK, streamed: the request asks for raw PCM
 * (24 kHz signed 16-bit little-endian mono), and every network chunk is resampled and encoded
 * to the call's media format as it arrives, so the first frame can play before the rest is
 * generated. Works against any OpenAI-compatible server through `baseUrl`.
 *
 * @module
 */
import OpenAI from 'openai';
import { int16ToFloat32, WireEncoder } from '../../audio/index.js';
import { AbortedError, ProviderError } from '../../errors.js';
import type { TtsEngine, TtsRequest } from './tts-engine.js';

/** Sample rate of `response_format: 'pcm'`. */
export const OPENAI_PCM_RATE = 24_000;

/** Options for {@link createOpenAiTtsEngine}. */
export interface OpenAiTtsOptions {
  /** Base URL of the API (default the SDK's, `https://api.openai.com/v1`). */
  baseUrl?: string;
  apiKey?: string;
  /** Model (default `gpt-4o-mini-tts`). */
  model?: string;
  /** Voice used for every language unless `voices` names one (default `alloy`). */
  voice?: string;
  /** Voice per language code, e.g. `{ he: 'nova' }`. */
  voices?: Record<string, string>;
  /** Speaking style for models that take instructions. */
  instructions?: string;
  /** Per-request deadline, ms (default 10,000). */
  timeoutMs?: number;
  /** SDK retries before the first byte (default 1: a caller is waiting). */
  maxRetries?: number;
  /** A ready client (tests, shared clients); the options above are then ignored. */
  client?: OpenAI;
}

/** Drops a trailing odd byte of PCM into `carry` so that samples never straddle two chunks. */
class PcmCarry {
  #odd: number | undefined;

  /** The whole 16-bit samples now available, as bytes. */
  take(chunk: Uint8Array): Uint8Array {
    let bytes = chunk;
    if (this.#odd !== undefined) {
      const joined = new Uint8Array(chunk.byteLength + 1);
      joined[0] = this.#odd;
      joined.set(chunk, 1);
      bytes = joined;
      this.#odd = undefined;
    }
    if (bytes.byteLength % 2 === 1) {
      this.#odd = bytes[bytes.byteLength - 1];
      bytes = bytes.subarray(0, bytes.byteLength - 1);
    }
    return bytes;
  }
}

/** The OpenAI TTS engine. */
export class OpenAiTtsEngine implements TtsEngine {
  readonly name = 'openai';
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #voice: string;
  readonly #voices: Record<string, string>;
  readonly #instructions: string | undefined;

  constructor(options: OpenAiTtsOptions = {}) {
    this.#client =
      options.client ??
      new OpenAI({
        apiKey: options.apiKey ?? 'unset',
        baseURL: options.baseUrl,
        timeout: options.timeoutMs ?? 10_000,
        maxRetries: options.maxRetries ?? 1,
      });
    this.#model = options.model ?? 'gpt-4o-mini-tts';
    this.#voice = options.voice ?? 'alloy';
    this.#voices = options.voices ?? {};
    this.#instructions = options.instructions;
  }

  /** The configured voice for the language (OpenAI voices speak every language). */
  voiceFor(language: string, voice?: string): string {
    if (voice) return voice;
    const base = language.toLowerCase().split(/[-_]/)[0] ?? '';
    return this.#voices[language] ?? this.#voices[base] ?? this.#voice;
  }

  /** Streams the speech of `request.text` as wire bytes, chunk by chunk. */
  async *synthesize(request: TtsRequest): AsyncIterable<Buffer> {
    const { signal } = request;
    let response: Response;
    try {
      response = await this.#client.audio.speech.create(
        {
          model: this.#model,
          voice: this.voiceFor(request.language, request.voice),
          input: request.text,
          response_format: 'pcm',
          ...(this.#instructions ? { instructions: this.#instructions } : {}),
        },
        signal ? { signal } : {},
      );
    } catch (err) {
      throw this.#wrap(err, signal);
    }
    if (!response.body) throw new ProviderError('openai-tts', 'response has no body');
    const carry = new PcmCarry();
    const encoder = new WireEncoder(OPENAI_PCM_RATE, request.format);
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        const pcm = carry.take(chunk);
        if (pcm.byteLength === 0) continue;
        const out = encoder.push(int16ToFloat32(pcm, 'le'));
        if (out.byteLength > 0) yield out;
      }
    } catch (err) {
      throw this.#wrap(err, signal);
    }
    const tail = encoder.flush();
    if (tail.byteLength > 0) yield tail;
  }

  #wrap(err: unknown, signal: AbortSignal | undefined): Error {
    if (signal?.aborted || err instanceof OpenAI.APIUserAbortError) {
      return new AbortedError('openai tts', { cause: err });
    }
    if (err instanceof OpenAI.APIError) {
      return new ProviderError('openai-tts', err.message, { status: err.status, cause: err });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new ProviderError('openai-tts', message, { cause: err });
  }
}

/**
 * Creates the OpenAI TTS engine.
 *
 * @example
 * ```ts
 * const tts = createOpenAiTtsEngine({ apiKey: process.env.OPENAI_API_KEY, voice: 'nova' });
 * for await (const chunk of tts.synthesize({ text: 'Hello!', language: 'en', format: 'slin16' })) {
 *   playback.append(chunk);
 * }
 * ```
 */
export function createOpenAiTtsEngine(options: OpenAiTtsOptions = {}): OpenAiTtsEngine {
  return new OpenAiTtsEngine(options);
}
