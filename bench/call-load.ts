/**
 * Load helpers for the call benchmarks (`bench/calls.bench.ts`, `bench/soak.ts`): a call rig
 * (the real runtime, the real ari-client and the simulated Asterisk over loopback, see
 * `test/fakes/call-rig.ts`) whose LLM is the OpenAI fixture server with a fixed first-token
 * latency, a runner that keeps a number of scripted calls in flight, and the per-turn figures
 * that separate the runtime's own overhead from provider time.
 *
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { TurnTiming } from '../src/calls/timeline.js';
import type { CallOutput } from '../src/machines/call.types.js';
import type { CallerScript } from '../src/simulator/caller-script.js';
import { SpeechChunker } from '../src/text/speech-chunker.js';
import { type CallRig, startCallRig } from '../test/fakes/call-rig.js';
import {
  type FixtureServer,
  type ScriptedReply,
  startOpenAiServer,
} from '../test/fakes/openai-server.js';

/** A question of the sample knowledge base and the simulated LLM's answer to it, in chunks. */
export interface BenchQuestion {
  say: string;
  /** What the turn's user message asks, after `Caller:` (the passages before it may name anything). */
  match: RegExp;
  chunks: string[];
}

/** Questions from the sample knowledge base (examples/knowledge-base/en/faq.jsonl). */
export const QUESTIONS: readonly BenchQuestion[] = [
  {
    say: 'Are you open on Sunday?',
    match: /Caller: [^\n]*sunday/i,
    chunks: ['Yes, on Sunday ', 'we are open from nine to three. ', 'Anything else?'],
  },
  {
    say: 'Do you deliver?',
    match: /Caller: [^\n]*deliver/i,
    chunks: ['Yes, we deliver ', 'within ten kilometres every day. ', 'Anything else?'],
  },
  {
    say: 'What time do you open?',
    match: /Caller: [^\n]*what time/i,
    chunks: ['On weekdays ', 'we open at seven. ', 'Anything else?'],
  },
  {
    say: 'Can I return a cake?',
    match: /Caller: [^\n]*return/i,
    chunks: ['Fresh cakes ', 'cannot be returned. ', 'Send us a photo if something is wrong.'],
  },
];

const FALLBACK_CHUNKS = ['Sorry, ', 'I did not catch that. ', 'Could you repeat?'];

/**
 * The runtime's settings for the OpenAI fixture at `baseURL`: one model, no routing, a first
 * token deadline that the fixture's latency never reaches.
 */
export function fixtureLlmEnv(baseURL: string): Record<string, string> {
  return {
    OPENAI_API_KEY: 'bench',
    OPENAI_BASE_URL: baseURL,
    VOXSTATE_LLM_CHEAP_MODEL: 'none',
    VOXSTATE_LLM_STRONG_MODEL: 'gpt-4o-mini',
    VOXSTATE_ROUTING: 'off',
    VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS: '10000',
  };
}

/** Simulated provider latencies. */
export interface SimulatedLatency {
  /** The fixture LLM's delay before its first chunk, ms. */
  llmFirstTokenMs: number;
  /** The fixture LLM's delay between chunks, ms. */
  llmChunkMs: number;
}

/** A running benchmark rig. */
export interface BenchRig {
  rig: CallRig;
  llm: FixtureServer;
  latency: SimulatedLatency;
  /**
   * Simulated LLM time until the answerer can release its first piece, ms: every scripted
   * answer completes its first sentence with the same chunk, so it is one number.
   */
  simulatedFirstPieceMs: number;
  close(): Promise<void>;
}

/** Simulated LLM time until a speech chunker releases its first piece of `chunks`, ms. */
export function simulatedFirstPiece(chunks: readonly string[], latency: SimulatedLatency): number {
  const chunker = new SpeechChunker();
  for (let i = 0; i < chunks.length; i++) {
    if (chunker.push(chunks[i] ?? '').length > 0)
      return latency.llmFirstTokenMs + i * latency.llmChunkMs;
  }
  return latency.llmFirstTokenMs + Math.max(0, chunks.length - 1) * latency.llmChunkMs;
}

/**
 * Starts the rig: script STT, the fixture LLM (routing off: one model), English slin16 phrases
 * pre-warmed into the TTS cache as in production.
 */
