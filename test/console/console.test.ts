import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { TurnTiming } from '../../src/calls/timeline.js';
import { type ConsoleCall, createConsole } from '../../src/console/console.js';
import { waterfallSvg } from '../../src/console/svg.js';
import { createOpsServer, type OpsServer } from '../../src/ops/server.js';

const TURN: TurnTiming = {
  turn: 1,
  speechEndAtMs: 0,
  endpointing: 500,
  filler: 40,
  transcript: 120,
  retrieval: 150,
  first_answer_audio: 900,
  callerText: 'when do you <open>?',
  botText: 'At nine.',
  marks: { answer_start: 150, answer_first_piece: 500, tts_start: 500, answer_ready: 850 },
};

const call = (id: string, over: Partial<ConsoleCall> = {}): ConsoleCall => ({
  id,
  state: 'active.conversation.answering',
  direction: 'inbound',
  language: 'en',
  startedAt: 0,
  turns: [TURN],
  ...over,
});

describe('console pages', () => {
  it('draws every stage of a turn in the waterfall, with marks for filler and first audio', () => {
    const svg = waterfallSvg([TURN]);
    for (const s of ['end_of_turn', 'transcript', 'retrieval', 'first_token', 'tts_first_byte'])
      expect(svg).toContain(`data-segment="${s}"`);
    expect(svg).toContain('data-mark="filler"');
    expect(svg).toContain('data-mark="first_audio"');
  });

  it('shows words only when allowed, escaped', async () => {
    const hidden = createConsole({ live: () => [call('a')] });
    const page = await hidden.routes('/console/calls/a', new URLSearchParams());
    expect(page?.body).not.toContain('nine');
    expect(page?.body).toContain('Words hidden');
    const shown = createConsole({ live: () => [call('a')], showText: true });
    const body = (await shown.routes('/console/calls/a', new URLSearchParams()))?.body ?? '';
    expect(body).toContain('when do you &lt;open&gt;?');
    expect(body).not.toContain('<open>');
  });

  it('keeps a bounded ring of ended calls and answers 404 for a call it does not know', async () => {
    const web = createConsole({ live: () => [], keep: 2 });
    for (const id of ['1', '2', '3']) web.ended(call(id, { endedAt: 5, endReason: 'hangup' }));
    expect(web.recent().map((c) => c.id)).toEqual(['3', '2']);
    expect((await web.routes('/console/calls/1', new URLSearchParams()))?.status).toBe(404);
    expect((await web.routes('/console/fragment/recent', new URLSearchParams()))?.body).toContain(
      'ended: hangup',
    );
    expect(await web.routes('/elsewhere', new URLSearchParams())).toBeUndefined();
  });

  it('charts the stored cost report by day, and says so when it cannot be read', async () => {
    const report = {
      currency: 'EUR',
      by: 'day' as const,
      calls: 3,
      total: 0.03,
      baselineTotal: 0.06,
      savings: 0.03,
      savingsRatio: 0.5,
      average: 0.01,
      wasted: { total: 0, tokens: 0 },
      byComponent: {} as never,
      rows: [
        { key: '2026-12-05', calls: 2, total: 0.02, baseline: 0.04, average: 0.01 },
        { key: '2026-12-06', calls: 1, total: 0.01, baseline: 0.02, average: 0.01 },
      ],
      variants: {},
      anomalies: [],
    };
    const web = createConsole({ live: () => [], costReport: async () => report });
    const body = String((await web.routes('/console/costs', new URLSearchParams()))?.body ?? '');
    expect(body).toContain('50% saved');
    expect(body.match(/class="cost-bar" data-label="2026-12-0[56]"/g)).toHaveLength(2);
    const failing = createConsole({
      live: () => [],
      costReport: async () => {
        throw new Error('store unreadable');
      },
    });
    expect((await failing.routes('/console/costs', new URLSearchParams()))?.body).toContain(
      'could not be read: store unreadable',
    );
  });

  it('links the inspector when it is on', async () => {
    const web = createConsole({ live: () => [], inspectorUrl: () => 'http://127.0.0.1:8080/' });
    expect((await web.routes('/console', new URLSearchParams()))?.body).toContain(
      'href="http://127.0.0.1:8080/"',
    );
  });
});

describe('console behind the ops token', () => {
  let ops: OpsServer | undefined;
  afterEach(async () => ops?.close());

  it('takes the token once from ?token= into an HttpOnly cookie, then from the cookie', async () => {
    const web = createConsole({ live: () => [call('x')] });
    ops = createOpsServer({
      registry: new Registry(),
      port: 0,
      token: 's3cret',
      routes: web.routes,
    });
    const { url } = await ops.listen();
    expect((await fetch(`${url}/console`)).status).toBe(401);
    expect((await fetch(`${url}/console?token=wrong`, { redirect: 'manual' })).status).toBe(401);
    const first = await fetch(`${url}/console?token=s3cret`, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console');
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^voxstate_ops=s3cret; HttpOnly; SameSite=Strict; Path=\//);
    const page = await fetch(`${url}/console`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('data-call="x"');
    const bearer = await fetch(`${url}/console/app.js`, {
      headers: { authorization: 'Bearer s3cret' },
    });
    expect(bearer.headers.get('content-type')).toMatch(/javascript/);
    expect(
      (await fetch(`${url}/console`, { headers: { cookie: 'voxstate_ops=nope' } })).status,
    ).toBe(401);
  });
});
