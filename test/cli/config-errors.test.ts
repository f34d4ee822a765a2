import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run as runCall } from '../../src/cli/commands/call.js';
import { run as runServe } from '../../src/cli/commands/serve.js';
import { publicUrl } from '../../src/runtime/serve.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { capture, tinyEnv } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `voxstate <args>` in a child process with `env` added. */
function voxstate(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, VOXSTATE_DEBUG: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function io(env: NodeJS.ProcessEnv) {
  return { out: capture(), err: capture(), env };
}

describe('serve and call: a wrong setting is one line naming the variable, exit 1', () => {
  it.each([
    ['VOXSTATE_OPS_PORT', 'ninety'],
    ['VOXSTATE_OPS_PORT', '70000'],
    ['VOXSTATE_DRAIN_MS', '-1'],
    ['VOXSTATE_ARI_URL', 'not a url'],
    ['VOXSTATE_MEDIA_TRANSPORT', 'webrtc'],
    ['VOXSTATE_MAX_TURNS', 'lots'],
    ['VOXSTATE_RETENTION_DAYS', '0'],
  ])('serve with %s=%s', async (name, value) => {
    const cmd = io({ [name]: value });
    expect(await runServe([], cmd)).toBe(1);
    const lines = cmd.err.text().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^voxstate serve: /);
    expect(lines[0]).toContain(name);
    expect(cmd.out.text()).toBe('');
  });

  it('call with a wrong setting, without an endpoint, with a bad --timeout', async () => {
    const wrong = io({ VOXSTATE_ARI_TIMEOUT_MS: 'soon' });
    expect(await runCall(['PJSIP/1000'], wrong)).toBe(1);
    expect(wrong.err.text()).toMatch(/^voxstate call: VOXSTATE_ARI_TIMEOUT_MS .*\n$/);
    const none = io({});
    expect(await runCall([], none)).toBe(2);
    expect(none.err.text()).toMatch(/^voxstate call: give exactly one endpoint/);
    const timeout = io({});
    expect(await runCall(['PJSIP/1', '--timeout', '0'], timeout)).toBe(2);
    expect(timeout.err.text()).toContain('--timeout');
  });

  it('prints usage on --help', async () => {
    const s = io({});
    expect(await runServe(['--help'], s)).toBe(0);
    expect(s.out.text()).toMatch(/^usage: voxstate serve/);
    const c = io({});
    expect(await runCall(['--help'], c)).toBe(0);
    expect(c.out.text()).toMatch(/^usage: voxstate call <endpoint>/);
  });

  it('the real command line: one line on stderr, no stack trace, exit code 1', async () => {
    const r = await voxstate(['serve'], { VOXSTATE_OPS_PORT: 'ninety' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'voxstate serve: VOXSTATE_OPS_PORT must be a port number 0-65535, got "ninety"\n',
    );
    expect(r.stdout).toBe('');
  }, 30_000);
});

describe('publicUrl', () => {
  it('drops credentials from the ARI URL before it is logged', () => {
    expect(publicUrl('http://vox:s3cret@pbx.lan:8088/')).toBe('http://pbx.lan:8088');
    expect(publicUrl('https://pbx.lan/ari')).toBe('https://pbx.lan/ari');
    expect(publicUrl('::')).toBe('(invalid URL)');
  });
});

describe('wrong ARI credentials', () => {
  it('serve: one line naming the user, the server shuts itself down, exit 1', async () => {
    const sim = new SimulatedAsterisk({ password: 'right' });
    const { url } = await sim.start();
    const { env, dataDir } = await tinyEnv(url, { VOXSTATE_ARI_PASSWORD: 'wrong' });
    try {
      const cmd = io(env);
      expect(await runServe([], cmd)).toBe(1);
      expect(cmd.err.text()).toMatch(
        /^voxstate serve: ARI at 127\.0\.0\.1:\d+ rejected the credentials of user "voxstate" \(401\)\n$/,
      );
      expect(cmd.err.text()).not.toContain('wrong');
    } finally {
      await sim.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the ops port is taken', () => {
  it('serve: one line naming VOXSTATE_OPS_PORT, exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const { env, dataDir } = await tinyEnv('http://127.0.0.1:1', { VOXSTATE_OPS_PORT: `${port}` });
    try {
      const cmd = io(env);
      expect(await runServe([], cmd)).toBe(1);
      expect(cmd.err.text()).toMatch(
        new RegExp(
          `^voxstate serve: VOXSTATE_OPS_HOST/VOXSTATE_OPS_PORT: cannot listen on 127\\.0\\.0\\.1:${port} .*EADDRINUSE.*\\n$`,
        ),
      );
    } finally {
      taken.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the media port is taken', () => {
  it('serve: one line naming VOXSTATE_MEDIA_PORT, exit 1', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    const { env, dataDir } = await tinyEnv('http://127.0.0.1:1', {
      VOXSTATE_MEDIA_PORT: `${port}`,
    });
    try {
      const cmd = io(env);
      expect(await runServe([], cmd)).toBe(1);
      expect(cmd.err.text()).toMatch(
        new RegExp(
          `^voxstate serve: VOXSTATE_MEDIA_BIND/VOXSTATE_MEDIA_PORT: .*:${port} .*EADDRINUSE.*\\n$`,
        ),
      );
    } finally {
      taken.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
