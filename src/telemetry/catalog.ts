/**
 * The catalogue of every voxstate metric that the docs, the alert rules and the Grafana
 * dashboard rely on: name, type, help, labels and buckets.
 *
 * Components create their metrics with the helpers in `metrics.ts` under these names; the
 * runtime calls {@link registerCatalog} once at start-up so that every catalogued metric exists
 * (and shows in `/metrics`) before its first observation. Tests check that the alert rules and
 * the dashboard use only names listed here. Times are in seconds, costs in currency units.
 *
 * @module
 */
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { counter, FAST_BUCKETS, gauge, histogram } from './metrics.js';

/** One catalogued metric. */
export interface CatalogEntry {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  labelNames: readonly string[];
  /** Histogram buckets; defaults to VOICE_LATENCY_BUCKETS. */
  buckets?: number[];
}

/** Buckets (seconds) for barge-in timing: fine around the 400 ms goal. */
export const BARGE_IN_BUCKETS = [
  0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8, 1, 1.5, 2, 3,
];

/** Buckets (currency units) for the cost of one call. */
export const COST_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5];

const c = (name: string, help: string, labelNames: string[] = []): CatalogEntry => ({
  name,
  type: 'counter',
  help,
  labelNames,
});
const g = (name: string, help: string, labelNames: string[] = []): CatalogEntry => ({
  name,
  type: 'gauge',
  help,
  labelNames,
});
const h = (
  name: string,
  help: string,
  labelNames: string[] = [],
  buckets?: number[],
): CatalogEntry => ({ name, type: 'histogram', help, labelNames, ...(buckets ? { buckets } : {}) });

