/**
 * Helpers for the CLI tests: the environment of a runtime on the generated tiny models, a
 * simulated Asterisk whose callers speak with espeak-ng, and polling.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { vi } from 'vitest';
import { createEspeakEngine, type EspeakEngine } from '../../src/providers/tts/espeak.js';
import {
  SimulatedAsterisk,
  type SimulatedAsteriskOptions,
} from '../../src/simulator/simulated-asterisk.js';
import { ensureTinyModels } from '../fixtures/tiny-models.js';

/** Environment for `serve`/`call` against `ariUrl` with the tiny models and real Whisper. */
export async function tinyEnv(
  ariUrl: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<{ env: NodeJS.ProcessEnv; dataDir: string }> {
  const models = await ensureTinyModels();
  const dataDir = await mkdtemp(join(tmpdir(), 'voxstate-cli-'));
  return {
    dataDir,
    env: {
      VOXSTATE_MODEL_DIR: models.modelDir,
      VOXSTATE_EMBEDDER_MODEL: models.embedder,
      VOXSTATE_EMBEDDER_DTYPE: 'fp32',
      VOXSTATE_WHISPER_MODEL: models.whisper,
      VOXSTATE_WHISPER_DTYPE: 'fp32',
      VOXSTATE_STT: 'whisper',
      VOXSTATE_DATA_DIR: dataDir,
      VOXSTATE_TTS_PREWARM: '0',
      VOXSTATE_ARI_URL: ariUrl,
      VOXSTATE_ARI_USER: 'voxstate',
      VOXSTATE_ARI_PASSWORD: 'voxstate',
      VOXSTATE_MEDIA_BIND: '127.0.0.1',
      VOXSTATE_MEDIA_PORT: '0',
      VOXSTATE_OPS_PORT: '0',
      VOXSTATE_LOG_LEVEL: 'silent',
      ...extra,
    },
  };
}

/** A started simulated Asterisk whose scripted callers speak with espeak-ng. */
export async function startSpeakingSim(
  options: SimulatedAsteriskOptions = {},
): Promise<{ sim: SimulatedAsterisk; url: string; close(): Promise<void> }> {
  const tts: EspeakEngine = createEspeakEngine();
  const sim = new SimulatedAsterisk({ ...options, tts });
  const { url } = await sim.start();
  return {
    sim,
    url,
    async close() {
      await sim.stop();
      await tts.close();
    },
  };
}

/** `check()`'s first truthy value ({@link vi.waitFor}); throws after `timeoutMs`. */
export async function until<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  return vi.waitFor(
    async () => {
      const value = await check();
      if (!value) throw new Error(`condition not met within ${timeoutMs} ms`);
      return value as NonNullable<T>;
    },
    { timeout: timeoutMs, interval: 10 },
  );
}

/** A writable that keeps what is written. */
export function capture(): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => chunks.join('');
  return w;
}

/** A `voxstate` child process and what it printed, with the time of each stdout chunk. */
export interface VoxstateProcess {
  child: import('node:child_process').ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** `Date.now()` when stdout first contained `text`, if it has. */
  seenAt(text: string): number | undefined;
  /** Resolves with the exit code and the time of exit. */
  exited: Promise<{ code: number | null; at: number }>;
}

/** Spawns `voxstate <args>` (the TypeScript source through tsx) in the project folder. */
export function spawnVoxstate(args: string[], env: NodeJS.ProcessEnv = {}): VoxstateProcess {
  const root = new URL('../../', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, VOXSTATE_DEBUG: '', ...env },
  });
  const chunks: Array<{ at: number; text: string }> = [];
  let err = '';
  child.stdout.on('data', (d) => {
    chunks.push({ at: Date.now(), text: String(d) });
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('close', (code) => resolve({ code, at: Date.now() })),
  );
  return {
    child,
    stdout: () => chunks.map((c) => c.text).join(''),
    stderr: () => err,
    seenAt(text) {
      let sofar = '';
      for (const c of chunks) {
        sofar += c.text;
        if (sofar.includes(text)) return c.at;
      }
      return undefined;
    },
    exited,
  };
}
