/**
 * What follows a finished response (`response.done`): its usage goes to the cost ledger, the
 * owner hears `response.done`, and the function calls it ended with are run, answered and
 * followed by the next response.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type {
  RealtimeClientEvent,
  RealtimeConversationItemFunctionCall,
  RealtimeResponse,
} from 'openai/resources/realtime/realtime';
import type { Registry } from 'prom-client';
import type { CostLedger } from '../../cost/ledger.js';
import { isAbortError } from '../../errors.js';
import type { Logger } from '../../telemetry/logger.js';
import type { RealtimeSessionEvents } from './events.js';
import { countToolCall } from './metrics.js';
import { answerToolCalls } from './tool-round.js';
import type { RealtimeTool } from './tools.js';
import { realtimeUsage } from './usage.js';

/** What {@link finishResponse} needs from its session. */
export interface FinishContext {
  model: string;
  tools: readonly RealtimeTool[];
  toolTimeoutMs: number;
  signal: AbortSignal;
  ledger?: CostLedger | undefined;
  registry?: Registry | undefined;
  logger?: Logger | undefined;
  send(event: RealtimeClientEvent): void;
  /** Asks for the next response when the tool outputs are in. */
  respond(): Promise<unknown>;
  /** True when the session is open and no response is in progress. */
  idle(): boolean;
}

/** Records, announces and follows up one finished response. */
export function finishResponse(
  target: EventEmitter<RealtimeSessionEvents>,
  response: RealtimeResponse,
  ctx: FinishContext,
): void {
  if (response.usage) {
    const usage = realtimeUsage(ctx.model, response.usage);
    target.emit('usage', usage, ctx.ledger?.record('realtime', usage) ?? 0);
  }
  const calls =
    response.status === 'completed'
      ? (response.output ?? []).filter(
          (item): item is RealtimeConversationItemFunctionCall => item.type === 'function_call',
        )
      : [];
  target.emit('response.done', {
    responseId: response.id ?? '',
    status: response.status ?? 'completed',
    toolCalls: calls.length,
  });
  if (calls.length > 0) void toolRound(target, calls, ctx);
}

async function toolRound(
  target: EventEmitter<RealtimeSessionEvents>,
  calls: RealtimeConversationItemFunctionCall[],
  ctx: FinishContext,
): Promise<void> {
  try {
    const final = await answerToolCalls(calls, {
      tools: ctx.tools,
      timeoutMs: ctx.toolTimeoutMs,
      signal: ctx.signal,
      send: ctx.send,
      onStart: (call) => target.emit('tool.started', call),
      onResult: ({ name, callId }, { ok, durationMs }) => {
        ctx.logger?.debug(
          { tool: name, ok, durationMs: Math.round(durationMs) },
          'realtime tool call',
        );
        countToolCall(ctx.registry, name, ok);
        target.emit('tool.done', { name, callId, ok, durationMs });
      },
    });
    if (!final && ctx.idle()) await ctx.respond();
  } catch (err) {
    if (isAbortError(err) || ctx.signal.aborted) return;
    ctx.logger?.warn({ err: (err as Error).message }, 'realtime tool answer not sent');
  }
}