/** Every catalogued metric. */
export const METRIC_CATALOG: readonly CatalogEntry[] = [
  // calls (runtime)
  g('voxstate_active_calls', 'Calls in progress'),
  c('voxstate_calls_total', 'Finished calls', ['direction', 'end_reason']),
  c('voxstate_amd_results_total', 'Answering-machine detection results on outbound calls', [
    'result',
    'cause',
  ]),
  c(
    'voxstate_recordings_total',
    'Call recordings by outcome (recorded, opted_out, failed, abandoned during the consent)',
    ['result'],
  ),
  h('voxstate_greeting_latency_seconds', 'Answer (StasisStart) to first greeting audio'),
  h(
    'voxstate_call_setup_seconds',
    'StasisStart to call ready (answered, media in the app and connected, bridged)',
    ['transport', 'outcome'],
  ),
  h('voxstate_stage_latency_seconds', 'End of speech to a stage of the turn', ['stage']),
  c('voxstate_barge_ins_total', 'Caller interruptions of bot audio'),
  h(
    'voxstate_barge_in_to_silence_seconds',
    'Caller speech onset to bot audio stopped, for barge-ins',
    [],
    BARGE_IN_BUCKETS,
  ),
  h(
    'voxstate_barge_in_detection_seconds',
    'Caller speech onset to the decision to silence the bot, for barge-ins',
    [],
    BARGE_IN_BUCKETS,
  ),
  c(
    'voxstate_barge_in_resumes_total',
    'Bot audio held for caller sound that stopped before it was a barge-in (then resumed)',
  ),
  c(
    'voxstate_background_voice_seconds_total',
    "Voice the detector heard that the caller-level gate took for voices around the caller (far under the caller's own level), seconds",
  ),
  c('voxstate_errors_total', 'Errors by kind and component', ['kind', 'component']),
  h('voxstate_prompt_upgrade_seconds', 'Compact to full prompt upgrade duration'),
  c(
    'voxstate_stt_fallbacks_total',
    'Utterances a speech-to-text engine failed and handed to the next engine, by failed engine and kind (refused, auth, rate_limit, timeout, dropped, server, bad_response)',
    ['engine', 'kind'],
  ),
  // embeddings and retrieval
  c(
    'voxstate_preemptive_answers_total',
    'Answers started on a stable, finished partial transcript before the end of the turn, by outcome: hit (the answer took it over) or miss (cancelled; its tokens are recorded as wasted)',
    ['outcome'],
  ),
  c(
    'voxstate_speculative_retrievals_total',
    'Retrievals started on a stable partial transcript, by outcome: hit (the final transcript reused it) or wasted (dropped)',
    ['outcome'],
  ),
  h(
    'voxstate_local_embedding_latency_seconds',
    'Local query embedding latency (cache miss)',
    [],
    FAST_BUCKETS,
  ),
  h('voxstate_fallback_embedding_latency_seconds', 'Cloud (fallback) query embedding latency'),
  c('voxstate_fallback_embedding_failures_total', 'Cloud embedding fallbacks that failed'),
  c('voxstate_embedding_cache_total', 'Embedding cache lookups by result and embedder layer', [
    'result',
    'layer',
  ]),
  c('voxstate_embedding_cache_errors_total', 'Embedding cache Redis errors by operation', ['op']),
  c('voxstate_hybrid_retrieval_total', 'Retrievals by the layer that served them', ['layer']),
  h('voxstate_retrieval_latency_seconds', 'Knowledge-base retrieval latency by layer', ['layer']),
  c('voxstate_retrieval_cache_total', 'Retrieval result cache lookups by result', ['result']),
  c('voxstate_prefetch_total', 'Embedding prefetches by outcome', ['outcome']),
  h(
    'voxstate_prefetch_wait_seconds',
    'How long retrieval waited for an in-flight prefetch',
    [],
    FAST_BUCKETS,
  ),
  // LLM
  h('voxstate_llm_first_token_seconds', 'LLM request to first token', ['provider', 'model']),
  c('voxstate_llm_tokens_total', 'LLM tokens by provider, model and direction', [
    'provider',
    'model',
    'direction',
  ]),
  c('voxstate_llm_errors_total', 'LLM request failures', ['provider', 'model', 'kind']),
  c('voxstate_llm_routing_decisions_total', 'Model routing decisions', ['model', 'reason']),
  c('voxstate_budget_exceeded_total', 'Per-turn budget overruns', ['budget']),
  c('voxstate_offline_answers_total', 'Answers given without the LLM (offline answerer)', [
    'outcome',
    'language',
  ]),
  c('voxstate_tool_calls_total', 'Tool calls by tool and status (ok, invalid, failed, timeout)', [
    'tool',
    'status',
  ]),
  // TTS
  c('voxstate_tts_cache_requests_total', 'TTS cache lookups', ['result', 'layer']),
  c('voxstate_tts_cache_errors_total', 'Redis errors of the TTS cache', ['op']),
  g('voxstate_tts_cache_hit_ratio', 'Share of TTS cache lookups served from any layer since start'),
  h('voxstate_tts_first_byte_seconds', 'TTS request to first audio byte', ['engine', 'cache']),
  c(
    'voxstate_tts_fallbacks_total',
    'Syntheses taken over by the fallback engine after a failure before the first byte',
    ['from', 'to'],
  ),
  h('voxstate_espeak_synthesis_seconds', 'espeak-ng synthesis of one sentence', [], FAST_BUCKETS),
  // telephony
  g('voxstate_ari_connected', '1 while the ARI events WebSocket is open'),
  c('voxstate_ari_reconnects_total', 'ARI events WebSocket reconnections'),
  c('voxstate_ari_unknown_events_total', 'ARI events without a model for their type', ['type']),
  h(
    'voxstate_ari_request_seconds',
    'ARI REST request duration by operation and outcome',
    ['operation', 'outcome'],
    FAST_BUCKETS,
  ),
  // infrastructure
  g('voxstate_redis_up', '1 while Redis is connected'),
  g('voxstate_worker_queue_depth', 'Tasks waiting in a worker pool queue', ['pool']),
  h('voxstate_worker_wait_seconds', 'Time a task waited for a worker', ['pool'], FAST_BUCKETS),
  h('voxstate_worker_run_seconds', 'Dispatch to a worker until its result arrived', ['pool']),
  c('voxstate_worker_errors_total', 'Worker pool failures by kind', ['pool', 'kind']),
  g(
    'voxstate_event_loop_delay_seconds',
    'Main event-loop delay since the previous scrape, by quantile (0.5, 0.99, max)',
    ['quantile'],
  ),
  // cost
  c('voxstate_call_cost_total', 'Cost of finished calls, currency units', ['component']),
  c('voxstate_call_cost_baseline_total', 'What finished calls would cost on the baseline'),
  h('voxstate_call_cost', 'Cost of one call, currency units', [], COST_BUCKETS),
  c('voxstate_call_cost_anomalies_total', 'Calls that cost more than 200% of the average'),
  c('voxstate_flag_assignments_total', 'Calls assigned to each flag variant', ['flag', 'variant']),
  c('voxstate_variant_cost_total', 'Cost of finished calls per flag variant', ['flag', 'variant']),
  // speech-to-speech (realtime) sessions
  c('voxstate_realtime_sessions_total', 'Realtime sessions asked for, by outcome of opening', [
    'outcome',
  ]),
  c('voxstate_realtime_failures_total', 'Realtime sessions that failed, by failure and phase', [
    'failure',
    'phase',
  ]),
  c('voxstate_realtime_tool_calls_total', 'Tool calls answered in realtime sessions', [
    'tool',
    'result',
  ]),
  // call log
  c('voxstate_call_events_dropped_total', 'Call log events dropped by the per-call bound'),
  // dead-letter queue
  c('voxstate_dlq_enqueued_total', 'Jobs put on the dead-letter queue', ['kind']),
  c('voxstate_dlq_retried_total', 'Dead-letter retries run', ['kind', 'result']),
  c('voxstate_dlq_failed_total', 'Jobs failed for good after the last attempt', ['kind']),
  g('voxstate_dlq_depth', 'Jobs waiting in the dead-letter queue', ['state']),
  g('voxstate_dlq_buffered', 'Jobs held in memory while Redis is unreachable'),
];

/** The catalogue entry for `name`; throws on an unknown name (a typo is a bug). */
export function catalogEntry(name: string): CatalogEntry {
  const entry = METRIC_CATALOG.find((e) => e.name === name);
  if (!entry) throw new Error(`metric ${name} is not in the catalogue`);
  return entry;
}

/** The counter `name` from the catalogue, created in `registry` on first use. */
export function catalogCounter(registry: Registry, name: string): Counter<string> {
  return counter(registry, catalogEntry(name));
}

/** The gauge `name` from the catalogue, created in `registry` on first use. */
export function catalogGauge(registry: Registry, name: string): Gauge<string> {
  return gauge(registry, catalogEntry(name));
}

/** The histogram `name` from the catalogue, created in `registry` on first use. */
export function catalogHistogram(registry: Registry, name: string): Histogram<string> {
  return histogram(registry, catalogEntry(name));
}

/**
 * Get-or-creates every catalogued metric in `registry`, with its type and labels.
 *
 * @example
 * ```ts
 * const registry = createRegistry();
 * registerCatalog(registry); // at start-up, before components add their observations
 * ```
 */
export function registerCatalog(registry: Registry): void {
  for (const entry of METRIC_CATALOG) {
    if (entry.type === 'counter') counter(registry, entry);
    else if (entry.type === 'gauge') gauge(registry, entry);
    else histogram(registry, entry);
  }
}
