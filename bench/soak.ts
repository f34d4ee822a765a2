/**
 * The soak: `npm run soak -- [--calls N] [--concurrency C] [--json]` (default 1,000 calls, 25 at
 * a time). Simulated calls through the whole stack (runtime, real ari-client, simulated Asterisk
 * over loopback in real time, the OpenAI fixture server as the LLM, espeak-ng TTS, the sample
 * knowledge base; transcripts from the caller script) with mixed caller behaviour: questions,
 * interruptions, silence (the bot reprompts), DTMF, and hang-ups in every phase.
 *
 * Afterwards it checks: no call left (runtime, simulator channels), no
 * handle, timer, socket or worker task left beyond those present after the warm-up, heap growth
 * per call under 2 KB (after forced GC), no unhandled rejection, and turn latency of the last
 * 100 calls no worse than that of the first 100. With `--json` the last line is one JSON object.
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import type { CallerScript, CallerStep } from '../src/simulator/caller-script.js';
import {
  type CallResult,
  forceGc,
  p5095,
  QUESTIONS,
  ResourceProbe,
  runCalls,
  startBenchRig,
  type TurnFigures,
  turnFigures,
} from './call-load.js';

/** A caller behaviour of the mix. */
interface Behaviour {
  name: string;
  steps: (q: string, q2: string) => CallerStep[];
}

const GREETED: CallerStep = { waitForBot: { silenceMs: 300 } };

const BEHAVIOURS: readonly Behaviour[] = [
  {
    name: 'question',
    steps: (q) => [GREETED, { say: q }, { waitForBot: { silenceMs: 500 } }, { hangup: true }],
  },
  {
    name: 'interrupt',
    steps: (q, q2) => [
      GREETED,
      { say: q },
      { say: q2, interruptAfterMs: 400 },
      { waitForBot: { silenceMs: 500 } },
      { hangup: true },
    ],
  },
  {
    name: 'silence',
    steps: (q) => [
      GREETED,
      { pause: 1_900 },
      { waitForBot: { silenceMs: 300 } },
      { say: q },
      { waitForBot: { silenceMs: 500 } },
      { hangup: true },
    ],
  },
  {
    name: 'dtmf',
    steps: (q) => [
      GREETED,
      { dtmf: '12', gapMs: 100 },
      { pause: 300 },
      { say: q },
      { waitForBot: { silenceMs: 500 } },
      { hangup: true },
    ],
  },
  { name: 'hangup_greeting', steps: () => [{ pause: 700 }, { hangup: true }] },
  { name: 'hangup_speaking', steps: (q) => [GREETED, { say: q }, { hangup: true }] },
  {
    name: 'hangup_thinking',
    steps: (q) => [GREETED, { say: q }, { pause: 560 }, { hangup: true }],
  },
  {
    name: 'hangup_answering',
    steps: (q) => [GREETED, { say: q }, { pause: 1_400 }, { hangup: true }],
  },
];

/** The script of soak call `index`: behaviours and questions rotate. */
export function soakScript(index: number): CallerScript {
  const b = BEHAVIOURS[index % BEHAVIOURS.length] as Behaviour;
  const k = Math.floor(index / BEHAVIOURS.length);
  const q = QUESTIONS[k % QUESTIONS.length]?.say ?? '';
  const q2 = QUESTIONS[(k + 1) % QUESTIONS.length]?.say ?? '';
  return { steps: b.steps(q, q2) };
}

/** The soak's flags (read by the docs test): `--json`, and the numbers below. */
export const SOAK_FLAGS = ['--json', '--calls', '--concurrency', '--warmup'] as const;

