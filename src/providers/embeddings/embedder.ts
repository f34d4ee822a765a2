/**
 * The text-embedding interface. Local models (worker pool) and cloud APIs implement it; caches
 * and the hybrid retriever wrap it.
 *
 * @module
 */

/** e5-style models embed queries and passages with different prefixes. */
export type EmbedKind = 'query' | 'passage';

/** Options for one embedding request. */
export interface EmbedOptions {
  kind: EmbedKind;
  signal?: AbortSignal;
}

/** Something that turns texts into unit-length vectors. */
export interface Embedder {
  /** Stable id used in cache keys and table names, e.g. `local:Xenova/multilingual-e5-small`. */
  readonly model: string;
  /** Vector length. */
  readonly dimensions: number;
  /** Where it runs: `local` (worker pool) or `cloud` (HTTP API). */
  readonly layer: 'local' | 'cloud';
  /** Embeds texts; vectors are L2-normalized. */
  embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]>;
}
