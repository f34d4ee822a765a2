/**
 * Benchmark suite `stt`: what local Whisper costs on this machine, beside the remote engines'
 * latency to the final transcript, in one run.
 *
 * 1. **Local Whisper, whisper-base's exact shape** (`base-whisper`, generated: 512 wide, 8 heads,
 *    6 encoder + 6 decoder layers, MLP 2048, a 51,865-token output projection, random weights:
 *    they cost what trained ones cost) on the real Whisper worker pool (one thread, one intra-op
 *    thread, as configured by default): CPU time and wall time per 2 s and 5 s utterance (the
 *    process's CPU time around each task, so every thread is counted), the real-time factor, and
 *    the number of callers one machine with this many cores sustains. Whisper pads every
 *    utterance to 30 s, so the encoder costs the same for 2 s as for 5 s; the generated decoder
 *    emits 11 tokens (a real 5 s utterance has about 15-20).
 * 2. **Remote engines on their fixture servers** (the real SDKs over loopback; the fixtures
 *    answer 150-300 ms after the end of speech, the `openai` fixture adds 40 ms per audio
 *    second of GPU time): from the end of speech to the final transcript, for `openai` (batch:
 *    the whole utterance uploaded at the end), `deepgram` and `openai-realtime` (streamed while
 *    the caller speaks, in 20 ms frames at the real pace). The streams of one utterance run
 *    side by side.
 *
 * Run: `npm run bench -- stt [--json]`.
 *
 * @module
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { defaultInferenceConfig, type InferenceConfig } from '../src/config/inference.js';
import { DeepgramStt } from '../src/providers/stt/deepgram-stt.js';
import { OpenAiRealtimeStt } from '../src/providers/stt/openai-realtime-stt.js';
import { OpenAiStt } from '../src/providers/stt/openai-stt.js';
import type { StreamingSttEngine } from '../src/providers/stt/stt-engine.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { createInferencePools } from '../src/workers/pools.js';
import { startFakeDeepgramServer } from '../test/fakes/deepgram-server.js';
import { startFakeRealtimeServer } from '../test/fakes/openai-realtime-stt-server.js';
import { startFakeOpenAiSttServer } from '../test/fakes/openai-stt-server.js';
import { ensureBaseShapedWhisper } from '../test/fixtures/tiny-models.js';

const LENGTHS_S = [2, 5] as const;
const LOCAL_REPS = 5;
const REMOTE_REPS = 4;
/** Share of a call's time the caller speaks (the rest: the bot speaks, pauses). */
const CALLER_TALK_SHARE = 0.4;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { p50: round(q(0.5)), p95: round(q(0.95)), n: s.length };
}

function voiced(seconds: number): Float32Array {
  const a = new Float32Array(16_000 * seconds);
  for (let i = 0; i < a.length; i++) {
    a[i] = 0.2 * Math.sin((2 * Math.PI * 180 * i) / 16_000) * (0.6 + 0.4 * Math.sin(i / 900));
  }
  return a;
}

async function localWhisper() {
  const model = await ensureBaseShapedWhisper();
  const config: InferenceConfig = {
    ...defaultInferenceConfig(),
    modelDir: model.modelDir,
    whisper: {
      id: model.whisper,
      revision: 'main',
      dtype: 'fp32',
      language: 'en',
      maxNewTokens: 32,
    },
  };
  const one = { minThreads: 1, maxThreads: 1, idleTimeoutMs: 60_000, maxQueue: 64 };
  config.pools = { ...config.pools, whisper: one };
  const pools = createInferencePools(config, { registry: new Registry(), logger: silentLogger() });
  try {
    let t = performance.now();
    const warm = await pools.whisper.run({ audio: voiced(1), language: 'en' });
    const coldStartMs = performance.now() - t;
    const out: Record<string, unknown> = {
      model: 'base-whisper (whisper-base shape)',
      text: warm.text,
    };
    for (const seconds of LENGTHS_S) {
      const cpuMs: number[] = [];
      const wallMs: number[] = [];
      for (let i = 0; i < LOCAL_REPS; i++) {
        const audio = voiced(seconds);
        const cpu = process.cpuUsage();
        t = performance.now();
        await pools.whisper.run(
          { audio, language: 'en' },
          { transferList: [audio.buffer as ArrayBuffer] },
        );
        wallMs.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        cpuMs.push((used.user + used.system) / 1000);
      }
      const cpu = stats(cpuMs);
      const rtf = cpu.p50 / 1000 / seconds;
      out[`${seconds}s`] = {
        cpuMs: cpu,
        wallMs: stats(wallMs),
        cpuMsPerAudioSecond: round(cpu.p50 / seconds),
        realTimeFactor: round(rtf, 3),
        talkersSpeakingAtOnce: round(cpus().length / rtf, 1),
        callsSustained: round(cpus().length / rtf / CALLER_TALK_SHARE, 1),
      };
    }
    return { ...out, coldStartMs: round(coldStartMs) };
  } finally {
    await pools.close();
  }
}

