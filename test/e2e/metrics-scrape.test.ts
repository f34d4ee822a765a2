import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createOpsServer, type OpsServer } from '../../src/ops/server.js';
import { activeCallInfo } from '../../src/runtime/active-calls.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';

const DOCS = fileURLToPath(new URL('../../docs/operations/', import.meta.url));
const NAME = /\bvoxstate_[a-z0-9_]*[a-z0-9]\b/g;

/** Every metric name the operations docs, the alert rules and the dashboard mention. */
function documentedNames(): Map<string, string> {
  const names = new Map<string, string>();
  const add = (source: string, text: string) => {
    for (const n of text.match(NAME) ?? []) if (!names.has(n)) names.set(n, source);
  };
  add('docs/operations/README.md', readFileSync(`${DOCS}README.md`, 'utf8'));
  const alerts = parse(readFileSync(`${DOCS}alerts.yml`, 'utf8')) as {
    groups: Array<{ rules: Array<{ expr: string }> }>;
  };
  for (const g of alerts.groups) for (const r of g.rules) add('alerts.yml', String(r.expr));
  add('grafana-dashboard.json', readFileSync(`${DOCS}grafana-dashboard.json`, 'utf8'));
  return names;
}

/** Metric families (`# TYPE name kind`) and sample values by `name{labels}` in a scrape. */
function parseScrape(text: string): { types: Map<string, string>; samples: Map<string, number> } {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    else if (line && !line.startsWith('#')) {
      const i = line.lastIndexOf(' ');
      samples.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
  }
  return { types, samples };
}

function sum(samples: Map<string, number>, name: string, labels = ''): number {
  let total = 0;
  for (const [key, v] of samples) {
    const [n, rest = ''] = key.split('{');
    if (n === name && rest.includes(labels)) total += v;
  }
  return total;
}

describe('a simulated call, then /metrics over HTTP', () => {
  let rig: CallRig;
  let ops: OpsServer;
  let url: string;
  let activeDuringCall = '';

  beforeAll(async () => {
    // Pre-warmed speech cache, as in production; a filler at once (no wait for the answer), so
    // its stage is observed.
    rig = await startCallRig({
      env: {
        VOXSTATE_TTS_LANGUAGES: 'en',
        VOXSTATE_TTS_FORMATS: 'slin16',
        VOXSTATE_FILLER_DELAY_MS: '0',
      },
      configure: (c) => ({ ...c, speech: { ...c.speech, prewarm: true } }),
    });
    ops = createOpsServer({
      registry: rig.registry,
      port: 0,
      calls: () => activeCallInfo(rig.runtime.handles()),
    });
    ({ url } = await ops.listen());
    const { sim, handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 400 } },
        { say: 'Are you open on Sunday?' },
        // Long enough for the filler and the first answer audio, not for the whole answer.
        { pause: 2_500 },
        { hangup: true },
      ],
    });
    activeDuringCall = await (await fetch(`${url}/metrics`)).text();
    await handle.done;
    await sim.ended;
  }, 90_000);

  afterAll(async () => {
    await ops?.close();
    await rig?.close();
  });

  it('finds every metric the docs, the alert rules and the dashboard name', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const { types } = parseScrape(await res.text());
    const documented = documentedNames();
    expect(documented.size).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const [name, source] of documented) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      const found =
        types.has(name) || (base !== name && ['histogram', 'summary'].includes(types.get(base)!));
      if (!found) missing.push(`${name} (${source})`);
    }
    expect(missing, 'named in the docs but not served on /metrics').toEqual([]);
  });

  it('the call produced observations for the call-stage metrics', async () => {
    const { samples } = parseScrape(await (await fetch(`${url}/metrics`)).text());
    expect(sum(samples, 'voxstate_greeting_latency_seconds_count')).toBeGreaterThan(0);
    expect(
      sum(samples, 'voxstate_stage_latency_seconds_count', 'stage="speech_end_to_filler"'),
    ).toBeGreaterThan(0);
    expect(
      sum(
        samples,
        'voxstate_stage_latency_seconds_count',
        'stage="speech_end_to_first_answer_audio"',
      ),
    ).toBeGreaterThan(0);
    expect(sum(samples, 'voxstate_calls_total')).toBe(1);
    expect(sum(samples, 'voxstate_calls_total', 'direction="inbound"')).toBe(1);
    expect(sum(samples, 'voxstate_active_calls')).toBe(0);
    expect(sum(samples, 'voxstate_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // While the call was up, the gauge said so.
    const during = parseScrape(activeDuringCall).samples;
    expect(sum(during, 'voxstate_active_calls')).toBe(1);
  });
});
