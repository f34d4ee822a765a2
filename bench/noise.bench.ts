/**
 * Benchmark suite `noise`: scripted callers (espeak-ng speech in four languages) on a noisy
 * line (white, pink, clatter and babble noise at 20, 10 and 0 dB SNR, and a clean line), through the
 * caller's media path as the runtime runs it: optional RNNoise suppression on its worker pool,
 * Silero VAD on its pool, the endpointer (today's fixed 500 ms end of speech). Without and with
 * suppression, side by side in one run, on the same audio.
 *
 * Each trial is 2 s of noise alone, the utterance over the noise, and 2 s of noise alone. It
 * counts, in media time:
 * - **false speech starts**: `speech.start` whose onset lies in a noise-only stretch (more than
 *   150 ms from the speech), per minute of noise-only audio;
 * - **missed**: trials in which no detected speech overlaps the utterance;
 * - **end-of-turn delay**: from the end of the caller's speech to `speech.end` (suppression's
 *   25 ms lag included); `noEnd`: trials where the noise held the endpointer in speech to the
 *   end of the trial;
 * - the cost of suppression: worker ms per second of audio, and so calls per core.
 *
 * Run: `npm run bench -- noise [--json]`.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { defaultInferenceConfig } from '../src/config/inference.js';
import { Endpointer, type EndpointerEvent } from '../src/media/endpointer.js';
import { NoiseSession } from '../src/media/noise.js';
import { VadSession } from '../src/media/vad.js';
import {
  activeSpeechLevel,
  type LineNoiseKind,
  lineNoise,
  noiseLevelFor,
} from '../src/simulator/line-noise.js';
import { caseText, PAUSE_CASES } from '../src/simulator/pause-cases.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { createNoisePool, createVadPool } from '../src/workers/pools.js';
import { endpointLine, percentile, RATE, speak, speechBounds } from './scripted-speech.js';

/** Options every suite takes. */
export interface BenchOptions {
  json: boolean;
}

const LEAD_MS = 2_000;
const TAIL_MS = 2_000;
/** Onsets this close to the speech belong to it. */
const MARGIN_MS = 150;
const NOISES: readonly LineNoiseKind[] = ['white', 'pink', 'clatter', 'babble'];
const SNRS_DB = [20, 10, 0] as const;
/** Other people talking, for babble (not the callers' sentences). */
const BABBLE = [
  ['en', 'The weather was lovely on the weekend and we walked along the beach for hours.'],
  ['ru', 'Вчера мы ходили в кино, а потом долго гуляли по набережной.'],
  ['en', 'Could you pass me the salt, and then tell me about your trip to the mountains?'],
  ['uk', 'Після роботи ми зайдемо в магазин і купимо хліба та молока.'],
  ['he', 'אתמול הלכנו לים ואחר כך אכלנו ארוחת ערב במסעדה ליד הנמל.'],
  ['en', 'My brother bought a new car last month, but it is already making strange noises.'],
] as const;

/** Figures of one condition, one side (without or with suppression). */
export interface SideFigures {
  falseStartsPerMinute: number;
  missedRate: number;
  noEndRate: number;
  /** Null when no trial ended (the noise held the endpointer in speech). */
  endOfTurnDelayMs: { p50: number | null; p95: number | null };
}

/** One noise condition, both sides. */
export interface NoiseCondition {
  noise: LineNoiseKind | 'none';
  snrDb: number | null;
  off: SideFigures;
  on: SideFigures;
}

/** What this suite measures. */
export interface NoiseBenchResult extends Record<string, unknown> {
  utterances: number;
  trialsPerSide: number;
  noiseOnlySecondsPerSide: number;
  /** Worker time of suppression per second of caller audio, ms (one thread). */
  suppressionMsPerAudioSecond: number;
  /** Calls one core can denoise in real time. */
  suppressedCallsPerCore: number;
  conditions: NoiseCondition[];
}

interface Utterance {
  text: string;
  audio: Float32Array;
  /** First and last active sample (speech) within `audio`. */
  speechFrom: number;
  speechTo: number;
  level: number;
}

/** How one trial went. */
export interface Outcome {
  falseStarts: number;
  missed: boolean;
  delayMs: number | undefined;
}

function figures(outcomes: Outcome[], noiseOnlyMs: number): SideFigures {
  const delays = outcomes.flatMap((o) => (o.delayMs === undefined ? [] : [o.delayMs]));
  const falseStarts = outcomes.reduce((n, o) => n + o.falseStarts, 0);
  return {
    falseStartsPerMinute: Number(
      ((falseStarts / (noiseOnlyMs * outcomes.length)) * 60_000).toFixed(2),
    ),
    missedRate: Number((outcomes.filter((o) => o.missed).length / outcomes.length).toFixed(3)),
    noEndRate: Number(
      (
        outcomes.filter((o) => !o.missed && o.delayMs === undefined).length / outcomes.length
      ).toFixed(3),
    ),
    endOfTurnDelayMs: { p50: percentile(delays, 50), p95: percentile(delays, 95) },
  };
}