/** Pushes `audio` in 20 ms frames on a 20 ms schedule; returns when the last frame is pushed. */
async function speak(push: (f: Float32Array) => void, audio: Float32Array): Promise<void> {
  const start = performance.now();
  for (let i = 0, at = 0; at < audio.length; i++, at += 320) {
    push(audio.subarray(at, at + 320));
    const due = start + (i + 1) * 20;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

async function remoteEngines() {
  const texts = () => Array.from({ length: 64 }, () => 'when do you open on sunday morning');
  const openaiServer = await startFakeOpenAiSttServer({ texts: texts() });
  const deepgramServer = await startFakeDeepgramServer({ texts: texts() });
  const realtimeServer = await startFakeRealtimeServer({ texts: texts() });
  const timeouts = { connectTimeoutMs: 2_000, finalTimeoutMs: 2_000 };
  const openai = new OpenAiStt({
    baseUrl: openaiServer.baseUrl,
    apiKey: 'bench',
    model: 'whisper-1',
    timeoutMs: 5_000,
  });
  const streaming: StreamingSttEngine[] = [
    new DeepgramStt({
      baseUrl: deepgramServer.baseUrl,
      apiKey: 'bench',
      model: 'nova-3',
      ...timeouts,
    }),
    new OpenAiRealtimeStt(
      {
        baseUrl: realtimeServer.baseUrl,
        apiKey: 'bench',
        model: 'gpt-4o-mini-transcribe',
        ...timeouts,
      },
      { ws: { ca: realtimeServer.ca } },
    ),
  ];
  const finalMs: Record<string, Record<string, number[]>> = {};
  const partials: Record<string, number[]> = {};
  const add = (engine: string, seconds: number, ms: number) => {
    finalMs[engine] ??= {};
    const byLength = finalMs[engine] as Record<string, number[]>;
    byLength[`${seconds}s`] ??= [];
    byLength[`${seconds}s`]?.push(ms);
  };
  try {
    for (const seconds of LENGTHS_S) {
      for (let i = 0; i < REMOTE_REPS; i++) {
        const audio = voiced(seconds);
        const streams = streaming.map((engine) => {
          const stream = engine.openStream({ language: 'en' });
          let count = 0;
          const counted = (async () => {
            for await (const e of stream) if (e.type === 'partial') count++;
            return count;
          })();
          return { engine, stream, counted };
        });
        await speak((f) => {
          for (const s of streams) s.stream.push(f);
        }, audio);
        const end = performance.now();
        const batch = openai.transcribe({ audio, language: 'en' }).then(() => {
          add('openai', seconds, performance.now() - end);
        });
        await Promise.all([
          batch,
          ...streams.map(async (s) => {
            await s.stream.finish();
            add(s.engine.name, seconds, performance.now() - end);
            partials[s.engine.name] ??= [];
            partials[s.engine.name]?.push(await s.counted);
          }),
        ]);
      }
    }
  } finally {
    await openaiServer.close();
    await deepgramServer.close();
    await realtimeServer.close();
  }
  const out: Record<string, unknown> = {};
  for (const [engine, byLength] of Object.entries(finalMs)) {
    out[engine] = {
      endOfSpeechToFinalMs: Object.fromEntries(
        Object.entries(byLength).map(([k, xs]) => [k, stats(xs)]),
      ),
      ...(partials[engine] ? { partialsPerUtterance: stats(partials[engine] ?? []) } : {}),
    };
  }
  return out;
}

/** Runs the suite. */
export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const loadBefore = loadavg()[0];
  const local = await localWhisper();
  const remote = await remoteEngines();
  return {
    suite: 'stt',
    cores: cpus().length,
    loadAverageBefore: round(loadBefore ?? 0, 2),
    callerTalkShare: CALLER_TALK_SHARE,
    localWhisper: local,
    remote,
  };
}
