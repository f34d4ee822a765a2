/**
 * Benchmark suite `inference`: what running inference on piscina pools buys the main thread,
 * side by side in one run.
 *
 * - Event-loop delay p99 (`monitorEventLoopDelay`) while concurrent simulated calls embed
 *   sentences (`bench-bert`, a generated 29 MB BERT costing milliseconds a call) and transcribe
 *   2 s utterances (`bench-whisper`, a generated Whisper whose encoder costs tens of
 *   milliseconds, with `whisperLogMel`), once inline on the main thread and once on the pools,
 *   at the same offered load. Goal: at least 5x lower with pools, p99 under 10 ms.
 * - Round-trip overhead of a pool call: an echo task through `InferencePool` against calling the
 *   same function directly. Goal: under 0.5 ms.
 * - Log-mel for a 3 s clip: transformers.js `WhisperFeatureExtractor` against `whisperLogMel`.
 * - Model load times (main thread) and a pool's cold start (thread + model load).
 *
 * Run: `npm run bench -- inference [--json]`.
 *
 * @module
 */

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  AutoProcessor,
  AutoTokenizer,
  type FeatureExtractionPipeline,
  pipeline,
  Tensor,
  WhisperForConditionalGeneration,
} from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import { Piscina } from 'piscina';
import { Registry } from 'prom-client';
import { defaultInferenceConfig, type InferenceConfig } from '../src/config/inference.js';
import { configureTransformers } from '../src/models/transformers-env.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { InferencePool } from '../src/workers/inference-pool.js';
import { whisperLogMel } from '../src/workers/log-mel/log-mel.js';
import { createInferencePools } from '../src/workers/pools.js';
import { fileEntry } from '../src/workers/worker-file.js';
import { ensureBenchModels, ensureTinyModels } from '../test/fixtures/tiny-models.js';
import { voicedSignal } from '../test/fixtures/voiced.js';
import behave, {
  type BehaveResult,
  type BehaveTask,
} from '../test/fixtures/workers/behave.worker.js';

/** Options every suite takes. */
export interface BenchOptions {
  json: boolean;
}

const SENTENCES = [
  'When is the shop open on Sunday?',
  'How much does delivery to Moscow cost?',
  'Можно вернуть товар без чека?',
  'What is your phone number and address?',
  'Сколько стоит доставка курьером сегодня?',
];
const CALLS = 4;
const PERIOD_MS = 500;
const LOAD_MS = 4000;

type Embed = (text: string) => Promise<unknown>;
type Transcribe = (audio: Float32Array) => Promise<unknown>;

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/**
 * Runs `CALLS` simulated calls for `LOAD_MS`. Each call, every `PERIOD_MS` (staggered), embeds a
 * sentence and transcribes an utterance: the same offered load in both modes, so the comparison
 * shows where the work runs, not how much of it there is. Returns event-loop delay and work done.
 */
async function underLoad(embed: Embed, transcribe: Transcribe, clip: Float32Array) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  const deadline = started + LOAD_MS;
  let embeddings = 0;
  let transcripts = 0;
  let late = 0;
  h.enable();
  await Promise.all(
    Array.from({ length: CALLS }, async (_, call) => {
      let next = started + (call * PERIOD_MS) / CALLS;
      let i = call;
      while (next < deadline) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else late++;
        await embed(SENTENCES[i++ % SENTENCES.length] as string);
        embeddings++;
        await transcribe(clip.slice());
        transcripts++;
        next += PERIOD_MS;
      }
    }),
  );
  h.disable();
  return {
    p99Ms: round(h.percentile(99) / 1e6),
    maxMs: round(h.max / 1e6),
    meanMs: round(h.mean / 1e6),
    embeddingsPerSecond: round(embeddings / (LOAD_MS / 1000), 1),
    transcriptsPerSecond: round(transcripts / (LOAD_MS / 1000), 1),
    /** Turns that started late because the previous one was still running. */
    lateTurns: late,
  };
}

async function inlineModels(modelDir: string, embedder: string, whisperId: string) {
  configureTransformers({ modelDir, allowDownloads: false });
  const session_options = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  let t = performance.now();
  const fe = (await pipeline('feature-extraction', embedder, {
    dtype: 'fp32',
    session_options,
  })) as FeatureExtractionPipeline;
  const embedderLoadMs = performance.now() - t;
  t = performance.now();
  const [tokenizer, model] = await Promise.all([
    AutoTokenizer.from_pretrained(whisperId),
    WhisperForConditionalGeneration.from_pretrained(whisperId, { dtype: 'fp32', session_options }),
  ]);
  const whisperLoadMs = performance.now() - t;
  t = performance.now();
  const vadPath = defaultInferenceConfig().vad.modelPath;
  await ort.InferenceSession.create(vadPath, { intraOpNumThreads: 1 });
  const vadLoadMs = performance.now() - t;
  const embed: Embed = (text) => fe([`query: ${text}`], { pooling: 'mean', normalize: true });
  const transcribe: Transcribe = async (audio) => {
    const features = new Tensor('float32', whisperLogMel(audio), [1, 80, 3000]);
    const ids = (await model.generate({
      inputs: features,
      language: 'en',
      max_new_tokens: 32,
    } as never)) as Tensor;
    return tokenizer.batch_decode(ids, { skip_special_tokens: true });
  };
  return { embed, transcribe, embedderLoadMs, whisperLoadMs, vadLoadMs, fe };
}

