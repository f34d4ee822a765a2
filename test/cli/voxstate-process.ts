/**
 * Runs the real `voxstate` executable (bin/voxstate.js) in a child process, as a user's shell
 * would, and hands back its exit code and output.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/voxstate.js', import.meta.url));

/** What a finished `voxstate` process did. */
export interface VoxstateResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `voxstate` process; `done` settles when it exits. */
export interface VoxstateProcess {
  child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  done: Promise<VoxstateResult>;
}

/** Starts `voxstate <args>` with `env` added to this process's environment. */
export function startVoxstate(args: string[], env: NodeJS.ProcessEnv = {}): VoxstateProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, VOXSTATE_DEBUG: '', VOXSTATE_CLOUD_EMBED_MODEL: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<VoxstateResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Runs `voxstate <args>` to its end. */
export function voxstate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<VoxstateResult> {
  return startVoxstate(args, env).done;
}
