/**
 * What a retrieval asks and returns: the request, the passages with how they were found, and the
 * layer that served them. {@link HybridRetriever} (`./hybrid-retriever.ts`) implements it.
 *
 * @module
 */
import type { FoundBy, Passage } from './types.js';

/** The layer that served a retrieval. */
export type RetrievalLayer = 'cache' | 'local' | 'cloud' | 'keyword';

/** When the cloud embedding model is asked. */
export type CloudMode = 'fallback' | 'background' | 'off';

/** A passage for the answer prompt, with how the retriever found it. */
export interface RetrievedPassage extends Passage {
  /** Where it is written: `document:line`. */
  source: string;
  title: string;
  lang: string;
  /** Cosine similarity, when the vector index found it. */
  similarity?: number;
  /** BM25 score, when the keyword index found it. */
  keywordScore?: number;
  foundBy: FoundBy[];
}

/** The result of one retrieval. */
export interface RetrievalResult {
  passages: RetrievedPassage[];
  layer: RetrievalLayer;
  /** For a cache hit: the layer that originally computed the result. */
  computedBy: Exclude<RetrievalLayer, 'cache'>;
  /** Best cosine similarity of the serving vector layer; 0 for keyword-only. */
  similarity: number;
  /** Time spent waiting for an in-flight prefetch, ms. */
  waitedForPrefetchMs: number;
  /** Knowledge-base version the result belongs to. */
  version: string;
  /** Time the retrieval took, ms. */
  tookMs: number;
}

/** A retrieval request. */
export interface RetrieveRequest {
  query: string;
  /** Caller's language (en, ru, uk, he): passages in it are preferred. */
  language?: string;
  /** Passages wanted (default from the options). */
  k?: number;
  signal?: AbortSignal;
}
