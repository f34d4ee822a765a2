/**
 * The streaming LLM interface. OpenAI-compatible and Anthropic providers implement it; routing,
 * retry and fail-over wrap it.
 *
 * @module
 */
import type { Registry } from 'prom-client';

/** One chat message. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** One streaming completion request. */
export interface LlmRequest {
  system: string;
  messages: readonly ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

/** Token usage of one completion, for budgets and the cost ledger. */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when the server reported no usage and the counts are estimates (4 chars a token). */
  estimated?: boolean;
}

/** What a stream yields: text deltas, then usage once at the end. */
export type LlmChunk = { type: 'text'; text: string } | { type: 'usage'; usage: LlmUsage };

/** A model behind one provider. */
export interface LlmProvider {
  /** Provider name, e.g. `openai` or `anthropic`. */
  readonly provider: string;
  /** Model id, e.g. `gpt-4o-mini`. */
  readonly model: string;
  /** Streams the answer; aborting `signal` closes the HTTP stream. */
  stream(request: LlmRequest): AsyncIterable<LlmChunk>;
}

/** Options every streaming provider takes. */
export interface LlmProviderOptions {
  /** Model id, e.g. `gpt-4o-mini` or `claude-haiku-4-5`. */
  model: string;
  /** API key; local OpenAI-compatible servers accept any value. */
  apiKey: string;
  /** Base URL (e.g. `http://127.0.0.1:8080/v1` for llama.cpp); default the provider's API. */
  baseURL?: string | undefined;
  /** Deadline for the first text delta, ms (default 5000). */
  firstTokenTimeoutMs?: number;
  /** Longest pause between stream events, ms (default 5000). */
  idleTimeoutMs?: number;
  /** Default completion length cap in tokens (default 300: phone answers are short). */
  maxTokens?: number;
  /** Provider label for metrics and errors (default the provider's name). */
  name?: string;
  registry?: Registry;
}
