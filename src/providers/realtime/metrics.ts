/**
 * The metrics of speech-to-speech sessions (catalogued in src/telemetry/catalog.ts): sessions by
 * outcome of opening, failures by kind and phase, and tool calls by result.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { RealtimeFailure } from '../../errors.js';
import { catalogCounter } from '../../telemetry/catalog.js';

/** Counts a session asked for: `opened`, `failed` or `aborted` (hang-up while opening). */
export function countSession(
  registry: Registry | undefined,
  outcome: 'opened' | 'failed' | 'aborted',
): void {
  if (registry) catalogCounter(registry, 'voxstate_realtime_sessions_total').inc({ outcome });
}

/** Counts a failed session: while opening (`open`) or during the call (`call`). */
export function countFailure(
  registry: Registry | undefined,
  failure: RealtimeFailure,
  phase: 'open' | 'call',
): void {
  if (registry)
    catalogCounter(registry, 'voxstate_realtime_failures_total').inc({ failure, phase });
}

/** Counts a tool call answered. */
export function countToolCall(registry: Registry | undefined, tool: string, ok: boolean): void {
  if (registry) {
    catalogCounter(registry, 'voxstate_realtime_tool_calls_total').inc({
      tool,
      result: ok ? 'ok' : 'error',
    });
  }
}