function arg(name: (typeof SOAK_FLAGS)[number], fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

function diffCounts(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function latency(turns: TurnFigures[]): Record<string, unknown> {
  return {
    answeredTurns: turns.length,
    speechEndToFillerMs: p5095(
      turns.map((t) => t.filler).filter((v): v is number => v !== undefined),
    ),
    speechEndToFirstAnswerAudioMs: p5095(turns.map((t) => t.firstAnswerAudio)),
    ownOverheadMs: p5095(turns.map((t) => t.overhead)),
    ownOverheadInclAnswererMs: p5095(turns.map((t) => t.overheadVsSimulated)),
  };
}

/** No worse: the last window's p50 and p95 within 20% + 5 ms of the first window's. */
function noWorse(
  first: Record<string, unknown>,
  last: Record<string, unknown>,
  key: string,
): boolean {
  const a = first[key] as { p50?: number; p95?: number };
  const b = last[key] as { p50?: number; p95?: number };
  const ok = (x?: number, y?: number) => x === undefined || y === undefined || y <= x * 1.2 + 5;
  return ok(a.p50, b.p50) && ok(a.p95, b.p95);
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const calls = arg('--calls', 1_000);
  const concurrency = arg('--concurrency', 25);
  const warmup = Math.min(arg('--warmup', 350), 1_000);
  const window = Math.min(100, Math.floor(calls / 2));
  const log = (line: string) => {
    if (!json) console.error(line);
  };
  let unhandled = 0;
  let uncaught = 0;
  process.on('unhandledRejection', (reason) => {
    unhandled++;
    log(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`);
  });
  process.on('uncaughtException', (err) => {
    uncaught++;
    log(`uncaught exception: ${err.stack ?? err.message}`);
  });

  const bench = await startBenchRig(
    { llmFirstTokenMs: 150, llmChunkMs: 20 },
    { VOXSTATE_MAX_SILENCE_MS: '1500' },
  );
  const { rig } = bench;
  const t0 = performance.now();
  try {
    log(`warm-up: ${warmup} calls`);
    await runCalls(rig, { calls: warmup, concurrency, script: soakScript, collect: false });
    bench.llm.requests.length = 0;
    await until(() => rig.runtime.activeCalls === 0 && rig.sim.channels.size === 0, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    forceGc();
    const heapBefore = process.memoryUsage().heapUsed;
    const resourcesBefore = resourceCounts();

    const first: TurnFigures[] = [];
    const last: TurnFigures[] = [];
    const endReasons: Record<string, number> = {};
    const errors: string[] = [];
    let done = 0;
    let turns = 0;
    let bargeIns = 0;
    const probe = new ResourceProbe();
    probe.start();
    const onDone = (r: CallResult) => {
      done++;
      // The fixture LLM server records every request for tests; the soak measures the runtime.
      bench.llm.requests.length = 0;
      turns += r.output?.turns ?? 0;
      bargeIns += r.output?.bargeIns ?? 0;
      const reason = r.error ? 'harness_error' : (r.output?.endReason ?? 'none');
      endReasons[reason] = (endReasons[reason] ?? 0) + 1;
      if (r.error && errors.length < 5) errors.push(r.error);
      if (r.index < window) first.push(...turnFigures(r, bench.simulatedFirstPieceMs));
      if (r.index >= calls - window) last.push(...turnFigures(r, bench.simulatedFirstPieceMs));
      if (done % 100 === 0)
        log(`${done}/${calls} calls, ${Math.round((performance.now() - t0) / 1000)} s`);
    };
    // Two halves with a drain and a forced GC between them: the second half's heap slope shows
    // per-call growth without one-off costs (JIT code, bounded caches filling up).
    const half = Math.floor(calls / 2);
    const common = {
      concurrency,
      script: soakScript,
      collect: false,
      callTimeoutMs: 60_000,
      onDone,
    };
    await runCalls(rig, { ...common, calls: half });
    await until(() => rig.runtime.activeCalls === 0 && rig.sim.channels.size === 0, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    forceGc();
    const heapMid = process.memoryUsage().heapUsed;
    await runCalls(rig, { ...common, calls: calls - half, firstIndex: half });
    const resources = probe.stop(calls, concurrency);

    const drained = await until(
      () => rig.runtime.activeCalls === 0 && rig.sim.channels.size === 0,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    forceGc();
    const heapAfter = process.memoryUsage().heapUsed;
    const resourcesAfter = resourceCounts();
    const queue = await rig.registry.getSingleMetric('voxstate_worker_queue_depth')?.get();
    const queued = (queue?.values ?? []).reduce((n, v) => n + v.value, 0);
    const leftover = diffCounts(resourcesBefore, resourcesAfter);
    const heapGrowthPerCallBytes = Math.round((heapAfter - heapBefore) / calls);
    const firstWindow = latency(first);
    const lastWindow = latency(last);
    const latencyOk =
      noWorse(firstWindow, lastWindow, 'speechEndToFirstAnswerAudioMs') &&
      noWorse(firstWindow, lastWindow, 'ownOverheadMs');
    const result = {
      calls,
      concurrency,
      warmupCalls: warmup,
      behaviours: BEHAVIOURS.map((b) => b.name),
      stt: 'script (transcripts from the caller script)',
      wallS: Math.round((performance.now() - t0) / 100) / 10,
      endReasons,
      turns,
      bargeIns,
      ...(errors.length ? { harnessErrors: errors } : {}),
      after: {
        activeCalls: rig.runtime.activeCalls,
        simulatorChannels: rig.sim.channels.size,
        workerQueueDepth: queued,
        activeResourcesDelta: leftover,
      },
      heap: {
        beforeMb: Math.round(heapBefore / 1e4) / 100,
        midMb: Math.round(heapMid / 1e4) / 100,
        afterMb: Math.round(heapAfter / 1e4) / 100,
        growthPerCallBytes: heapGrowthPerCallBytes,
        secondHalfGrowthPerCallBytes: Math.round((heapAfter - heapMid) / Math.max(1, calls - half)),
      },
      unhandledRejections: unhandled,
      uncaughtExceptions: uncaught,
      firstWindow: { calls: window, ...firstWindow },
      lastWindow: { calls: window, ...lastWindow },
      resources,
      checks: {
        noCallsLeft: drained,
        noResourcesLeft: Object.values(leftover).every((d) => d <= 0) && queued === 0,
        heapGrowthUnder2KbPerCall: heapGrowthPerCallBytes < 2_048,
        noUnhandledRejections: unhandled === 0 && uncaught === 0,
        latencyNoWorse: latencyOk,
        latencyInclAnswererNoWorse: noWorse(firstWindow, lastWindow, 'ownOverheadInclAnswererMs'),
        allCallsEnded: !endReasons.harness_error,
      },
    };
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else console.log(JSON.stringify(result, null, 2));
  } finally {
    await bench.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
  process.exit(0);
}
