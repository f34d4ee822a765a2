/**
 * What the real processes print: `serve` keeps stdout JSON lines (third-party console noise
 * included), `call --json` prints only its JSON, interactive commands print readable lines, and
 * an unreachable Redis is said once.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { spawnVoxstate, startSpeakingSim, tinyEnv, until } from './helpers.js';

const SWAGGER_NOTICE = 'deprecated version of Swagger';

describe('process output against an Asterisk that says swaggerVersion 1.1', () => {
  let sim: SimulatedAsterisk;
  let closeSim: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  beforeAll(async () => {
    ({ sim, close: closeSim } = await startSpeakingSim({
      swaggerVersion: '1.1',
      onOriginate: () => ({
        answerAfterMs: 200,
        script: { steps: [{ waitForBot: { silenceMs: 400, timeoutMs: 8_000 } }, { hangup: true }] },
      }),
    }));
    ({ env, dataDir } = await tinyEnv(sim.url, { VOXSTATE_REDIS_URL: 'redis://127.0.0.1:6379' }));
  }, 60_000);

  afterAll(async () => {
    await closeSim?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serve: every stdout line is JSON, the notice included; a clean stop says nothing of Redis', async () => {
    const serve = spawnVoxstate(['serve'], { ...env, VOXSTATE_LOG_LEVEL: 'debug' });
    try {
      await until(() => serve.stdout().includes('voxstate serving'), 90_000);
      serve.child.kill('SIGTERM');
      const { code } = await serve.exited;
      expect(code).toBe(0);
    } finally {
      serve.child.kill('SIGKILL');
    }
    const lines = serve.stdout().split('\n').filter(Boolean);
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as { msg?: string; source?: string; level: number };
      } catch {
        throw new Error(`not a JSON line on serve's stdout: ${line}`);
      }
    });
    // ari-client did print its notice (this Asterisk says 1.1): it arrived as a JSON entry.
    const notice = entries.filter((e) => e.msg?.includes(SWAGGER_NOTICE));
    expect(notice.length).toBeGreaterThan(0);
    expect(notice.every((e) => e.source === 'console' && e.level === 20)).toBe(true);
    expect(entries.some((e) => e.msg === 'shutdown complete')).toBe(true);
    expect(entries.filter((e) => e.msg?.includes('redis connection lost'))).toEqual([]);
    expect(serve.stderr()).toBe('');
  }, 150_000);

  it('call --json: stdout is the one JSON object; logs are readable lines on stderr', async () => {
    const call = spawnVoxstate(['call', 'PJSIP/1000', '--json'], {
      ...env,
      VOXSTATE_LOG_LEVEL: 'info',
    });
    const { code } = await call.exited;
    expect(call.stderr()).not.toMatch(/"level":|\n\s+at /);
    expect(code).toBe(0);
    const stdout = call.stdout();
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({ endpoint: 'PJSIP/1000', endReason: 'hangup' });
    expect(stdout).not.toContain(SWAGGER_NOTICE);
    expect(call.stderr()).toMatch(/^info: call started$/m);
    expect(sim.channels.size).toBe(0);
  }, 150_000);
});

describe('an unreachable VOXSTATE_REDIS_URL', () => {
  it('kb search says so once, without the password, in a readable line', async () => {
    const { env, dataDir } = await tinyEnv('http://127.0.0.1:1', {
      VOXSTATE_REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
      VOXSTATE_LOG_LEVEL: '',
    });
    try {
      const kb = spawnVoxstate(['kb', 'search', 'do you deliver?', '--no-local'], env);
      const { code } = await kb.exited;
      expect(code).toBe(0);
      const said = kb
        .stderr()
        .split('\n')
        .filter((l) => l.includes('unreachable'));
      expect(said).toEqual([
        expect.stringMatching(
          /^warning: redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 is unreachable \(.+\): caches run in-process until it answers$/,
        ),
      ]);
      expect(kb.stderr()).not.toContain('hunter2');
      expect(kb.stdout()).toContain('no passages found');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
