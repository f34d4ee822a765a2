/**
 * Retrieve actor: knowledge-base passages for the caller's question, from the hybrid retriever
 * (result cache, local vectors plus keywords, cloud fallback, keywords alone). It waits for the
 * prefetched query vector when one is in flight, and passes its abort signal on, so leaving the
 * state (hang-up, barge-in) cancels the work. A retrieval the call started on a stable partial
 * with the same words ({@link SpeculativeRetrieval}) is reused instead.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import type { HybridRetriever } from '../knowledge/hybrid-retriever.js';
import type { Passage } from '../knowledge/types.js';
import type {
  RetrieveInput as CallRetrieveInput,
  RetrieveOutput as CallRetrieveOutput,
} from './contracts.js';
import type { SpeculativeRetrieval } from './speculative-retrieval.js';

/** Input of the retrieve actor. */
export interface RetrieveInput {
  callId: string;
  query: string;
  language?: string;
}

/**
 * Output of the retrieve actor: what it returns, more precisely than the call machine's contract
 * (`src/actors/contracts.ts`), to which it is assignable.
 */
export interface RetrieveOutput {
  passages: Passage[];
  /** Layer that served: the result cache, the local model, the cloud model, or keywords only. */
  layer: 'cache' | 'local' | 'cloud' | 'keyword';
  /** Best cosine similarity of the serving vector layer (0 for keyword-only). */
  similarity: number;
  /** How long retrieval waited for the in-flight prefetch, ms. */
  waitedForPrefetchMs: number;
}

/** Dependencies of {@link createRetrieveActor}. */
export interface RetrieveDeps {
  retriever: HybridRetriever;
  /** Passages wanted (default: the retriever's). */
  k?: number;
  /** The call's retrieval started on a stable partial: reused when the transcript matches. */
  speculative?: SpeculativeRetrieval;
}

/**
 * Creates the retrieve actor logic.
 *
 * @example
 * ```ts
 * const machine = callMachine.provide({ actors: { retrieve: createRetrieveActor({ retriever }) } });
 * // invoke: { id: 'retrieve', src: 'retrieve', input: ({ context }) => ({ callId, query, language }), onDone, onError }
 * ```
 */
export function createRetrieveActor(deps: RetrieveDeps) {
  return fromPromise<CallRetrieveOutput, CallRetrieveInput>(
    async ({ input, signal }): Promise<RetrieveOutput> => {
      const early = deps.k ? undefined : deps.speculative?.take(input.query);
      const retrieve = () =>
        deps.retriever.retrieve({
          query: input.query,
          signal,
          ...(input.language ? { language: input.language } : {}),
          ...(deps.k ? { k: deps.k } : {}),
        });
      const result = early ? await early.catch(retrieve) : await retrieve();
      signal.throwIfAborted();
      return {
        passages: result.passages.map((p) => ({
          id: p.id,
          text: p.text,
          score: p.score,
          source: p.source,
        })),
        layer: result.layer,
        similarity: result.similarity,
        waitedForPrefetchMs: result.waitedForPrefetchMs,
      };
    },
  );
}
