/**
 * Cloud embeddings through the `openai` SDK (`embeddings.create`): OpenAI itself or any
 * OpenAI-compatible server (llama.cpp, vLLM, Ollama) given a base URL. Used by the hybrid
 * retriever as the lazy fallback layer.
 *
 * @module
 */
import OpenAI from 'openai';
import { AbortedError, ProviderError } from '../../errors.js';
import type { Embedder, EmbedOptions } from './embedder.js';

/** Options for {@link OpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** Embedding model, e.g. `text-embedding-3-small`. */
  model: string;
  /** Vector length of the model (1536 for text-embedding-3-small). */
  dimensions: number;
  apiKey: string;
  /** API base URL, e.g. `http://127.0.0.1:8080/v1`; default OpenAI's. */
  baseURL?: string;
  /** Ask the API to shorten vectors (text-embedding-3 models); sent as `dimensions`. */
  requestDimensions?: boolean;
  /** Deadline for one request, ms (default 10000). */
  timeoutMs?: number;
  /** SDK retries (default 1). */
  maxRetries?: number;
}

function normalize(values: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(values as ArrayLike<number>);
  let sum = 0;
  for (const v of out) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / norm;
  return out;
}

/**
 * OpenAI-compatible embedder.
 *
 * @example
 * ```ts
 * const cloud = new OpenAiEmbedder({ model: 'text-embedding-3-small', dimensions: 1536, apiKey });
 * const [v] = await cloud.embed(['do you deliver?'], { kind: 'query', signal });
 * ```
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly layer = 'cloud' as const;
  readonly #client: OpenAI;
  readonly #apiModel: string;
  readonly #requestDimensions: boolean;

  constructor(options: OpenAiEmbedderOptions) {
    this.#apiModel = options.model;
    this.model = `openai:${options.model}${options.requestDimensions ? `@${options.dimensions}` : ''}`;
    this.dimensions = options.dimensions;
    this.#requestDimensions = options.requestDimensions ?? false;
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      timeout: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 1,
    });
  }

  /** Embeds texts; vectors are L2-normalized. */
  async embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    try {
      const response = await this.#client.embeddings.create(
        {
          model: this.#apiModel,
          input: [...texts],
          encoding_format: 'float',
          ...(this.#requestDimensions ? { dimensions: this.dimensions } : {}),
        },
        options.signal ? { signal: options.signal } : {},
      );
      const vectors = [...response.data]
        .sort((a, b) => a.index - b.index)
        .map((d) => normalize(d.embedding));
      if (vectors.length !== texts.length) {
        throw new ProviderError(
          'openai-embeddings',
          `asked for ${texts.length} vectors, got ${vectors.length}`,
          { retryable: false },
        );
      }
      const wrong = vectors.find((v) => v.length !== this.dimensions);
      if (wrong) {
        throw new ProviderError(
          'openai-embeddings',
          `vector of ${wrong.length} dimensions, expected ${this.dimensions}`,
          { retryable: false },
        );
      }
      return vectors;
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      if (options.signal?.aborted || (err instanceof Error && err.name === 'APIUserAbortError')) {
        throw new AbortedError('cloud embedding', { cause: err });
      }
      const status = err instanceof OpenAI.APIError ? err.status : undefined;
      throw new ProviderError('openai-embeddings', (err as Error).message, {
        cause: err,
        ...(status !== undefined ? { status } : {}),
      });
    }
  }
}
