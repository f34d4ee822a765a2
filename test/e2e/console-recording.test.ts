/**
 * The console's recording player in headless Chromium (Debian's `chromium`, as the console
 * test): a call page with a recording plays its WAV through the `<audio>` element, behind the
 * token cookie, and seeking asks the server for a byte range. The WAV is written by the test.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/audio/wav.js';
import { createConsole } from '../../src/console/console.js';
import { createOpsServer, type OpsRoutes, type OpsServer } from '../../src/ops/server.js';

/** What the test reads of the page's `<audio>` element (no DOM types in this project). */
interface AudioElement {
  readyState: number;
  duration: number;
  currentTime: number;
  muted: boolean;
  error: unknown;
  play(): Promise<void>;
}

const CHROMIUM = process.env.VOXSTATE_CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'recording-test-token';

describe('the recording player in headless Chromium', () => {
  let dataDir: string;
  let ops: OpsServer;
  let browser: Browser;
  let url: string;
  const ranges: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    dataDir = await mkdtemp(join(tmpdir(), 'voxstate-rec-e2e-'));
    // Two seconds of a 440 Hz tone at 16 kHz.
    const samples = new Int16Array(32_000);
    for (let i = 0; i < samples.length; i++)
      samples[i] = Math.round(8_000 * Math.sin((2 * Math.PI * 440 * i) / 16_000));
    await mkdir(join(dataDir, 'recordings'));
    await writeFile(join(dataDir, 'recordings', 'call-r.wav'), writeWav(samples, 16_000));
    const web = createConsole({ live: () => [], dataDir });
    web.ended({
      id: 'call-r',
      state: 'ended',
      direction: 'inbound',
      language: 'en',
      startedAt: Date.now() - 3_000,
      endedAt: Date.now(),
      endReason: 'hangup',
      turns: [],
      recordingPath: 'recordings/call-r.wav',
    });
    const routes: OpsRoutes = (path, query, headers?: IncomingHttpHeaders) => {
      if (path.endsWith('/recording') && headers?.range) ranges.push(headers.range);
      return web.routes(path, query, headers);
    };
    ops = createOpsServer({ registry: new Registry(), port: 0, token: TOKEN, routes });
    ({ url } = await ops.listen());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await ops?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads the recording into the player, plays it and seeks by range', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/console?token=${TOKEN}`);
    await page.goto(`${url}/console/calls/call-r`);
    await page.waitForFunction(
      "(() => { const a = document.querySelector('audio#recording'); return a !== null && a.readyState >= 1 && Number.isFinite(a.duration); })()",
    );
    const duration = await page.$eval(
      'audio#recording',
      (a) => (a as unknown as AudioElement).duration,
    );
    expect(duration).toBeCloseTo(2, 1);
    await page.$eval('audio#recording', (a) => {
      const audio = a as unknown as AudioElement;
      audio.muted = true;
      audio.currentTime = 1.5;
      return audio.play();
    });
    await page.waitForFunction(
      "(document.querySelector('audio#recording')?.currentTime ?? 0) > 1.5",
    );
    const error = await page.$eval('audio#recording', (a) => (a as unknown as AudioElement).error);
    expect(error).toBeNull();
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((r) => /^bytes=\d+-\d*$/.test(r))).toBe(true);
    await page.close();
  }, 60_000);
});
