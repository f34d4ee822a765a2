/**
 * One tool round of a Realtime session: the function calls a response ended with are run at
 * once, each within the tool deadline, and each is answered with a `function_call_output` item;
 * the session then asks for the next response.
 *
 * @module
 */
import type {
  RealtimeClientEvent,
  RealtimeConversationItemFunctionCall,
} from 'openai/resources/realtime/realtime';
import { type RealtimeTool, runToolCall, type ToolCallResult } from './tools.js';

/** What a tool round needs from its session. */
export interface ToolRoundDeps {
  tools: readonly RealtimeTool[];
  timeoutMs: number;
  /** The session's signal: a hang-up aborts the round. */
  signal: AbortSignal;
  send(event: RealtimeClientEvent): void;
  /** Called as each call starts. */
  onStart?(call: { name: string; callId: string }): void;
  /** Called as each call is answered. */
  onResult(call: { name: string; callId: string }, result: ToolCallResult): void;
}

/**
 * Runs and answers `calls`. True when one of them was final ({@link FinalToolOutput}): the
 * model is not asked for the next response.
 *
 * @throws AbortedError when the session's signal aborts.
 */
export async function answerToolCalls(
  calls: readonly RealtimeConversationItemFunctionCall[],
  deps: ToolRoundDeps,
): Promise<boolean> {
  const results = await Promise.all(
    calls.map(async (call) => {
      const callId = call.call_id ?? '';
      deps.onStart?.({ name: call.name, callId });
      const result = await runToolCall(
        deps.tools,
        call.name,
        call.arguments,
        deps.timeoutMs,
        deps.signal,
      );
      deps.onResult({ name: call.name, callId }, result);
      deps.send({
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: callId, output: result.output },
      });
      return result.final;
    }),
  );
  return results.some(Boolean);
}
