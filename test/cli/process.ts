/**
 * `voxstate` as a real process (bin/voxstate.js) for tests: its output, when a stdout line was
 * first seen, and its exit.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { until } from './helpers.js';

const BIN = fileURLToPath(new URL('../../bin/voxstate.js', import.meta.url));

/** A running `voxstate` process. */
export interface VoxstateProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines so far (stdout, then stderr). */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the exit code and when it came (`performance.now()`). */
  exited: Promise<{ code: number | null; at: number }>;
  /** Resolves with the time (`performance.now()`) stdout or stderr first contained `text`. */
  seen(text: string, timeoutMs?: number): Promise<number>;
  /** The lines the command itself wrote on stderr (`voxstate <command>: ...`), not log lines. */
  messages(): string[];
}

/** Spawns `voxstate <args>` with `env` added to this process's environment. */
export function spawnVoxstate(args: string[], env: NodeJS.ProcessEnv): VoxstateProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  const firstSeen = new Map<string, number>();
  const watched = new Set<string>();
  const look = () => {
    for (const text of watched) {
      if (!firstSeen.has(text) && (out.includes(text) || err.includes(text)))
        firstSeen.set(text, performance.now());
    }
  };
  child.stdout.on('data', (d) => {
    out += d;
    look();
  });
  child.stderr.on('data', (d) => {
    err += d;
    look();
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('close', (code) => resolve({ code, at: performance.now() })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs: () =>
      `${out}\n${err}`
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
    messages: () => err.split('\n').filter((l) => l.startsWith('voxstate')),
    seen(text, timeoutMs = 90_000) {
      watched.add(text);
      look();
      return until(() => firstSeen.get(text), timeoutMs);
    },
  };
}
