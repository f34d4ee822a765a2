import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSpeakingSim, tinyEnv, until } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('voxstate serve as a process', () => {
  it('logs one start-up line without the password, answers, and exits 0 on SIGTERM', async () => {
    const { sim, url, close } = await startSpeakingSim({ password: 'hunter2-s3cret' });
    const { env, dataDir } = await tinyEnv(url, {
      VOXSTATE_LOG_LEVEL: 'info',
      VOXSTATE_ARI_PASSWORD: 'hunter2-s3cret',
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const line = await until(
        () => stdout.split('\n').find((l) => l.includes('voxstate serving')),
        60_000,
      );
      const entry = JSON.parse(line) as { msg: string; ops: string; ari: string };
      expect(entry.msg).toBe(
        `voxstate serving: ARI ${url} app "voxstate", media audiosocket, ops ${entry.ops}`,
      );
      expect(stdout).not.toContain('hunter2');
      const ready = await fetch(`${entry.ops}/readyz`);
      expect(ready.status).toBe(200);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain('shutdown complete');
      expect(sim.connectedApps).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
