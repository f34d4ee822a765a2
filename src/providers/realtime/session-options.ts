/**
 * Options and result types of a `RealtimeSession` (session.ts).
 *
 * @module
 */
import type OpenAI from 'openai';
import type { Registry } from 'prom-client';
import type { ClientOptions } from 'ws';
import type { CostLedger } from '../../cost/ledger.js';
import type { Logger } from '../../telemetry/logger.js';
import type { RealtimeTurnDetection } from './config.js';
import type { RealtimeTool } from './tools.js';

/** Options of {@link RealtimeSession.open}. */
export interface RealtimeSessionOptions {
  model: string;
  voice: string;
  /** The compact instructions the session starts with. */
  instructions: string;
  turnDetection: RealtimeTurnDetection;
  /**
   * With `server_vad`/`semantic_vad`, the session answers and cancels by itself (default true);
   * false: it reports the caller's speech and commits each turn, the owner calls
   * {@link RealtimeSession.respond} and {@link RealtimeSession.interrupt} (the call machine).
   */
  vadResponds?: boolean;
  /** Model that transcribes the caller; undefined: no caller transcript. */
  transcribeModel?: string | undefined;
  /** Tools the model may call (`searchKnowledgeTool(...)`, actions). */
  tools?: readonly RealtimeTool[];
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  /** A ready client; `apiKey` and `baseUrl` are then ignored. */
  client?: OpenAI;
  /** WebSocket options, such as `ca` for a private certificate authority. */
  wsOptions?: ClientOptions;
  /** Deadline to connect and configure, ms (default 3000). */
  connectTimeoutMs?: number;
  /** Deadline for the session to acknowledge a request, ms (default 5000). */
  responseTimeoutMs?: number;
  /** Deadline of one tool call, ms (default 3000), unless the tool has its own `timeoutMs`. */
  toolTimeoutMs?: number;
  /** Where each response's usage is recorded. */
  ledger?: CostLedger;
  /** Where the session's metrics are counted (docs/operations/README.md). */
  registry?: Registry;
  logger?: Logger;
  /** Aborts opening, and closes the session later (hang-up). */
  signal?: AbortSignal;
}

/** Where a barge-in cut the model's speech. */
export interface Interruption {
  itemId: string;
  /** The audio the caller heard, ms: the item is truncated there. */
  audioEndMs: number;
}

/** The state of a session. */
export type RealtimeSessionState = 'open' | 'failed' | 'closed';
