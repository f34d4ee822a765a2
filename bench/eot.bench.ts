/**
 * Benchmark suite `eot`: end of turn, fixed against adaptive. Scripted callers who pause in the
 * middle of what they say ("I'd like to order... a cake for Saturday", "my number is 0 5 4...
 * 3 2 1", in four languages) and callers who ask a finished question in one breath, spoken by
 * espeak-ng, through Silero VAD on its worker pool and the endpointer, with:
 * - `fixed`: today's 500 ms of silence;
 * - `adaptive`: the word rules read the partial transcript (250 ms finished, 800 ms mid-thought,
 *   500 ms unknown); a streaming engine is simulated: the text said so far arrives
 *   `STT_LAG_MS` after each piece's speech ends;
 * - `adaptiveNoPartials`: the adaptive policy with no streaming engine (must equal `fixed`).
 *
 * Measured in media time: `falseCutInRate` (paused turns that the endpointer ended inside the
 * pause: the caller is cut off) and `endOfTurnDelayMs` (end of the caller's last word to
 * `speech.end`) for the finished questions and for all turns.
 *
 * Run: `npm run bench -- eot [--json]`.
 *
 * @module
 */
import { Registry } from 'prom-client';
import { defaultInferenceConfig } from '../src/config/inference.js';
import { adaptiveEndOfTurn, fixedEndOfTurn } from '../src/media/end-of-turn.js';
import type { EndOfTurnPolicy } from '../src/media/endpointer.js';
import { Endpointer, type EndpointerEvent } from '../src/media/endpointer.js';
import { VadSession } from '../src/media/vad.js';
import { casePartials, PAUSE_CASES, type PauseCase } from '../src/simulator/pause-cases.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { createVadPool } from '../src/workers/pools.js';
import { endpointLine, percentile, RATE, speak, speechBounds } from './scripted-speech.js';

/** Options every suite takes. */
export interface BenchOptions {
  json: boolean;
}

const LEAD_MS = 500;
const TAIL_MS = 2_500;
/** A streaming engine's partial trails the end of the words it covers by this much. */
const STT_LAG_MS = 200;

/** Figures of one policy. */
export interface PolicyFigures {
  falseCutInRate: number;
  /** Finished questions said in one breath. */
  finishedEndOfTurnMs: { p50: number | null; p95: number | null };
  /** Every turn (paused ones that were not cut: from the end of their last word). */
  endOfTurnMs: { p50: number | null; p95: number | null };
}

/** What this suite measures. */
export interface EotBenchResult extends Record<string, unknown> {
  turns: number;
  pausedTurns: number;
  /** The real pauses inside the paused turns (espeak's own silence included), ms. */
  pauseMs: { min: number; max: number };
  sttLagMs: number;
  fixed: PolicyFigures;
  adaptive: PolicyFigures;
  adaptiveNoPartials: PolicyFigures;
}

interface Turn {
  c: PauseCase;
  audio: Float32Array;
  /** Each piece's speech, ms from the start of `audio`. */
  pieces: { fromMs: number; toMs: number; partial: string }[];
}

async function buildTurns(): Promise<Turn[]> {
  const spoken = await speak(
    PAUSE_CASES.map((c) => c.pieces.map((p) => ({ say: p.text, lang: c.language }))),
  );
  return PAUSE_CASES.map((c, k) => {
    const partials = casePartials(c);
    const parts: Float32Array[] = [new Float32Array((LEAD_MS / 1000) * RATE)];
    const pieces: Turn['pieces'] = [];
    let at = parts[0]?.length ?? 0;
    c.pieces.forEach((p, i) => {
      const samples = spoken[k]?.[i] ?? new Float32Array(0);
      const [from, to] = speechBounds(samples);
      pieces.push({
        fromMs: ((at + from) / RATE) * 1000,
        toMs: ((at + to) / RATE) * 1000,
        partial: partials[i] ?? '',
      });
      const gap = new Float32Array((((p.pauseAfterMs ?? 0) || 0) / 1000) * RATE);
      parts.push(samples, gap);
      at += samples.length + gap.length;
    });
    parts.push(new Float32Array((TAIL_MS / 1000) * RATE));
    const total = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      total.set(p, o);
      o += p.length;
    }
    return { c, audio: total, pieces };
  });
}

/** Runs one turn's VAD probabilities through an endpointer with `policy`. */
function endpoint(
  turn: Turn,
  probabilities: number[],
  policy: EndOfTurnPolicy,
  partials: boolean,
): EndpointerEvent[] {
  const ep = new Endpointer({}, policy);
  ep.setLanguage(turn.c.language);
  const partialsAt = partials
    ? turn.pieces.map((p) => ({ atMs: p.toMs + STT_LAG_MS, text: p.partial }))
    : [];
  return endpointLine(ep, probabilities, { partials: partialsAt });
}

function judge(turns: Turn[], eventsOf: (t: Turn) => EndpointerEvent[]): PolicyFigures {
  let cut = 0;
  let paused = 0;
  const finished: number[] = [];
  const all: number[] = [];
  for (const t of turns) {
    const events = eventsOf(t);
    const last = t.pieces.at(-1) as Turn['pieces'][number];
    const ends = events.filter((e) => e.type === 'speech.end');
    if (t.pieces.length > 1) {
      paused++;
      const second = t.pieces[1] as Turn['pieces'][number];
      if (ends.some((e) => e.atMs < second.fromMs)) {
        cut++;
        continue;
      }
    }
    const end = ends.find((e) => e.atMs > last.toMs);
    if (!end) continue;
    const delay = end.atMs - last.toMs;
    all.push(delay);
    if (t.c.kind === 'finished') finished.push(delay);
  }
  return {
    falseCutInRate: Number((cut / Math.max(1, paused)).toFixed(3)),
    finishedEndOfTurnMs: { p50: percentile(finished, 50), p95: percentile(finished, 95) },
    endOfTurnMs: { p50: percentile(all, 50), p95: percentile(all, 95) },
  };
}

/** Runs the suite; with `json`, prints nothing and lets the runner print the result. */
export default async function run(_opts: BenchOptions): Promise<EotBenchResult> {
  const pool = createVadPool(defaultInferenceConfig(), {
    registry: new Registry(),
    logger: silentLogger(),
  });
  try {
    const turns = await buildTurns();
    const probabilities = new Map<Turn, number[]>();
    for (const t of turns) probabilities.set(t, await new VadSession(pool).process(t.audio));
    const probs = (t: Turn) => probabilities.get(t) ?? [];
    const pauses = turns
      .filter((t) => t.pieces.length > 1)
      .map((t) => (t.pieces[1]?.fromMs ?? 0) - (t.pieces[0]?.toMs ?? 0));
    return {
      turns: turns.length,
      pausedTurns: pauses.length,
      pauseMs: { min: Math.round(Math.min(...pauses)), max: Math.round(Math.max(...pauses)) },
      sttLagMs: STT_LAG_MS,
      fixed: judge(turns, (t) => endpoint(t, probs(t), fixedEndOfTurn(500), true)),
      adaptive: judge(turns, (t) => endpoint(t, probs(t), adaptiveEndOfTurn(), true)),
      adaptiveNoPartials: judge(turns, (t) => endpoint(t, probs(t), adaptiveEndOfTurn(), false)),
    };
  } finally {
    await pool.close();
  }
}