export async function startBenchRig(
  latency: SimulatedLatency,
  env: NodeJS.ProcessEnv = {},
): Promise<BenchRig> {
  const replies: ScriptedReply[] = QUESTIONS.map((q) => ({
    match: { lastUser: q.match },
    text: q.chunks,
    firstTokenMs: latency.llmFirstTokenMs,
    chunkDelayMs: latency.llmChunkMs,
  }));
  const llm = await startOpenAiServer({
    replies,
    fallback: {
      text: FALLBACK_CHUNKS,
      firstTokenMs: latency.llmFirstTokenMs,
      chunkDelayMs: latency.llmChunkMs,
    },
  });
  const rig = await startCallRig({
    stt: 'script',
    env: {
      ...fixtureLlmEnv(llm.baseURL),
      VOXSTATE_TTS_LANGUAGES: 'en',
      VOXSTATE_TTS_FORMATS: 'slin16',
      ...env,
    },
    configure: (c) => ({ ...c, speech: { ...c.speech, prewarm: true } }),
  });
  const firstPiece = new Set(
    [...QUESTIONS.map((q) => q.chunks), FALLBACK_CHUNKS].map((c) =>
      simulatedFirstPiece(c, latency),
    ),
  );
  if (firstPiece.size !== 1)
    throw new Error('scripted answers release their first piece at different chunks');
  return {
    rig,
    llm,
    latency,
    simulatedFirstPieceMs: [...firstPiece][0] ?? 0,
    async close() {
      await rig.close();
      await llm.close();
    },
  };
}

/** One finished call. */
export interface CallResult {
  index: number;
  output?: CallOutput;
  turns: TurnTiming[];
  error?: string;
  wallMs: number;
}

/** Options of {@link runCalls}. */
export interface RunCallsOptions {
  calls: number;
  concurrency: number;
  /** The script of call `index`. */
  script: (index: number) => CallerScript;
  /** The first `concurrency` calls start spread over this many ms (default 2000). */
  rampMs?: number;
  /** Index of the first call (default 0). */
  firstIndex?: number;
  /** Per-call timeout, ms (default 60000). */
  callTimeoutMs?: number;
  onDone?: (result: CallResult) => void;
  /** Keep the results and return them (default true; the soak keeps only what it needs). */
  collect?: boolean;
}

/**
 * Runs `calls` scripted calls, `concurrency` at a time, each up to its end on both sides;
 * resolves when all have ended.
 */
