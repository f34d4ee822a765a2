/**
 * Calls under load: `npm run bench -- calls [--json]`.
 *
 * 10, 50 and 100 concurrent simulated calls through the whole stack (the real runtime, the real
 * ari-client, the simulated Asterisk over loopback with AudioSocket media in real time, the
 * OpenAI fixture server as the LLM, espeak-ng TTS in its worker, the sample knowledge base with
 * the generated tiny embedder). Each call: greeting, two questions from the sample knowledge base,
 * hang-up. Transcripts come from the caller script (`stt: 'script'`, ASR time ~0).
 *
 * Per turn (ms after the end of the caller's speech): the filler's first frame, the first answer
 * frame, and the runtime's own overhead = the moment the first answer audio was queued minus
 * the provider time before it (retrieval, the answerer's time to its first piece or the simulated
 * LLM latency, TTS first byte). The answer then waits for the filler's phrase boundary by
 * design (shown as `fillerWaitMs`). Per load level: main-thread event-loop delay, CPU and memory
 * per call. The simulator and the fixture LLM run in the same process: their cost is included.
 *
 * Then barge-in (`bargeIn`, see `bench/barge-in.ts`): 40 scripted callers talk over the bot's
 * answer and 18 must not interrupt it (the bot's echo on the line, a cough, a short "mm-hm" or
 * "uh-huh"), 8 at a time: onset to bot silence as the caller hears it, and false barge-ins.
 * `bargeInBefore` runs the same callers with the previous rule (every window >= 0.8 for 416 ms,
 * no pause, no echo gate), emulated by configuration on a second rig.
 *
 * @module
 */
import type { CallerScript } from '../src/simulator/caller-script.js';
import { bargeInCases, runBargeInCases, summarizeBargeIn } from './barge-in.js';
import {
  type CallResult,
  forceGc,
  p5095,
  QUESTIONS,
  ResourceProbe,
  runCalls,
  type SimulatedLatency,
  startBenchRig,
  type TurnFigures,
  turnFigures,
} from './call-load.js';

const LEVELS = [
  { concurrency: 10, calls: 30 },
  { concurrency: 50, calls: 100 },
  { concurrency: 100, calls: 100 },
] as const;

const LATENCY: SimulatedLatency = { llmFirstTokenMs: 150, llmChunkMs: 20 };
const GOAL_P95_MS = 30;
const BARGE_IN_GOAL_P95_MS = 400;
const BARGE_IN = { interrupts: 40, others: 6, concurrency: 8 };
/** The barge-in rule before issue 13, as configuration of today's endpointer. */
const BARGE_IN_BEFORE: NodeJS.ProcessEnv = {
  VOXSTATE_BARGE_IN_PAUSE_MS: '416',
  VOXSTATE_BARGE_IN_MIN_SPEECH_MS: '416',
  VOXSTATE_BARGE_IN_MAX_GAP_MS: '1',
  VOXSTATE_BARGE_IN_ECHO_LOSS_DB: '200',
};

/** Greeting, two questions of the sample knowledge base, hang-up. */
export function callScript(index: number): CallerScript {
  const a = QUESTIONS[index % QUESTIONS.length];
  const b = QUESTIONS[(index + 1) % QUESTIONS.length];
  return {
    steps: [
      { waitForBot: { silenceMs: 400 } },
      { say: a?.say ?? '' },
      { waitForBot: { silenceMs: 700 } },
      { say: b?.say ?? '' },
      { waitForBot: { silenceMs: 700 } },
      { hangup: true },
    ],
  };
}

