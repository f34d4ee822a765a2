/**
 * Speculative retrieval of one call: retrieval (query embedding and search) started on a
 * partial transcript before the caller's turn ends, so the passages are ready, or nearly, when
 * the final transcript arrives. A partial is worth it when it is stable: the engine marks it
 * stable, or it stayed unchanged for `stableMs` on the call's clock. A newer stable partial
 * with other words drops the one in flight. The retrieve actor then {@link take}s it: when the
 * final transcript matches the speculated text (after {@link normalizeQuery}) the result is
 * reused (a hit), otherwise it is dropped (waste). Both are counted in
 * `voxstate_speculative_retrievals_total{outcome}`.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { HybridRetriever } from '../knowledge/hybrid-retriever.js';
import { normalizeQuery } from '../knowledge/normalize.js';
import type { RetrievalResult } from '../knowledge/retrieval-types.js';
import type { PacerClock } from '../media/pacer.js';
import { catalogCounter } from '../telemetry/catalog.js';

/** Dependencies of {@link SpeculativeRetrieval}. */
export interface SpeculativeRetrievalDeps {
  retriever: Pick<HybridRetriever, 'retrieve'>;
  /** The call's clock (the playback queue's). */
  clock: PacerClock;
  /** The call's language, for the retrieval. */
  language: () => string | undefined;
  /** How long a partial must stay unchanged to be retrieved, ms (default 200). */
  stableMs?: number;
  registry?: Registry;
}

interface Speculation {
  key: string;
  controller: AbortController;
  result: Promise<RetrievalResult>;
}

/**
 * One call's speculative retrieval.
 *
 * @example
 * ```ts
 * const speculative = new SpeculativeRetrieval({ retriever, clock: session.playback.clock, language });
 * // endpointing: onPartial: (p) => speculative.partial(p.text, p.stable)
 * // retrieve: const early = speculative.take(query); const result = early ? await early : ...
 * ```
 */
export class SpeculativeRetrieval {
  readonly #deps: SpeculativeRetrievalDeps;
  readonly #outcomes;
  #current: Speculation | undefined;
  #timer: unknown;
  /** Speculations whose result the final transcript reused. */
  hits = 0;
  /** Speculations dropped (the caller went on, or the final said something else). */
  wasted = 0;

  constructor(deps: SpeculativeRetrievalDeps) {
    this.#deps = deps;
    this.#outcomes = deps.registry
      ? catalogCounter(deps.registry, 'voxstate_speculative_retrievals_total')
      : undefined;
  }

  /** A partial transcript of the utterance in progress. */
  partial(text: string, stable: boolean): void {
    const key = normalizeQuery(text);
    if (!key || key === this.#current?.key) return;
    this.#clearTimer();
    if (stable) {
      this.#start(text, key);
      return;
    }
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#start(text, key);
    }, this.#deps.stableMs ?? 200);
  }

  /**
   * The retrieval for `text` now (a preemptive answer needs its passages): the one in flight
   * for the same words, or a new one in its place. The final transcript still {@link take}s it.
   */
  ensure(text: string): Promise<RetrievalResult> {
    const key = normalizeQuery(text);
    if (this.#current?.key !== key) {
      this.#clearTimer();
      this.#start(text, key);
    }
    return (this.#current as Speculation).result;
  }

  /**
   * The final transcript: the speculated result when it was retrieved for the same words, or
   * undefined (whatever was speculated is dropped and counted as waste).
   */
  take(query: string): Promise<RetrievalResult> | undefined {
    this.#clearTimer();
    const current = this.#current;
    this.#current = undefined;
    if (!current) return undefined;
    if (current.key === normalizeQuery(query)) {
      this.hits++;
      this.#outcomes?.inc({ outcome: 'hit' });
      return current.result;
    }
    this.#drop(current);
    return undefined;
  }

  /** Drops what is in flight (hang-up, barge-in). */
  close(): void {
    this.#clearTimer();
    if (this.#current) this.#drop(this.#current);
    this.#current = undefined;
  }

  #start(text: string, key: string): void {
    if (this.#current) this.#drop(this.#current);
    const controller = new AbortController();
    const language = this.#deps.language();
    const result = this.#deps.retriever.retrieve({
      query: text,
      signal: controller.signal,
      ...(language ? { language } : {}),
    });
    result.catch(() => undefined);
    this.#current = { key, controller, result };
  }

  #drop(s: Speculation): void {
    s.controller.abort();
    this.wasted++;
    this.#outcomes?.inc({ outcome: 'wasted' });
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
