import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSpeakingSim, tinyEnv, until } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('voxstate serve as a process', () => {
  it('logs one start-up line without the password, inspects calls with --inspect, exits 0 on SIGTERM', async () => {
    const { sim, url, close } = await startSpeakingSim({ password: 'hunter2-s3cret' });
    const { env, dataDir } = await tinyEnv(url, {
      VOXSTATE_LOG_LEVEL: 'info',
      VOXSTATE_ARI_PASSWORD: 'hunter2-s3cret',
    });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--inspect=0'],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
      },
    );
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

      // The Stately inspector is on: a page connected to its bridge sees the call actor, and
      // no phone number.
      const inspectorLine = stdout.split('\n').find((l) => l.includes('Stately inspector on'));
      const page = (JSON.parse(inspectorLine ?? '{}') as { url?: string }).url ?? '';
      expect(page).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ws = new WebSocket(page.replace('http', 'ws'));
      const received: string[] = [];
      ws.on('message', (m) => received.push(String(m)));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const call = await sim.placeCall({
        callerNumber: '+15557654321',
        script: { steps: [{ waitForBot: { silenceMs: 300 } }, { hangup: true }] },
      });
      await call.ended;
      await until(() => received.some((m) => m.includes(`call-${call.channelId}`)), 20_000);
      ws.close();
      expect(received.join('\n')).not.toContain('5557654321');

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