function summarize(results: CallResult[], simulatedLlm: number): Record<string, unknown> {
  const turns: TurnFigures[] = results.flatMap((r) => turnFigures(r, simulatedLlm));
  const pick = (f: (t: TurnFigures) => number | undefined) =>
    turns.map(f).filter((v): v is number => v !== undefined);
  const failed = results.filter((r) => r.error || r.output?.endReason !== 'hangup');
  return {
    calls: results.length,
    failedCalls: failed.length,
    ...(failed.length
      ? { failures: [...new Set(failed.map((r) => r.error ?? r.output?.endReason))].slice(0, 5) }
      : {}),
    answeredTurns: turns.length,
    speechEndToFillerMs: p5095(pick((t) => t.filler)),
    speechEndToFirstAnswerAudioMs: p5095(pick((t) => t.firstAnswerAudio)),
    speechEndToAnswerQueuedMs: p5095(pick((t) => t.answerReady)),
    fillerWaitMs: p5095(pick((t) => t.fillerWait)),
    providerMs: {
      retrieval: p5095(pick((t) => t.retrieval)),
      answererFirstPiece: p5095(pick((t) => t.answererFirstPiece)),
      simulatedLlmFirstPiece: simulatedLlm,
      ttsFirstByte: p5095(pick((t) => t.ttsFirstByte)),
    },
    ownOverheadMs: p5095(
      pick((t) => t.overhead),
      true,
    ),
    ownOverheadInclAnswererMs: p5095(
      pick((t) => t.overheadVsSimulated),
      true,
    ),
  };
}

/** Runs the suite. */
export default async function run(opts: { json: boolean }): Promise<Record<string, unknown>> {
  const log = (line: string) => {
    if (!opts.json) console.error(line);
  };
  const bench = await startBenchRig(LATENCY);
  let benchOpen = true;
  const closeBench = async () => {
    if (benchOpen) await bench.close();
    benchOpen = false;
  };
  const out: Record<string, unknown> = {
    stt: 'script (transcripts from the caller script; ASR time ~0)',
    llm: `OpenAI fixture server over HTTP, first token ${LATENCY.llmFirstTokenMs} ms, ${LATENCY.llmChunkMs} ms between chunks; first piece after ${bench.simulatedFirstPieceMs} ms`,
    tts: 'espeak-ng in its worker through the TTS cache (warm after the warm-up calls)',
    simulator: 'same process (its cost is in the CPU, memory and event-loop figures)',
    goal: `ownOverheadMs p95 < ${GOAL_P95_MS} ms at 50 calls`,
  };
  try {
    log('warm-up: 4 calls');
    await runCalls(bench.rig, { calls: 4, concurrency: 4, script: callScript, rampMs: 400 });
    let first = 4;
    for (const level of LEVELS) {
      forceGc();
      const probe = new ResourceProbe();
      probe.start();
      const results = await runCalls(bench.rig, {
        calls: level.calls,
        concurrency: level.concurrency,
        script: callScript,
        firstIndex: first,
      });
      first += level.calls;
      bench.llm.requests.length = 0;
      const resources = probe.stop(results.length, level.concurrency);
      const figures = { ...summarize(results, bench.simulatedFirstPieceMs), ...resources };
      out[`c${level.concurrency}`] = figures;
      log(`${level.concurrency} concurrent: ${JSON.stringify(figures)}`);
    }
    const c50 = out.c50 as { ownOverheadMs?: { p95?: number } } | undefined;
    out.goalMet = (c50?.ownOverheadMs?.p95 ?? Number.POSITIVE_INFINITY) < GOAL_P95_MS;
    log(`barge-in: ${BARGE_IN.interrupts} interrupting and ${BARGE_IN.others * 3} other callers`);
    const cases = await bargeInCases(BARGE_IN.interrupts, BARGE_IN.others);
    const bargeIn = summarizeBargeIn(await runBargeInCases(bench, cases, BARGE_IN.concurrency));
    out.bargeIn = {
      goal: `onsetToSilenceMs p95 < ${BARGE_IN_GOAL_P95_MS}, falseBargeIns 0`,
      ...bargeIn,
    };
    log(`barge-in: ${JSON.stringify(out.bargeIn)}`);
    await closeBench();
    const before = await startBenchRig(LATENCY, BARGE_IN_BEFORE);
    try {
      out.bargeInBefore = summarizeBargeIn(
        await runBargeInCases(before, cases, BARGE_IN.concurrency),
      );
      log(`barge-in, previous rule: ${JSON.stringify(out.bargeInBefore)}`);
    } finally {
      await before.close();
    }
  } finally {
    await closeBench();
  }
  return out;
}
