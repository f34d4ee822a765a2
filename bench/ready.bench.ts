/**
 * Benchmark suite `ready`: how long `voxstate serve` takes from process start to taking calls,
 * with a cold and a warm shared TTS cache, measured on the real process (`bin/voxstate.js serve`)
 * against the simulated Asterisk.
 *
 * Each run spawns a fresh process with the default pre-warm (languages en, ru, uk, he; slin16;
 * the sample bakery's names: 64 phrases), the bench-sized generated models (a 6-layer 384-wide
 * BERT and a Whisper-shaped model, see test/fixtures/tiny-models.ts) and Redis for the TTS cache,
 * and records, from the spawn:
 * - `portsMs`: the ops server is listening (a taken port would have been reported by then);
 * - `readyMs`: `/readyz` first answers 200 (Stasis application registered, greetings and
 *   fillers cached);
 * - `allWarmMs`: the background pre-warm logged its end: every fixed phrase is cached (the old
 *   start-up waited for this before it connected to Asterisk);
 * - the first part's report (phrases, synthesized, cached).
 * `cold` runs start on an empty Redis prefix; `warm` runs reuse the prefix a cold run filled (a
 * restart, or a second instance); `noPrewarm` runs turn pre-warm off (the floor: models,
 * knowledge base, ARI). Then SIGTERM, and `exitMs` from the signal to the exit.
 *
 * For the start-up before this change, which synthesized all 64 phrases (two at a time) before
 * it connected to Asterisk, the same run measures that synthesis on its own (`prewarmAllMs`:
 * `createSpeech().prewarm()` in this process, espeak-ng, no Redis) and reports
 * `oldReadyEstimateMs` = the `noPrewarm` ready time + `prewarmAllMs`.
 *
 * Run: `npm run bench -- ready [--json]`.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadBusinessData } from '../src/prompts/business.js';
import { SAMPLE_BUSINESS_FILE } from '../src/runtime/config.js';
import { SimulatedAsterisk } from '../src/simulator/simulated-asterisk.js';
import { speechConfigFromEnv } from '../src/speech/config.js';
import { createSpeech } from '../src/speech/create-speech.js';
import type { Language } from '../src/text/language.js';
import { ensureBenchModels } from '../test/fixtures/tiny-models.js';

const BIN = fileURLToPath(new URL('../bin/voxstate.js', import.meta.url));
const REDIS_URL = process.env.VOXSTATE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = 2;

interface RunResult {
  portsMs: number;
  readyMs: number;
  allWarmMs: number;
  exitMs: number;
  exitCode: number | null;
  first: { phrases: number; synthesized: number; cached: number };
  rest: { phrases: number; synthesized: number; cached: number };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilTrue(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function ready(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** All 64 phrases synthesized two at a time, as the start-up before this change did, ms. */
async function prewarmAllMs(): Promise<number> {
  const business = await loadBusinessData(SAMPLE_BUSINESS_FILE);
  const speech = createSpeech({
    ...speechConfigFromEnv({}),
    businessNames: Object.values(business.names).concat(business.name),
    greetingName: (language) => business.names[language as Language] ?? business.name,
  });
  try {
    const report = await speech.prewarm();
    return Math.round(report.ms);
  } finally {
    await speech.close();
  }
}

async function runOnce(env: NodeJS.ProcessEnv): Promise<RunResult> {
  const opsPort = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...env, VOXSTATE_OPS_PORT: String(opsPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen = new Map<string, number>();
  const reports: Record<string, RunResult['first']> = {};
  let buffer = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString('utf8');
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      nl = buffer.indexOf('\n');
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as Record<string, unknown>;
      const msg = String(entry.msg);
      if (!seen.has(msg)) seen.set(msg, performance.now());
      if (msg === 'tts pre-warm done' && typeof entry.part === 'string') {
        reports[entry.part] = {
          phrases: Number(entry.phrases),
          synthesized: Number(entry.synthesized),
          cached: Number(entry.cached),
        };
        if (entry.part === 'background') seen.set('all warm', performance.now());
      }
    }
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    await untilTrue(() => ready(`http://127.0.0.1:${opsPort}/readyz`), 300_000);
    const readyAt = performance.now();
    if (speechConfigFromEnv(env).prewarm) await untilTrue(() => seen.has('all warm'), 600_000);
    const killedAt = performance.now();
    child.kill('SIGTERM');
    const exitCode = await exited;
    const exitAt = performance.now();
    const at = (msg: string) => Math.round((seen.get(msg) ?? Number.NaN) - started);
    return {
      portsMs: at('ops server listening'),
      readyMs: Math.round(readyAt - started),
      allWarmMs: at('all warm'),
      exitMs: Math.round(exitAt - killedAt),
      exitCode,
      first: reports['greetings and fillers'] ?? { phrases: 0, synthesized: 0, cached: 0 },
      rest: reports.background ?? { phrases: 0, synthesized: 0, cached: 0 },
    };
  } catch (err) {
    throw new Error(`${(err as Error).message}; stderr: ${stderr}`);
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs the suite. */
export default async function run(): Promise<Record<string, unknown>> {
  const models = await ensureBenchModels();
  const sim = new SimulatedAsterisk();
  const { url } = await sim.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'voxstate-bench-ready-'));
  const redis = new Redis(REDIS_URL);
  const prefixes: string[] = [];
  const base: NodeJS.ProcessEnv = {
    VOXSTATE_MODEL_DIR: models.modelDir,
    VOXSTATE_EMBEDDER_MODEL: models.embedder,
    VOXSTATE_EMBEDDER_DTYPE: 'fp32',
    VOXSTATE_WHISPER_MODEL: models.whisper,
    VOXSTATE_WHISPER_DTYPE: 'fp32',
    VOXSTATE_DATA_DIR: dataDir,
    VOXSTATE_ARI_URL: url,
    VOXSTATE_ARI_USER: 'voxstate',
    VOXSTATE_ARI_PASSWORD: 'voxstate',
    VOXSTATE_MEDIA_BIND: '127.0.0.1',
    VOXSTATE_MEDIA_PORT: '0',
    VOXSTATE_REDIS_URL: REDIS_URL,
    VOXSTATE_LOG_LEVEL: 'info',
  };
  const cold: RunResult[] = [];
  const warm: RunResult[] = [];
  const none: RunResult[] = [];
  const synthesis: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      none.push(await runOnce({ ...base, VOXSTATE_TTS_PREWARM: '0' }));
      synthesis.push(await prewarmAllMs());
      const prefix = `voxstate-bench-ready-${randomUUID()}:`;
      prefixes.push(prefix);
      const env = { ...base, VOXSTATE_REDIS_PREFIX: prefix };
      cold.push(await runOnce(env));
      warm.push(await runOnce(env));
    }
  } finally {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis.disconnect();
    await sim.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const summary = (runs: RunResult[]) => ({
    readyMs: median(runs.map((r) => r.readyMs)),
    allWarmMs: median(runs.map((r) => r.allWarmMs)),
    portsMs: median(runs.map((r) => r.portsMs)),
    runs,
  });
  const noPrewarm = summary(none);
  const prewarmAll = median(synthesis);
  return {
    cpus: cpus().length,
    load: loadavg()[0],
    phrases: (cold[0]?.first.phrases ?? 0) + (cold[0]?.rest.phrases ?? 0),
    firstPartPhrases: cold[0]?.first.phrases ?? 0,
    cold: summary(cold),
    warm: summary(warm),
    noPrewarm,
    prewarmAllMs: prewarmAll,
    oldReadyEstimateMs: noPrewarm.readyMs + prewarmAll,
  };
}