/** Judges one trial's endpointer events against where the speech really was (ms). */
export function judge(events: EndpointerEvent[], fromMs: number, toMs: number): Outcome {
  let falseStarts = 0;
  let overlapped = false;
  let delayMs: number | undefined;
  let openFrom: number | undefined;
  for (const ev of events) {
    if (ev.type === 'speech.start') {
      if (ev.onsetMs < fromMs - MARGIN_MS || ev.onsetMs > toMs + MARGIN_MS) falseStarts++;
      openFrom = ev.onsetMs;
    } else if (ev.type === 'speech.end') {
      if ((openFrom ?? ev.startMs) < toMs && ev.endMs > fromMs) overlapped = true;
      if (delayMs === undefined && ev.atMs > toMs && (openFrom ?? ev.startMs) < toMs) {
        delayMs = ev.atMs - toMs;
      }
      openFrom = undefined;
    }
  }
  if (openFrom !== undefined && openFrom < toMs) overlapped = true;
  return { falseStarts, missed: !overlapped, delayMs };
}

/** Runs the suite; with `json`, prints nothing and lets the runner print the result. */
export default async function run(opts: BenchOptions): Promise<NoiseBenchResult> {
  const deps = { registry: new Registry(), logger: silentLogger() };
  const vadPool = createVadPool(defaultInferenceConfig(), deps);
  const noisePool = createNoisePool(
    { minThreads: 1, maxThreads: 1, idleTimeoutMs: 60_000, maxQueue: 16 },
    deps,
  );
  const log = (line: string) => {
    if (!opts.json) console.log(line);
  };
  try {
    const said = PAUSE_CASES.map((c) => [c.language, caseText(c)] as const);
    const [voices = [], babbleVoices = []] = await speak([
      said.map(([lang, say]) => ({ say, lang })),
      BABBLE.map(([lang, say]) => ({ say, lang })),
    ]);
    const utterances: Utterance[] = voices.map((audio, i) => {
      const [speechFrom, speechTo] = speechBounds(audio);
      return {
        text: said[i]?.[1] ?? '',
        audio,
        speechFrom,
        speechTo,
        level: activeSpeechLevel(audio),
      };
    });
    let suppressMs = 0;
    let suppressedSamples = 0;

    const trial = async (u: Utterance, noise: Float32Array | undefined, suppress: boolean) => {
      const lead = (LEAD_MS / 1000) * RATE;
      const n = lead + u.audio.length + (TAIL_MS / 1000) * RATE;
      const line = noise ? noise.slice(0, n) : new Float32Array(n);
      for (let i = 0; i < u.audio.length; i++)
        line[lead + i] = (line[lead + i] ?? 0) + (u.audio[i] ?? 0);
      let heard: Float32Array = line;
      if (suppress) {
        const started = performance.now();
        heard = await new NoiseSession(noisePool).process(line);
        suppressMs += performance.now() - started;
        suppressedSamples += n;
      }
      const probabilities = await new VadSession(vadPool).process(heard);
      const events = endpointLine(new Endpointer(), probabilities, { untilMs: (n / RATE) * 1000 });
      const toMs = (at: number) => ((lead + at) / RATE) * 1000;
      return judge(events, toMs(u.speechFrom), toMs(u.speechTo));
    };

    const conditions: NoiseCondition[] = [];
    const settings: [LineNoiseKind | 'none', number | null][] = [
      ['none', null],
      ...NOISES.flatMap((k) => SNRS_DB.map((s): [LineNoiseKind, number] => [k, s])),
    ];
    for (const [kind, snr] of settings) {
      const off: Outcome[] = [];
      const on: Outcome[] = [];
      for (const [i, u] of utterances.entries()) {
        const n = ((LEAD_MS + TAIL_MS) / 1000) * RATE + u.audio.length;
        const noise =
          kind === 'none' || snr === null
            ? undefined
            : lineNoise(kind, n, noiseLevelFor(u.level, snr), {
                seed: 11 + i,
                voices: babbleVoices,
              });
        off.push(await trial(u, noise, false));
        on.push(await trial(u, noise, true));
      }
      const noiseOnlyMs = LEAD_MS + TAIL_MS - 2 * MARGIN_MS;
      const c: NoiseCondition = {
        noise: kind,
        snrDb: snr,
        off: figures(off, noiseOnlyMs),
        on: figures(on, noiseOnlyMs),
      };
      conditions.push(c);
      log(
        `${`${kind}${snr === null ? '' : ` ${snr} dB`}`.padEnd(14)} false starts/min ${c.off.falseStartsPerMinute} -> ${c.on.falseStartsPerMinute}, missed ${c.off.missedRate} -> ${c.on.missedRate}, no end ${c.off.noEndRate} -> ${c.on.noEndRate}, end of turn p50 ${c.off.endOfTurnDelayMs.p50} -> ${c.on.endOfTurnDelayMs.p50} ms, p95 ${c.off.endOfTurnDelayMs.p95} -> ${c.on.endOfTurnDelayMs.p95} ms`,
      );
    }
    const msPerSecond = suppressMs / (suppressedSamples / RATE);
    return {
      utterances: utterances.length,
      trialsPerSide: utterances.length * settings.length,
      noiseOnlySecondsPerSide:
        ((LEAD_MS + TAIL_MS - 2 * MARGIN_MS) / 1000) * utterances.length * settings.length,
      suppressionMsPerAudioSecond: Number(msPerSecond.toFixed(1)),
      suppressedCallsPerCore: Math.floor(1000 / msPerSecond),
      conditions,
    };
  } finally {
    await Promise.all([vadPool.close(), noisePool.close()]);
  }
}
