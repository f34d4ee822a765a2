/**
 * Prefetch-embedding actor: while the filler plays, embeds the caller's question so that
 * retrieval finds the vector ready (seed 001). Started by the call machine in `thinking` (or
 * earlier, in `listening`, to act on stable partial transcripts); it receives the transcript and
 * reports where the vector came from. It never throws: a failed or skipped prefetch is reported
 * as `prefetch.failed`, and retrieval then embeds the query itself.
 *
 * @module
 */
import { fromCallback } from 'xstate';
import type { Prefetcher } from '../knowledge/prefetcher.js';
import type { PrefetchEvent, SttEvent } from '../machines/call.types.js';
import type { Logger } from '../telemetry/logger.js';

/** Input of the prefetch actor. */
export interface PrefetchEmbeddingInput {
  callId: string;
  language?: string;
}

/** Events the prefetch actor receives. */
export type PrefetchEmbeddingEvent = SttEvent;

/** Events the prefetch actor sends back to its parent. */
export type PrefetchEmbeddingEmitted =
  | { type: 'prefetch.ready'; source: 'memory' | 'redis' | 'local' | 'inflight' }
  | { type: 'prefetch.failed'; error: string };

/** Dependencies of {@link createPrefetchEmbeddingActor}. */
export interface PrefetchEmbeddingDeps {
  /** The process-wide prefetcher; undefined when no embedding model is configured. */
  prefetcher: Prefetcher | undefined;
  logger?: Logger;
}

/**
 * Creates the prefetch actor logic.
 *
 * @example
 * ```ts
 * const machine = callMachine.provide({
 *   actors: { prefetchEmbedding: createPrefetchEmbeddingActor({ prefetcher, logger }) },
 * });
 * // in the machine: invoke: { id: 'prefetch', src: 'prefetchEmbedding', input: ({ context }) => ({ callId: context.callId }) }
 * // and: sendTo('prefetch', { type: 'stt.final', text })
 * ```
 */
export function createPrefetchEmbeddingActor(deps: PrefetchEmbeddingDeps) {
  return fromCallback<SttEvent, PrefetchEmbeddingInput, PrefetchEvent>(
    ({ input, sendBack, receive }) => {
      let stopped = false;
      const started = new Set<string>();
      const send = (event: PrefetchEmbeddingEmitted & PrefetchEvent): void => {
        if (!stopped) sendBack(event);
      };
      const start = (text: string, reply: boolean): void => {
        const trimmed = text.trim();
        if (!trimmed) {
          if (reply) send({ type: 'prefetch.failed', error: 'empty transcript' });
          return;
        }
        const { prefetcher } = deps;
        if (!prefetcher) {
          if (reply) send({ type: 'prefetch.failed', error: 'no embedding model configured' });
          return;
        }
        if (started.has(trimmed) && !reply) return;
        started.add(trimmed);
        void prefetcher.prefetch(trimmed).then(({ outcome, error }) => {
          if (outcome === 'failed') {
            deps.logger?.debug({ callId: input.callId, err: error }, 'prefetch failed');
            if (reply) send({ type: 'prefetch.failed', error: error ?? 'prefetch failed' });
          } else if (outcome === 'skipped') {
            if (reply)
              send({
                type: 'prefetch.failed',
                error: 'prefetch limit reached; retrieval embeds the query itself',
              });
          } else if (reply) send({ type: 'prefetch.ready', source: outcome });
        });
      };
      receive((event) => {
        if (event.type === 'stt.final') start(event.text, true);
      });
      return () => {
        stopped = true;
      };
    },
  );
}
