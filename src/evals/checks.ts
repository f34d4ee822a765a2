/**
 * The checks of an eval: what one answer must say (contains, does not contain, regex, cites a
 * knowledge-base passage), its latency budgets, and how the call ended. Each check yields a list
 * of failure messages, empty when it passed.
 *
 * @module
 */
import type { EvalBudgets, OutcomeExpectation, TurnExpectation } from './suite.js';

/** What the runner saw of one answered utterance. */
export interface ObservedTurn {
  /** What the bot said (all of it, or up to a barge-in). */
  botText: string;
  /** Sources and ids of the passages retrieved for the answer. */
  passages: string[];
  /** First audible response (filler or answer) after the caller's last word, ms. */
  fillerMs?: number;
  /** First answer audio after the caller's last word, ms. */
  answerMs?: number;
}

/** What the runner saw of one call's end. */
export interface ObservedOutcome {
  endReason: string;
  transferred: boolean;
  turns: number;
  timedOut: boolean;
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Case- and accent-insensitive folding for `contains` / `notContains`. */
function fold(text: string): string {
  return text.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, ' ');
}

/** The failures of an answer against its expectation (text and citation checks). */
export function checkText(expect: TurnExpectation, seen: ObservedTurn): string[] {
  const failures: string[] = [];
  const said = fold(seen.botText);
  for (const want of list(expect.contains)) {
    if (!said.includes(fold(want))) failures.push(`answer does not contain "${want}"`);
  }
  for (const unwanted of list(expect.notContains)) {
    if (said.includes(fold(unwanted))) failures.push(`answer contains "${unwanted}"`);
  }
  if (expect.matches !== undefined && !new RegExp(expect.matches, 'iu').test(seen.botText)) {
    failures.push(`answer does not match /${expect.matches}/`);
  }
  if (expect.cites !== undefined && !seen.passages.some((p) => p.includes(expect.cites ?? ''))) {
    failures.push(
      `no retrieved passage from "${expect.cites}" (got ${seen.passages.slice(0, 3).join(', ') || 'none'})`,
    );
  }
  return failures;
}

/** The failures of a turn's latencies against `budgets`. */
export function checkBudgets(budgets: EvalBudgets, seen: ObservedTurn): string[] {
  const failures: string[] = [];
  const check = (label: string, budget: number | undefined, value: number | undefined) => {
    if (budget === undefined) return;
    if (value === undefined) failures.push(`no ${label} (budget ${budget} ms)`);
    else if (value > budget) failures.push(`${label} ${Math.round(value)} ms > ${budget} ms`);
  };
  check('first audio', budgets.fillerMs, seen.fillerMs ?? seen.answerMs);
  check('answer audio', budgets.answerMs, seen.answerMs);
  return failures;
}

/** The failures of a call's end against its expected outcome. */
export function checkOutcome(
  expect: OutcomeExpectation | undefined,
  seen: ObservedOutcome,
): string[] {
  const failures: string[] = [];
  if (seen.timedOut) failures.push('the call did not end in time and was hung up');
  if (!expect) return failures;
  if (expect.endReason !== undefined && seen.endReason !== expect.endReason) {
    failures.push(`ended by ${seen.endReason}, expected ${expect.endReason}`);
  }
  if (expect.transferred !== undefined && seen.transferred !== expect.transferred) {
    failures.push(expect.transferred ? 'the call was not transferred' : 'the call was transferred');
  }
  if (expect.minTurns !== undefined && seen.turns < expect.minTurns) {
    failures.push(`${seen.turns} answered turns, expected at least ${expect.minTurns}`);
  }
  if (expect.maxTurns !== undefined && seen.turns > expect.maxTurns) {
    failures.push(`${seen.turns} answered turns, expected at most ${expect.maxTurns}`);
  }
  return failures;
}
