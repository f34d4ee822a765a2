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

/** A tool the model may call: its name, what it does and its JSON-schema parameters. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** One tool call the model made; `arguments` is the raw JSON text the model wrote. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * One finished tool round of this turn: what the model said and called, and each call's result,
 * sent back after the messages in the provider's own wire format.
 */
export interface ToolRound {
  text: string;
  calls: ToolCall[];
  results: Array<{ id: string; content: string; isError?: boolean }>;
}

/** One streaming completion request. */
export interface LlmRequest {
  system: string;
  messages: readonly ChatMessage[];
  /** Tools the model may call (none: a plain answer). */
  tools?: readonly ToolSpec[];
  /** Tool rounds of this turn so far, in order. */
  toolRounds?: readonly ToolRound[];
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

/** What a stream yields: text deltas, then each complete tool call, then usage once at the end. */
export type LlmChunk =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'usage'; usage: LlmUsage };

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
