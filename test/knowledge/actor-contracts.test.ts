import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  CallActors,
  RetrieveOutput as CallRetrieveOutput,
} from '../../src/actors/contracts.js';
import {
  createPrefetchEmbeddingActor,
  type PrefetchEmbeddingEmitted,
  type PrefetchEmbeddingEvent,
} from '../../src/actors/prefetch-embedding.js';
import { createRetrieveActor, type RetrieveOutput } from '../../src/actors/retrieve.js';
import type { PrefetchEvent, SttEvent } from '../../src/calls/events.js';
import { HybridRetriever } from '../../src/knowledge/hybrid-retriever.js';
import type { KnowledgeStore } from '../../src/knowledge/store.js';

describe('knowledge actors fit the call machine contracts', () => {
  it('type-checks against CallActors (this file fails to compile otherwise)', () => {
    const retriever = new HybridRetriever({ store: {} as KnowledgeStore });
    const actors: Pick<CallActors, 'prefetchEmbedding' | 'retrieve'> = {
      prefetchEmbedding: createPrefetchEmbeddingActor({ prefetcher: undefined }),
      retrieve: createRetrieveActor({ retriever }),
    };
    expectTypeOf<RetrieveOutput>().toExtend<CallRetrieveOutput>();
    expectTypeOf<PrefetchEmbeddingEmitted>().toExtend<PrefetchEvent>();
    expectTypeOf<SttEvent>().toExtend<PrefetchEmbeddingEvent>();
    expect(Object.keys(actors)).toEqual(['prefetchEmbedding', 'retrieve']);
  });
});