export async function runCalls(rig: CallRig, options: RunCallsOptions): Promise<CallResult[]> {
  const results: CallResult[] = [];
  const first = options.firstIndex ?? 0;
  const ramp = options.rampMs ?? 2_000;
  const timeoutMs = options.callTimeoutMs ?? 60_000;
  let next = 0;
  const one = async (index: number): Promise<void> => {
    const script = options.script(index);
    const t0 = performance.now();
    let result: CallResult;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const { sim, handle } = await rig.placeCall(script);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`call ${index} did not end in ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      const output = await Promise.race([handle.done, timeout]);
      await Promise.race([sim.ended, timeout]);
      result = {
        index,
        output,
        turns: handle.session.timeline
          .turns()
          .map((t) => ({ ...t, ...(t.marks ? { marks: { ...t.marks } } : {}) })),
        wallMs: performance.now() - t0,
      };
    } catch (err) {
      result = { index, turns: [], error: (err as Error).message, wallMs: performance.now() - t0 };
    } finally {
      clearTimeout(timer);
    }
    if (options.collect !== false) results.push(result);
    options.onDone?.(result);
  };
  const lane = async (lane: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, (lane * ramp) / Math.max(1, options.concurrency)));
    for (;;) {
      const i = next++;
      if (i >= options.calls) return;
      await one(first + i);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, options.calls) }, (_, l) => lane(l)),
  );
  return results.sort((a, b) => a.index - b.index);
}

/** The figures of one answered turn, ms. */
export interface TurnFigures {
  filler?: number;
  firstAnswerAudio: number;
  answerReady: number;
  transcript: number;
  retrieval: number;
  answererFirstPiece: number;
  simulatedLlm: number;
  ttsFirstByte: number;
  fillerWait: number;
  /** answerReady - retrieval - answererFirstPiece - ttsFirstByte (the transcript counts as ours). */
  overhead: number;
  /** answerReady - retrieval - simulatedLlm - ttsFirstByte: the answerer's own work counts too. */
  overheadVsSimulated: number;
}

/**
 * The figures of each answered turn of a call: turns whose answer audio was queued (turns that
 * were interrupted before, or that reprompted, have no answer marks and are left out).
 */
export function turnFigures(result: CallResult, simulatedLlm: number): TurnFigures[] {
  const out: TurnFigures[] = [];
  for (const t of result.turns) {
    const m = t.marks;
    if (
      !m ||
      t.transcript === undefined ||
      t.retrieval === undefined ||
      t.first_answer_audio === undefined ||
      m.answer_ready === undefined ||
      m.answer_start === undefined ||
      m.answer_first_piece === undefined ||
      m.tts_start === undefined
    )
      continue;
    const retrieval = t.retrieval - t.transcript;
    const answererFirstPiece = m.answer_first_piece - m.answer_start;
    const ttsFirstByte = m.answer_ready - m.tts_start;
    out.push({
      ...(t.filler !== undefined ? { filler: t.filler } : {}),
      firstAnswerAudio: t.first_answer_audio,
      answerReady: m.answer_ready,
      transcript: t.transcript,
      retrieval,
      answererFirstPiece,
      simulatedLlm,
      ttsFirstByte,
      fillerWait: t.first_answer_audio - m.answer_ready,
      overhead: m.answer_ready - retrieval - answererFirstPiece - ttsFirstByte,
      overheadVsSimulated: m.answer_ready - retrieval - simulatedLlm - ttsFirstByte,
    });
  }
  return out;
}

/** The `p`-th percentile (0-100, nearest rank) of `values`; undefined when empty. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

/** Rounds to 0.1. */
export const round1 = (v: number | undefined): number | undefined =>
  v === undefined ? undefined : Math.round(v * 10) / 10;

/** p50/p95 (and p99 when asked) of a field of the figures, rounded to 0.1 ms. */
export function p5095(
  values: readonly number[],
  withP99 = false,
): Record<string, number | undefined> {
  return {
    p50: round1(percentile(values, 50)),
    p95: round1(percentile(values, 95)),
    ...(withP99 ? { p99: round1(percentile(values, 99)) } : {}),
  };
}

const LOOP_RESOLUTION_MS = 5;

/**
 * Process-wide resource sampling over a load phase: main-thread event-loop delay (the timer's
 * lateness beyond its resolution), main-thread utilization, process CPU (every thread), peak
 * RSS and heap.
 */
export class ResourceProbe {
  readonly #loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  #cpu = process.cpuUsage();
  #elu = performance.eventLoopUtilization();
  #t0 = performance.now();
  #timer: ReturnType<typeof setInterval> | undefined;
  #peakRss = 0;
  #peakHeap = 0;
  readonly baseRss: number;
  readonly baseHeap: number;

  constructor() {
    const m = process.memoryUsage();
    this.baseRss = m.rss;
    this.baseHeap = m.heapUsed;
  }

  start(): void {
    this.#loop.reset();
    this.#loop.enable();
    this.#cpu = process.cpuUsage();
    this.#elu = performance.eventLoopUtilization();
    this.#t0 = performance.now();
    this.#timer = setInterval(() => {
      const m = process.memoryUsage();
      this.#peakRss = Math.max(this.#peakRss, m.rss);
      this.#peakHeap = Math.max(this.#peakHeap, m.heapUsed);
    }, 250);
  }

  /** Stops and reports; `calls` ended and `concurrent` at the peak. */
  stop(calls: number, concurrent: number): Record<string, unknown> {
    clearInterval(this.#timer);
    this.#loop.disable();
    const cpu = process.cpuUsage(this.#cpu);
    const elu = performance.eventLoopUtilization(this.#elu);
    const wallMs = performance.now() - this.#t0;
    const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100);
    const mb = (b: number) => Math.round(b / 1e4) / 100;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      wallS: Math.round(wallMs / 100) / 10,
      eventLoopDelayMs: {
        p50: ms(this.#loop.percentile(50)),
        p99: ms(this.#loop.percentile(99)),
        max: ms(this.#loop.max),
      },
      mainThreadUtilization: Math.round(elu.utilization * 1000) / 1000,
      cpuMsPerCall: Math.round(cpuMs / Math.max(1, calls)),
      cpuCoresBusy: Math.round((cpuMs / wallMs) * 100) / 100,
      peakRssMb: mb(this.#peakRss),
      peakHeapMb: mb(this.#peakHeap),
      rssKbPerConcurrentCall: Math.round((this.#peakRss - this.baseRss) / 1024 / concurrent),
      heapKbPerConcurrentCall: Math.round((this.#peakHeap - this.baseHeap) / 1024 / concurrent),
    };
  }
}

/** A full garbage collection (exposes `gc` once through V8 flags). */
export function forceGc(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose_gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}
