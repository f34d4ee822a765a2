/**
 * The business's tools (its HTTP webhooks and enabled built-ins) as Realtime function tools: each
 * call the model makes runs through the same {@link ToolRunner} as in cascade mode (ajv argument
 * check, the webhook's own timeout rather than the session's tool deadline, metrics), under the session's signal and the turn's (hang-up and
 * barge-in abort it; after a barge-in no response follows the aborted call). A built-in's action (`call.end`, `call.transfer`) is handed to the brain and
 * its output is final: the model is not asked for another response, the call machine speaks next.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { ToolAction, ToolOutcome, ToolRunner } from '../answer/tool-runner.js';
import { FinalToolOutput, type RealtimeTool } from '../providers/realtime/tools.js';

/** What the tools report to the call's brain. */
export interface RealtimeToolHooks {
  /** The turn's signal, aborted at barge-in. */
  turnSignal(): AbortSignal;
  /** A built-in decided the turn. */
  onAction(action: ToolAction): void;
  /** A call ran (for the call log). */
  onOutcome(name: string, outcome: ToolOutcome, ms: number): void;
}

/**
 * `tool` run under the turn's signal as well (a barge-in aborts it): a call the caller interrupted
 * is final, so the session does not answer a turn the caller has moved on from.
 *
 * @example
 * ```ts
 * tools: [finalOnBargeIn(searchKnowledgeTool(retrieve), () => turn.signal)]
 * ```
 */
export function finalOnBargeIn(tool: RealtimeTool, turnSignal: () => AbortSignal): RealtimeTool {
  return {
    ...tool,
    async run(args, signal) {
      const turn = turnSignal();
      try {
        const out = await tool.run(args, AbortSignal.any([signal, turn]));
        return turn.aborted && !signal.aborted ? new FinalToolOutput(out) : out;
      } catch (err) {
        if (turn.aborted && !signal.aborted) return new FinalToolOutput({ error: INTERRUPTED });
        throw err;
      }
    },
  };
}

const INTERRUPTED = 'the caller interrupted; the call was abandoned';

/** Time the runner may take beyond a webhook's timeout to answer with its failure text, ms. */
const RUNNER_MARGIN_MS = 1_000;

/**
 * A webhook's deadline in the session: its own timeout (the runner enforces it and answers
 * with the tool's failure text), not the session's shorter tool deadline.
 */
function ownDeadline(timeoutMs: number | undefined): { timeoutMs?: number } {
  return timeoutMs === undefined ? {} : { timeoutMs: timeoutMs + RUNNER_MARGIN_MS };
}

/**
 * The runner's tools as Realtime tools.
 *
 * @example
 * ```ts
 * const tools = realtimeToolsOf(shared.tools, { turnSignal, onAction, onOutcome });
 * ```
 */
export function realtimeToolsOf(runner: ToolRunner, hooks: RealtimeToolHooks): RealtimeTool[] {
  return runner.specs.map((spec) => ({
    name: spec.name,
    description: spec.description,
    parameters: spec.parameters,
    ...ownDeadline(runner.timeoutMs(spec.name)),
    async run(args, signal) {
      const started = performance.now();
      const turn = hooks.turnSignal();
      let outcome: ToolOutcome;
      try {
        outcome = await runner.run(
          { id: randomUUID(), name: spec.name, arguments: JSON.stringify(args) },
          AbortSignal.any([signal, turn]),
        );
      } catch (err) {
        // A barge-in: the caller speaks next, the model is not asked to answer this turn again.
        if (turn.aborted && !signal.aborted) {
          return new FinalToolOutput({ error: INTERRUPTED });
        }
        throw err;
      }
      hooks.onOutcome(spec.name, outcome, performance.now() - started);
      if (!outcome.action) return outcome.content;
      hooks.onAction(outcome.action);
      return new FinalToolOutput(outcome.content);
    },
  }));
}
