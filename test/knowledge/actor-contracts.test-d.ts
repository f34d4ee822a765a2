/**
 * Type tests: the knowledge actors fit the call machine's actor contracts. Checked by the type
 * checker (`vitest` typecheck in the unit project, and `npm run typecheck`), never run.
 */
import { describe, expectTypeOf, it } from 'vitest';
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
import type { PrefetchEvent, SttEvent } from '../../src/machines/call.types.js';

describe('knowledge actors fit the call machine contracts', () => {
  it('prefetchEmbedding', () => {
    expectTypeOf(createPrefetchEmbeddingActor).returns.toExtend<CallActors['prefetchEmbedding']>();
    expectTypeOf<PrefetchEmbeddingEmitted>().toExtend<PrefetchEvent>();
    expectTypeOf<SttEvent>().toExtend<PrefetchEmbeddingEvent>();
  });

  it('retrieve', () => {
    expectTypeOf(createRetrieveActor).returns.toExtend<CallActors['retrieve']>();
    expectTypeOf<RetrieveOutput>().toExtend<CallRetrieveOutput>();
  });
});
