/**
 * `runEval`: places the scripted calls of an eval suite on a simulated line, several at a time,
 * against a runtime built from the configuration (knowledge base, prompts, providers), and
 * checks each answered utterance and each call's end. Without keys it runs offline like the
 * demo: the sample knowledge base in its own data folder (`.voxstate/eval`), so a user's data is
 * never touched. Each call's cost comes from its ledger, with the baseline the ledger keeps.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CostBreakdown } from '../cost/ledger.js';
import { TimeoutError } from '../errors.js';
import type { Passage } from '../knowledge/types.js';
import type { SttChoice } from '../runtime/config.js';
import { Runtime } from '../runtime/runtime.js';
import { sandboxSettings } from '../runtime/sandbox.js';
import {
  connectSimulatedLine,
  ingestSampleKnowledge,
  type SimulatedLine,
} from '../simulator/simulated-line.js';
import type { Logger } from '../telemetry/logger.js';
import { checkBudgets, checkOutcome, checkText, type ObservedTurn } from './checks.js';
import { summarizeCost } from './cost-summary.js';
import { createJudge, type Judge } from './judge.js';
import type { CallResult, EvalResult, TurnResult } from './results.js';
import { type EvalSelection, selectCalls } from './select.js';
import type { EvalCall, EvalSuite } from './suite.js';

export type { CallResult, EvalCostSummary, EvalResult, TurnResult } from './results.js';
export type { EvalSelection } from './select.js';

/** The eval's own data folder, relative to the current directory. */
export const EVAL_DATA_DIR = '.voxstate/eval';

/** How long the runtime may take to finish a call after the caller hung up. */
const WIND_DOWN_MS = 5_000;

/** Options of {@link runEval}; `only` and `languages` run part of the suite (see `select.ts`). */
export interface RunEvalOptions extends EvalSelection {
  /** Environment the runtime is configured from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The eval's data folder (default {@link EVAL_DATA_DIR}); `VOXSTATE_DATA_DIR` is not used. */
  dataDir?: string;
  /** Speech-to-text (default: `VOXSTATE_STT`, else whisper when its model is present, else script). */
  stt?: SttChoice;
  /** Calls in flight at once (default the suite's). */
  concurrency?: number;
  logger?: Logger;
  /** Called once the runtime is ready, before the first call. */
  onStart?: (info: { calls: number; stt: SttChoice; answerer: string; dataDir: string }) => void;
  /** Called as each call finishes. */
  onCall?: (call: CallResult, done: number, total: number) => void;
}

/** Resolves true when `promise` settles within `ms`; the timer is cleared either way. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Text folded for matching a transcript with the scripted words. */
const words = (text: string) =>
  text
    .normalize('NFKC')
    .toLocaleLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const passageRef = (p: Passage) => (p.source ? `${p.source} ${p.id}` : p.id);

/** Places one call and checks it. */
async function runCall(
  line: SimulatedLine,
  call: EvalCall,
  index: number,
  number: number,
  suite: EvalSuite,
  judge: Judge | undefined,
): Promise<CallResult> {
  const t0 = performance.now();
  const { sim, handle } = await line.placeCall(call.script, {
    language: call.language,
    callerNumber: `+1555020${String(index).padStart(4, '0')}`,
  });
  let transferred = false;
  const onDial = (report: { callerChannelId?: string }) => {
    if (report.callerChannelId === sim.channelId) transferred = true;
  };
  line.sim.on('dial', onDial);
  const passagesByTurn = new Map<number, string[]>();
  let lastPassages: readonly Passage[] = [];
  const subscription = handle.actor.subscribe((snapshot) => {
    const { passages } = snapshot.context;
    if (passages === lastPassages) return;
    lastPassages = passages;
    const turn = handle.session.timeline.turns().at(-1)?.turn;
    if (turn !== undefined && passages.length > 0) {
      passagesByTurn.set(turn, passages.map(passageRef));
    }
  });
  let timedOut = false;
  try {
    if (!(await within(sim.ended, suite.callTimeoutMs))) {
      timedOut = true;
      sim.hangup();
    }
    if (!(await within(handle.done, WIND_DOWN_MS))) {
      handle.actor.send({ type: 'media.hangup', reason: 'eval deadline' });
      if (!(await within(handle.done, WIND_DOWN_MS))) {
        throw new TimeoutError(`ending the eval call "${call.name}"`, 2 * WIND_DOWN_MS);
      }
    }
  } finally {
    subscription.unsubscribe();
    line.sim.off('dial', onDial);
  }
  const output = await handle.done;
  const timings = handle.session.timeline.turns();
  const used = new Set<number>();
  const turns: TurnResult[] = [];
  for (const [i, expected] of call.turns.entries()) {
    const want = words(expected.say);
    const timing =
      timings.find((t) => !used.has(t.turn) && words(t.callerText ?? '') === want) ??
      timings.find((t) => !used.has(t.turn) && t.turn === i + 1);
    if (timing) used.add(timing.turn);
    const base = timing?.endpointing ?? 0;
    const firstAudio = [timing?.filler, timing?.first_answer_audio].filter(
      (v): v is number => v !== undefined,
    );
    const seen: ObservedTurn = {
      botText: timing?.botText ?? '',
      passages: timing ? (passagesByTurn.get(timing.turn) ?? []) : [],
      ...(firstAudio.length ? { fillerMs: base + Math.min(...firstAudio) } : {}),
      ...(timing?.first_answer_audio !== undefined
        ? { answerMs: base + timing.first_answer_audio }
        : {}),
    };
    const budgets = { ...suite.budgets, ...expected.expect?.budgets };
    const checked = expected.expect !== undefined || Object.keys(budgets).length > 0;
    const failures = checked
      ? [
          ...(timing ? [] : ['the bot never took this turn']),
          ...(expected.expect ? checkText(expected.expect, seen) : []),
          ...checkBudgets(budgets, seen),
        ]
      : [];
    let judged: TurnResult['judged'];
    if (expected.expect?.judge !== undefined) {
      if (judge) {
        const verdict = await judge(expected.say, seen.botText, expected.expect.judge);
        judged = verdict.pass ? 'pass' : 'fail';
        if (!verdict.pass) failures.push(`judge: ${verdict.reason}`);
      } else {
        judged = 'skipped';
      }
    }
    turns.push({
      turn: i + 1,
      say: expected.say,
      bot: seen.botText,
      ...(seen.fillerMs !== undefined ? { fillerMs: Math.round(seen.fillerMs) } : {}),
      ...(seen.answerMs !== undefined ? { answerMs: Math.round(seen.answerMs) } : {}),
      passages: seen.passages,
      checked,
      failures,
      ...(judged ? { judged } : {}),
    });
  }
  const outcomeFailures = checkOutcome(call.outcome, {
    endReason: output.endReason,
    transferred,
    turns: output.turns,
    timedOut,
  });
  const cost: CostBreakdown = handle.session.ledger.breakdown();
  return {
    index,
    number,
    name: call.name,
    language: call.language,
    endReason: output.endReason,
    transferred,
    answeredTurns: output.turns,
    timedOut,
    wallMs: Math.round(performance.now() - t0),
    turns,
    outcomeChecked: call.outcome !== undefined || timedOut,
    outcomeFailures,
    passed: outcomeFailures.length === 0 && turns.every((t) => t.failures.length === 0),
    cost,
  };
}

