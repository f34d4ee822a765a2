/**
 * Prometheus metrics of the LLM providers: first-token latency per model, tokens per model and
 * direction, and errors by kind.
 *
 * @module
 */
import type { Counter, Histogram, Registry } from 'prom-client';
import { counter, histogram } from '../../telemetry/metrics.js';

/** The metrics every LLM provider records. */
export interface LlmMetrics {
  /** `voxstate_llm_first_token_seconds{provider,model}`: request start to first text delta. */
  firstToken: Histogram<'provider' | 'model'>;
  /** `voxstate_llm_tokens_total{provider,model,direction}`: direction is `input` or `output`. */
  tokens: Counter<'provider' | 'model' | 'direction'>;
  /** `voxstate_llm_errors_total{provider,model,kind}`: kind is the voxstate error code. */
  errors: Counter<'provider' | 'model' | 'kind'>;
}

/** Gets or creates the LLM provider metrics on `registry`. */
export function llmMetrics(registry: Registry): LlmMetrics {
  return {
    firstToken: histogram(registry, {
      name: 'voxstate_llm_first_token_seconds',
      help: 'Time from LLM request to the first streamed text, by provider and model',
      labelNames: ['provider', 'model'] as const,
    }),
    tokens: counter(registry, {
      name: 'voxstate_llm_tokens_total',
      help: 'LLM tokens by provider, model and direction (input/output)',
      labelNames: ['provider', 'model', 'direction'] as const,
    }),
    errors: counter(registry, {
      name: 'voxstate_llm_errors_total',
      help: 'LLM request failures by provider, model and error kind',
      labelNames: ['provider', 'model', 'kind'] as const,
    }),
  };
}
