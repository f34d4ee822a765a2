/**
 * What an eval run produced: per call, its checked turns, its end, its cost; per suite, the
 * counts and the cost against the baseline. Plain data, printed as a table, JUnit or JSON.
 *
 * @module
 */
import type { CostBreakdown } from '../cost/ledger.js';

/** One scripted utterance and the bot's answer to it. */
export interface TurnResult {
  /** 1-based, among the call's `say` steps. */
  turn: number;
  say: string;
  bot: string;
  /** First audible response (filler or answer) after the caller's last word, ms. */
  fillerMs?: number;
  /** First answer audio after the caller's last word, ms. */
  answerMs?: number;
  /** Retrieved passages (`source id`). */
  passages: string[];
  /** The turn had an expectation or a budget. */
  checked: boolean;
  /** Why it failed; empty when it passed. */
  failures: string[];
  /** The LLM judge's verdict, `skipped` without an LLM key. */
  judged?: 'pass' | 'fail' | 'skipped';
}

/** One scripted call. */
export interface CallResult {
  /** Position among the calls run (0-based). */
  index: number;
  /** Position in the suite file (1-based, a repeat counting once): what `--only 7` selects. */
  number: number;
  name: string;
  language: string;
  endReason: string;
  transferred: boolean;
  answeredTurns: number;
  /** The call did not end within the suite's `callTimeoutMs` and was hung up. */
  timedOut: boolean;
  wallMs: number;
  turns: TurnResult[];
  /** The call's end was checked (an expected outcome, or a timeout). */
  outcomeChecked: boolean;
  outcomeFailures: string[];
  passed: boolean;
  cost: CostBreakdown;
}

/** The suite's cost against the baseline (all-strong model, no caches, cloud STT). */
export interface EvalCostSummary {
  currency: string;
  /** Where the prices come from (`PriceTable.source`). */
  prices: string;
  /** What the baseline re-prices on, e.g. `stt: cloud, llm: claude-sonnet-4-5`. */
  baseline: string;
  total: number;
  baselineTotal: number;
  /** `baselineTotal - total`. */
  savings: number;
  /** Savings as a fraction of the baseline (0 without a baseline). */
  savingsRatio: number;
  /** Average per call. */
  perCall: number;
  baselinePerCall: number;
  /** Actual and baseline per component. */
  byComponent: Record<string, { total: number; baseline: number }>;
  /**
   * The routing classifier's share of `total` (the calls' `llm:routing:<model>` lines, in the
   * LLM component; the baseline has none). 0 when the classifier is off or decided nothing.
   */
  routing: number;
}

/** A whole run. */
export interface EvalResult {
  suite: string;
  stt: string;
  answerer: string;
  dataDir: string;
  calls: CallResult[];
  /** Checked turns plus checked call ends. */
  checks: number;
  /** Failed checks. */
  failures: number;
  passed: boolean;
  cost: EvalCostSummary;
  wallMs: number;
}
