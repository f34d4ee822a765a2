/**
 * The answerer interface: a caller's question plus the retrieved passages in, a stream of
 * speakable text out. The LLM answerer (routing, budgets, retry and fail-over) and the offline
 * extractive answerer implement it; `createAnswerer` picks one from the configuration.
 *
 * @module
 */
import type { Passage } from '../knowledge/types.js';
import type { ChatMessage, LlmUsage } from '../providers/llm/llm-provider.js';
import type { ModelTier } from './heuristics.js';
import type { ToolAction, ToolOutcome, ToolRunner } from './tool-runner.js';

/** One question to answer. */
export interface AnswerRequest {
  /** The caller's phrase (transcript). */
  query: string;
  /** Retrieved passages, best first. */
  passages: Passage[];
  /** The call's conversation so far (see `history.ts`). */
  history: ChatMessage[];
  /** The system prompt in force (compact or full). */
  system: string;
  /** The caller's language code (`en`, `ru`, `uk`, `he`); detected from `query` when empty. */
  language: string;
  /** Aborted on barge-in and hang-up: the LLM stream closes, a running tool's request aborts. */
  signal: AbortSignal;
  /** The call's tools (none: the model is offered no tools). */
  tools?: ToolRunner;
}

/**
 * What an answer stream yields.
 *
 * - `model`: an LLM attempt starts on this model (one per attempt; `attempt` counts from 1).
 * - `text`: a speakable piece (a clause or a sentence) ready for TTS, in order. Pieces are
 *   released by the speech chunker, so the first one comes as early as possible.
 * - `usage`: token usage of one LLM call, for the cost ledger; `purpose: 'routing'` marks the
 *   routing classifier's request (made before the answer's first `model` event).
 * - `retry`: an attempt failed before anything was said; another model is tried.
 * - `offline`: the answer comes from the offline answerer (no LLM).
 * - `tool`: a tool call `start`s, is `slow` (past its filler delay: cover it) or `end`s.
 * - `action`: a built-in tool asks the call to transfer or end; the answer ends after it.
 * - `done`: the end, with the whole spoken text and how it ended.
 */
export type AnswerEvent =
  | {
      type: 'model';
      provider: string;
      model: string;
      tier: ModelTier;
      reason: string;
      attempt: number;
    }
  | { type: 'text'; text: string }
  | {
      type: 'usage';
      provider: string;
      model: string;
      usage: LlmUsage;
      /** `routing`: the routing classifier's request; absent: an answer request. */
      purpose?: 'routing';
    }
  | { type: 'retry'; provider: string; model: string; error: string }
  | { type: 'offline' }
  | {
      type: 'tool';
      phase: 'start';
      name: string;
      /** The model's arguments as JSON text: personal data, never logged. */
      arguments: string;
    }
  | { type: 'tool'; phase: 'slow'; name: string }
  | {
      type: 'tool';
      phase: 'end';
      name: string;
      status: ToolOutcome['status'];
      /** The whole tool call, ms (validation, request, reading the result). */
      ms: number;
      /** The part of it spent waiting for the webhook, ms. */
      webhookMs: number;
      /** The webhook's HTTP status, when it answered. */
      httpStatus?: number;
    }
  | { type: 'action'; action: ToolAction }
  | {
      type: 'done';
      text: string;
      offline: boolean;
      /**
       * `answered`; `fallback` (a spoken fallback phrase: budget exceeded or every model
       * failed); `truncated` (a model failed after part of the answer was spoken).
       */
      outcome: 'answered' | 'fallback' | 'truncated';
      /** With `outcome: 'fallback'`: why (`budget` exceeded, or every model `failed`). */
      fallback?: 'budget' | 'failed';
    };

/** Answers questions as a stream of {@link AnswerEvent}s. */
export interface Answerer {
  /** `llm` or `offline`. */
  readonly kind: 'llm' | 'offline';
  /** Streams the answer; throws `AbortedError` when `request.signal` is aborted. */
  answer(request: AnswerRequest): AsyncIterable<AnswerEvent>;
}
