/**
 * The streaming LLM interface. OpenAI-compatible and Anthropic providers implement it; routing,
 * retry and fail-over wrap it.
 *
 * @module
 */

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
