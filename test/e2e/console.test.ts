import { existsSync } from 'node:fs';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsole, type WebConsole } from '../../src/console/console.js';
import { createOpsServer, type OpsServer } from '../../src/ops/server.js';
import { consoleCallOf, keepWhenEnded } from '../../src/runtime/active-calls.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';

/** Debian's chromium (`apt-get install chromium`); .ci/run installs it when it is missing. */
const CHROMIUM = process.env.VOXSTATE_CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'console-test-token';

describe('the web console in headless Chromium', () => {
  let rig: CallRig | undefined;
  let ops: OpsServer;
  let web: WebConsole;
  let browser: Browser;
  let url: string;
  let shots: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set VOXSTATE_CHROMIUM`,
      );
    }
    shots = await mkdtemp(join(tmpdir(), 'voxstate-console-'));
    web = createConsole({
      live: () => (rig ? rig.runtime.handles().map((h) => consoleCallOf(h)) : []),
      showText: true,
    });
    rig = await startCallRig({
      runtimeOptions: { onCallStarted: (handle) => keepWhenEnded(web, handle) },
    });
    ops = createOpsServer({ registry: rig.registry, port: 0, token: TOKEN, routes: web.routes });
    ({ url } = await ops.listen());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await ops?.close();
    await rig?.close();
  });

  it('refuses a page without the token', async () => {
    const res = await fetch(`${url}/console`);
    expect(res.status).toBe(401);
  });

  it('shows a simulated call live, then its page with the turn waterfall', async () => {
    if (!rig) throw new Error('no rig');
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`${url}/console?token=${TOKEN}`);
    expect(page.url()).toBe(`${url}/console`);
    await page.waitForSelector('#live td.none');

    const { sim, handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 400 } },
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 600 } },
        { pause: 1_500 },
        { hangup: true },
      ],
    });
    const row = `#live tr[data-call="${handle.id}"]`;
    await page.waitForSelector(row, { timeout: 20_000 });
    expect(await page.textContent(`${row} td.state`)).toMatch(/active/);
    await page.screenshot({ path: join(shots, '1-live.png'), fullPage: true });

    await handle.done;
    await sim.ended;
    await page.waitForSelector(`#recent tr[data-call="${handle.id}"]`, { timeout: 10_000 });
    expect(await page.$(row)).toBeNull();
    await page.screenshot({ path: join(shots, '2-ended.png'), fullPage: true });

    await page.click(`#recent tr[data-call="${handle.id}"] a`);
    await page.waitForSelector('svg.waterfall g.turn[data-turn="1"]');
    for (const part of ['rect.seg-transcript', 'rect.seg-retrieval', 'line.mark-first_audio']) {
      expect(await page.$(`svg.waterfall g.turn ${part}`), part).not.toBeNull();
    }
    expect(await page.textContent('table.turns')).toMatch(/sunday/i);
    expect(await page.textContent('p.summary')).toMatch(/ended: hangup/);
    await page.screenshot({ path: join(shots, '3-call.png'), fullPage: true });

    await page.click('header a[href="/console/costs"]');
    await page.waitForSelector('svg.cost-chart');
    await page.screenshot({ path: join(shots, '4-costs.png'), fullPage: true });
    for (const f of ['1-live.png', '2-ended.png', '3-call.png', '4-costs.png']) {
      expect((await stat(join(shots, f))).size).toBeGreaterThan(1_000);
    }
    console.log(`console screenshots in ${shots}`);
  }, 90_000);
});