/**
 * Runs `suite` (or the part `options.only` / `options.languages` select) and resolves with
 * every call's checks and cost. Never throws for a failed check: `result.passed` is false and
 * the failures are listed per turn and per call.
 *
 * @throws ConfigError when a selection pattern or language matches no call.
 *
 * @example
 * ```ts
 * const result = await runEval(await loadSuite('examples/evals/bakery.json'), { only: ['sunday'] });
 * expect(result.failures).toBe(0);
 * ```
 */
export async function runEval(
  wholeSuite: EvalSuite,
  options: RunEvalOptions = {},
): Promise<EvalResult> {
  const started = performance.now();
  const suite = selectCalls(wholeSuite, options);
  const userEnv = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? EVAL_DATA_DIR);
  const { base, stt } = sandboxSettings(userEnv, dataDir, 'eval', options.stt);
  const languages = [...new Set(suite.calls.map((c) => c.language))];
  await mkdir(dataDir, { recursive: true });
  const runtime = await Runtime.create({
    config: { ...base, stt, speech: { ...base.speech, languages } },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    await ingestSampleKnowledge(runtime, runtime.logger.child({}, { level: 'error' }));
    // The bot is measured warm, as it answers once ready: phrases pre-synthesized, nothing
    // competing for the CPU with the first calls' audio.
    await runtime.warmed;
    const judge = createJudge(runtime.config.answer, runtime.registry);
    options.onStart?.({
      calls: suite.calls.length,
      stt,
      answerer: runtime.answerer.kind,
      dataDir,
    });
    const line = await connectSimulatedLine(runtime);
    const results: CallResult[] = [];
    try {
      let next = 0;
      const total = suite.calls.length;
      const worker = async () => {
        while (next < total) {
          const index = next++;
          const call = suite.calls[index];
          if (!call) break;
          const number = wholeSuite.calls.indexOf(call) + 1;
          const result = await runCall(line, call, index, number, suite, judge);
          results.push(result);
          options.onCall?.(result, results.length, total);
        }
      };
      const concurrency = Math.max(1, options.concurrency ?? suite.concurrency);
      await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    } finally {
      await line.close();
    }
    results.sort((a, b) => a.index - b.index);
    const checks = results.reduce(
      (n, c) => n + c.turns.filter((t) => t.checked).length + (c.outcomeChecked ? 1 : 0),
      0,
    );
    const failures = results.reduce(
      (n, c) =>
        n +
        c.turns.filter((t) => t.failures.length > 0).length +
        (c.outcomeFailures.length > 0 ? 1 : 0),
      0,
    );
    return {
      suite: suite.name,
      stt,
      answerer: runtime.answerer.kind,
      dataDir,
      calls: results,
      checks,
      failures,
      passed: failures === 0,
      cost: summarizeCost(results, runtime.config.prices),
      wallMs: Math.round(performance.now() - started),
    };
  } finally {
    await runtime.close();
  }
}