async function roundTrip() {
  const worker = fileEntry(
    fileURLToPath(new URL('../test/fixtures/workers/behave.worker.ts', import.meta.url)),
  );
  const pool = new InferencePool<BehaveTask, BehaveResult>({
    name: 'echo',
    worker,
    minThreads: 1,
    maxThreads: 1,
    idleTimeoutMs: 60_000,
    maxQueue: 10,
    registry: new Registry(),
    logger: silentLogger(),
  });
  const raw = new Piscina({
    filename: worker.filename,
    execArgv: worker.execArgv,
    minThreads: 1,
    maxThreads: 1,
  });
  const task: BehaveTask = { op: 'echo', value: 1 };
  const time = async (fn: () => Promise<unknown>, n: number) => {
    for (let i = 0; i < 200; i++) await fn();
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await fn();
      samples.push(performance.now() - t);
    }
    return median(samples);
  };
  const directMs = await time(() => behave(task), 2000);
  const poolMs = await time(() => pool.run(task), 2000);
  const piscinaMs = await time(() => raw.run(task), 2000);
  await Promise.all([pool.close(), raw.destroy()]);
  return {
    directMs: round(directMs, 4),
    poolMs: round(poolMs, 4),
    rawPiscinaMs: round(piscinaMs, 4),
    overheadMs: round(poolMs - directMs, 4),
  };
}

async function logMel(modelDir: string, whisperId: string) {
  configureTransformers({ modelDir, allowDownloads: false });
  const processor = await AutoProcessor.from_pretrained(whisperId);
  const clip = voicedSignal(3);
  const lib: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < 12; i++) {
    let t = performance.now();
    await processor(clip);
    lib.push(performance.now() - t);
    t = performance.now();
    whisperLogMel(clip);
    ours.push(performance.now() - t);
  }
  const libraryMs = median(lib.slice(2));
  const oursMs = median(ours.slice(2));
  return {
    clipSeconds: 3,
    libraryMs: round(libraryMs),
    oursMs: round(oursMs),
    speedup: round(libraryMs / oursMs, 1),
  };
}

/** Runs the suite; prints a table unless `json`. */
export default async function run(opts: BenchOptions): Promise<Record<string, unknown>> {
  const tiny = await ensureTinyModels();
  const bench = await ensureBenchModels();
  const clip = voicedSignal(2);

  const inline = await inlineModels(bench.modelDir, bench.embedder, bench.whisper);
  for (const s of SENTENCES) await inline.embed(s);
  const perCall: number[] = [];
  const perUtterance: number[] = [];
  for (let i = 0; i < 30; i++) {
    let t = performance.now();
    await inline.embed(SENTENCES[i % SENTENCES.length] as string);
    perCall.push(performance.now() - t);
    if (i % 3 === 0) {
      t = performance.now();
      await inline.transcribe(clip);
      perUtterance.push(performance.now() - t);
    }
  }
  const inlineLoad = await underLoad(inline.embed, inline.transcribe, clip);

  const config: InferenceConfig = {
    ...defaultInferenceConfig(),
    modelDir: bench.modelDir,
    embedder: { id: bench.embedder, revision: 'main', dtype: 'fp32', prefixes: 'e5' },
    whisper: {
      id: tiny.whisper,
      revision: 'main',
      dtype: 'fp32',
      language: 'en',
      maxNewTokens: 32,
    },
  };
  const pool = { minThreads: 1, maxThreads: 1, idleTimeoutMs: 60_000, maxQueue: 64 };
  config.pools = { embedding: pool, whisper: pool, vad: pool };
  const pools = createInferencePools(config, { registry: new Registry(), logger: silentLogger() });
  let t = performance.now();
  await pools.embedding.run({ texts: ['warm-up'], kind: 'query' });
  const embeddingColdStartMs = performance.now() - t;
  t = performance.now();
  await pools.whisper.run({ audio: clip.slice(), language: 'en' });
  const whisperColdStartMs = performance.now() - t;
  const poolLoad = await underLoad(
    (text) => pools.embedding.run({ texts: [text], kind: 'query' }),
    (audio) =>
      pools.whisper.run({ audio, language: 'en' }, { transferList: [audio.buffer as ArrayBuffer] }),
    clip,
  );
  await pools.close();

  const rt = await roundTrip();
  const mel = await logMel(tiny.modelDir, tiny.whisper);

  const result = {
    suite: 'inference',
    calls: CALLS,
    periodMs: PERIOD_MS,
    loadSeconds: LOAD_MS / 1000,
    embedderMsPerCall: round(median(perCall)),
    whisperMsPerUtterance: round(median(perUtterance)),
    eventLoopInline: inlineLoad,
    eventLoopPools: poolLoad,
    eventLoopP99Ratio: round(inlineLoad.p99Ms / Math.max(poolLoad.p99Ms, 0.001), 1),
    roundTrip: rt,
    logMel3s: mel,
    loadMs: {
      benchBert: round(inline.embedderLoadMs, 1),
      benchWhisper: round(inline.whisperLoadMs, 1),
      sileroVad: round(inline.vadLoadMs, 1),
      embeddingPoolColdStart: round(embeddingColdStartMs, 1),
      whisperPoolColdStart: round(whisperColdStartMs, 1),
    },
  };
  if (!opts.json) {
    const line = (k: string, v: unknown) =>
      process.stdout.write(`${k.padEnd(44)} ${JSON.stringify(v)}\n`);
    line('bench-bert ms per embedding (inline)', result.embedderMsPerCall);
    line('bench-whisper ms per 2 s utterance (inline)', result.whisperMsPerUtterance);
    line('event-loop delay, inline', inlineLoad);
    line('event-loop delay, pools', poolLoad);
    line('p99 ratio inline / pools', result.eventLoopP99Ratio);
    line('pool round trip (ms)', rt);
    line('log-mel 3 s clip (ms)', mel);
    line('load (ms)', result.loadMs);
  }
  return result;
}
