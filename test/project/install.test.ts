/**
 * `npm ci` must install the CPU build of onnxruntime-node on a machine with a CUDA toolkit on its
 * PATH and only the npm registry reachable: the project's own npm configuration keeps
 * onnxruntime-node's install step from downloading CUDA binaries from outside the registry.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

describe('install on a machine with nvcc and no internet', () => {
  let bin: string;

  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), 'voxstate-nvcc-'));
    const nvcc = join(bin, 'nvcc');
    await writeFile(nvcc, '#!/bin/sh\necho "Cuda compilation tools, release 12.4, V12.4.131"\n');
    await chmod(nvcc, 0o755);
  });

  afterAll(async () => {
    await rm(bin, { recursive: true, force: true });
  });

  function offlineEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      // Any download attempt fails at once instead of waiting on a closed network.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      GLOBAL_AGENT_HTTPS_PROXY: 'http://127.0.0.1:9',
    };
    for (const key of Object.keys(env)) {
      if (/^(npm_|ONNXRUNTIME_NODE_INSTALL)/i.test(key)) delete env[key];
    }
    return env;
  }

  it("runs onnxruntime-node's install step as `npm ci` does, and it downloads nothing", async () => {
    const { stdout, stderr } = await run(
      'npm',
      ['rebuild', 'onnxruntime-node', '--foreground-scripts', '--offline'],
      { cwd: ROOT, env: offlineEnv(), timeout: 60_000 },
    );
    expect(`${stdout}${stderr}`).not.toMatch(/nuget|download|npm error/i);
  }, 70_000);

  it('carries the CPU-only install flag to npm versions that run every install script', async () => {
    // npm before allowScripts runs onnxruntime-node's script with the project's npm config in
    // its environment: run the script there, from its own folder, as such an npm would.
    const script =
      'cd node_modules/onnxruntime-node && npm_package_json="$PWD/package.json" node script/install.js';
    const { stdout, stderr } = await run('npm', ['exec', '--offline', '-c', script], {
      cwd: ROOT,
      env: offlineEnv(),
      timeout: 60_000,
    });
    expect(`${stdout}${stderr}`).not.toMatch(/nuget|download/i);
  }, 70_000);

  it('never runs the CUDA download under npm versions that honour allowScripts', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });

  it('CI installs exactly as the README says, with no install variables', async () => {
    const ci = await readFile(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).not.toMatch(/ONNXRUNTIME_NODE_INSTALL/);
    expect(ci).toMatch(/^npm ci$/m);
  });
});
