/**
 * Opens the Realtime session of one call from the configuration and the call's parts: its compact
 * prompt, the knowledge base as `search_knowledge`, the call's other tools, its cost ledger and
 * its hang-up signal. This is what the call runtime calls when a call's brain is `realtime`.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { ClientOptions } from 'ws';
import type { CostLedger } from '../../cost/ledger.js';
import type { Logger } from '../../telemetry/logger.js';
import type { RealtimeConfig } from './config.js';
import { RealtimeSession } from './session.js';
import { type RealtimeTool, type RetrieveFn, searchKnowledgeTool } from './tools.js';

/** What one call gives its session. */
export interface RealtimeCallParts {
  /** The call's compact prompt (prebuilt in the call registry). */
  compactPrompt: string;
  /** The knowledge base; given, the model gets `search_knowledge`. */
  retrieve?: RetrieveFn;
  /** Other tools (actions: transfer, end call, business webhooks). */
  tools?: readonly RealtimeTool[];
  ledger?: CostLedger;
  registry?: Registry;
  logger?: Logger;
  /** The call's signal: aborted at hang-up. */
  signal?: AbortSignal;
  /** WebSocket options, such as `ca` for a private certificate authority. */
  wsOptions?: ClientOptions;
  /** With the session's voice detection: it answers and cancels by itself (default true). */
  vadResponds?: boolean;
}

/**
 * Opens a call's session.
 *
 * @throws RealtimeSessionError when it cannot be opened (the call then answers in cascade mode).
 * @example
 * ```ts
 * const session = await openRealtimeForCall(realtimeConfigFromEnv(), {
 *   compactPrompt, retrieve: (q, signal) => retrievePassages(q, signal), ledger, logger, signal,
 * });
 * ```
 */
export function openRealtimeForCall(
  config: RealtimeConfig,
  parts: RealtimeCallParts,
): Promise<RealtimeSession> {
  const tools = [
    ...(parts.retrieve ? [searchKnowledgeTool(parts.retrieve)] : []),
    ...(parts.tools ?? []),
  ];
  return RealtimeSession.open({
    model: config.model,
    voice: config.voice,
    instructions: parts.compactPrompt,
    turnDetection: config.turnDetection,
    transcribeModel: config.transcribeModel,
    tools,
    apiKey: config.apiKey,
    baseUrl: config.baseUrl,
    connectTimeoutMs: config.connectTimeoutMs,
    responseTimeoutMs: config.responseTimeoutMs,
    toolTimeoutMs: config.toolTimeoutMs,
    ...(parts.vadResponds !== undefined ? { vadResponds: parts.vadResponds } : {}),
    ...(parts.wsOptions ? { wsOptions: parts.wsOptions } : {}),
    ...(parts.ledger ? { ledger: parts.ledger } : {}),
    ...(parts.logger ? { logger: parts.logger } : {}),
    ...(parts.registry ? { registry: parts.registry } : {}),
    ...(parts.signal ? { signal: parts.signal } : {}),
  });
}
