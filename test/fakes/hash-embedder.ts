/**
 * A deterministic test embedder: a hashed bag of (crudely stemmed) words, L2-normalized. Texts
 * that share words are similar, identical word sets have similarity 1. It counts calls and texts,
 * can add latency, and can be told to fail.
 *
 * @module
 */

import { AbortedError, WorkerError } from '../../src/errors.js';
import { keywordTerms } from '../../src/knowledge/keyword-terms.js';
import type { Embedder, EmbedOptions } from '../../src/providers/embeddings/embedder.js';

/** Options for {@link HashEmbedder}. */
export interface HashEmbedderOptions {
  model?: string;
  dimensions?: number;
  layer?: 'local' | 'cloud';
  /** Delay per call, ms. */
  latencyMs?: number;
  /** Seed mixed into the hash (two seeds give unrelated vector spaces). */
  seed?: number;
}

function fnv1a(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Vector of a text, as the fake embedders compute it. */
export function hashVector(text: string, dimensions: number, seed = 0): Float32Array {
  const v = new Float32Array(dimensions);
  const words = keywordTerms(text).split(' ').filter(Boolean);
  for (const w of words) {
    const h = fnv1a(w, seed);
    v[h % dimensions]! += h & 0x80000000 ? -1 : 1;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    v[0] = 1;
    return v;
  }
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/**
 * Hashed bag-of-words embedder for tests.
 *
 * @example
 * ```ts
 * const e = new HashEmbedder({ latencyMs: 5 });
 * await e.embed(['hello'], { kind: 'query' });
 * e.calls; // 1
 * ```
 */
export class HashEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly layer: 'local' | 'cloud';
  /** Calls of `embed`. */
  calls = 0;
  /** Texts embedded. */
  texts: string[] = [];
  latencyMs: number;
  /** When set, every call rejects with this error. */
  failWith: Error | undefined;
  readonly #seed: number;

  constructor(options: HashEmbedderOptions = {}) {
    this.model = options.model ?? 'test:hash-64';
    this.dimensions = options.dimensions ?? 64;
    this.layer = options.layer ?? 'local';
    this.latencyMs = options.latencyMs ?? 0;
    this.#seed = options.seed ?? 0;
  }

  async embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
    this.calls++;
    this.texts.push(...texts);
    if (this.latencyMs > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.latencyMs);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new AbortedError('hash embedding'));
        });
      });
    }
    if (this.failWith) throw this.failWith;
    if (options.signal?.aborted) throw new AbortedError('hash embedding');
    return texts.map((t) => hashVector(t, this.dimensions, this.#seed));
  }
}

/** A worker-style failure for tests. */
export function embedderFailure(): Error {
  return new WorkerError('embedding', 'model exploded');
}
