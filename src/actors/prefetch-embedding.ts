/**
 * Prefetch-embedding actor: while the filler plays, embeds the caller's question so that
 * retrieval finds the vector ready (seed 001). Started by the call machine in `thinking`; it
 * receives the final transcript and emits where the vector came from (`prefetch.ready`), as
 * progress for the call's timeline. It never throws: a failed or skipped prefetch is emitted as
 * `prefetch.failed`, and retrieval then embeds the query itself.
 *
 * @module
 */
import { fromCallback } from 'xstate';
import type { PrefetchEvent, SttEvent } from '../calls/events.js';
import type { Prefetcher } from '../knowledge/prefetcher.js';
import type { Logger } from '../telemetry/logger.js';

/** Input of the prefetch actor. */
export interface PrefetchEmbeddingInput {
  callId: string;
  language?: string;
}

/** Events the prefetch actor receives. */
export type PrefetchEmbeddingEvent = SttEvent;

/** Progress the prefetch actor emits (for the call's timeline; nothing is sent to the machine). */
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
    ({ input, receive, emit }) => {
      let stopped = false;
      const report = (event: PrefetchEvent): void => {
        if (!stopped) emit(event);
      };
      const start = (text: string): void => {
        const trimmed = text.trim();
        const { prefetcher } = deps;
        if (!trimmed || !prefetcher) {
          const error = trimmed ? 'no embedding model configured' : 'empty transcript';
          report({ type: 'prefetch.failed', error });
          return;
        }
        void prefetcher.prefetch(trimmed).then(({ outcome, error }) => {
          if (outcome === 'failed') {
            deps.logger?.debug({ callId: input.callId, err: error }, 'prefetch failed');
            report({ type: 'prefetch.failed', error: error ?? 'prefetch failed' });
          } else if (outcome === 'skipped') {
            report({
              type: 'prefetch.failed',
              error: 'prefetch limit reached; retrieval embeds the query itself',
            });
          } else report({ type: 'prefetch.ready', source: outcome });
        });
      };
      receive((event) => {
        if (event.type === 'stt.final') start(event.text);
      });
      return () => {
        stopped = true;
      };
    },
  );
}
