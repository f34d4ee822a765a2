/**
 * One tool round of an LLM answer: the calls the model made are run in order through the call's
 * {@link ToolRunner} (each announced as `tool` events, a slow one flagged so the answer actor can
 * cover it with a filler), counted against the turn budget, and collected into the
 * {@link ToolRound} that goes back to the model. A built-in tool's action ends the round.
 *
 * @module
 */
import type { ToolCall, ToolRound } from '../providers/llm/llm-provider.js';
import type { AnswerEvent } from './answerer.js';
import type { TurnBudget } from './budget.js';
import type { ToolAction, ToolOutcome, ToolRunner } from './tool-runner.js';

/** What a round produced: the round for the model, or the action that ends the answer. */
export interface ToolRoundResult {
  round: ToolRound;
  action?: ToolAction;
}

/** Resolves true when `promise` has not settled within `ms`. */
function slowerThan(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms))
    return promise.then(
      () => false,
      () => false,
    );
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Runs the calls of one round.
 *
 * @throws BudgetExceededError (`tool_rounds`) when the turn has no tool round left;
 *   `AbortedError` when `signal` aborts (the running request is aborted with it).
 */
export async function* runToolRound(
  tools: ToolRunner,
  calls: readonly ToolCall[],
  text: string,
  signal: AbortSignal,
  budget: TurnBudget,
): AsyncGenerator<AnswerEvent, ToolRoundResult> {
  budget.beginToolRound();
  const round: ToolRound = { text, calls: [...calls], results: [] };
  for (const call of calls) {
    const started = performance.now();
    yield { type: 'tool', phase: 'start', name: call.name, arguments: call.arguments };
    const running = tools.run(call, signal);
    if (await slowerThan(running, tools.fillerAfterMs(call.name))) {
      yield { type: 'tool', phase: 'slow', name: call.name };
    }
    const outcome: ToolOutcome = await running;
    yield {
      type: 'tool',
      phase: 'end',
      name: call.name,
      status: outcome.status,
      ms: performance.now() - started,
      webhookMs: outcome.webhookMs,
      ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
    };
    round.results.push({
      id: call.id,
      content: outcome.content,
      ...(outcome.isError ? { isError: true } : {}),
    });
    if (outcome.action) return { round, action: outcome.action };
  }
  return { round };
}
