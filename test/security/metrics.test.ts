import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAnswerConfig } from '../../src/answer/config.js';
import { createAnswerer } from '../../src/answer/create-answerer.js';
import { assignFlags, loadFlagConfig } from '../../src/config/flags.js';
import { createOpsServer } from '../../src/ops/server.js';
import { recordFlagAssignment } from '../../src/runtime/flag-metrics.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { registerCatalog } from '../../src/telemetry/catalog.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';
import { startAnthropicServer } from '../fakes/anthropic-server.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';

const SECRET = 'sk-SECRET-metrics-0123456789';

describe('secrets never reach /metrics', () => {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('LLM providers (answers, retries, errors), flags, ARI and the ops server label nothing secret', async () => {
    const registry = new Registry();
    registerCatalog(registry);

    // LLM: the cheap OpenAI model fails once (error metric, retry), then both providers answer.
    const openai: FixtureServer = await startOpenAiServer({
      replies: [{ match: { model: 'gpt-4o-mini' }, fail: { status: 500 }, times: 1 }],
    });
    closers.push(() => openai.close());
    const anthropic: FixtureServer = await startAnthropicServer();
    closers.push(() => anthropic.close());
    const config = loadAnswerConfig({
      OPENAI_API_KEY: `${SECRET}-openai`,
      OPENAI_BASE_URL: openai.baseURL,
      ANTHROPIC_API_KEY: `${SECRET}-anthropic`,
      ANTHROPIC_BASE_URL: anthropic.baseURL,
      VOXSTATE_ROUTING: 'off',
      VOXSTATE_LLM_STRONG_MODEL: 'openai:gpt-4o-mini,anthropic:claude-haiku-4-5',
    });
    const answerer = createAnswerer(config, { phone: '+15550000000', registry });
    const events: string[] = [];
    for await (const e of answerer.answer({
      query: 'When do you open?',
      passages: [{ id: 'p1', text: 'We open at nine.', score: 1 }],
      history: [],
      system: 'Be brief.',
      language: 'en',
      signal: new AbortController().signal,
    })) {
      events.push(e.type);
    }
    expect(events).toContain('retry');
    expect(events.at(-1)).toBe('done');
    // The key did reach the servers: the test would see a leak.
    expect(JSON.stringify(openai.requests[0]?.headers)).toContain(SECRET);

    // Flags.
    const flags = loadFlagConfig({
      VOXSTATE_FLAGS: '{"stt":{"whisper":50,"cloud":50},"routing":"on"}',
    });
    recordFlagAssignment(registry, assignFlags('call-1', flags));

    // ARI, logged in with a secret password.
    const sim = new SimulatedAsterisk({ user: 'vox', password: `${SECRET}-ari` });
    const { url } = await sim.start();
    closers.push(() => sim.stop());
    const ari: AriConnection = await connectAri({
      url,
      user: 'vox',
      password: `${SECRET}-ari`,
      app: 'voxstate',
      registry,
    });
    closers.push(() => ari.close());
    const call = await sim.placeCall({ app: 'voxstate', callerNumber: '+15551230000' });
    await ari.rest.answer(call.channelId);
    await ari.rest.hangup(call.channelId);

    // The ops server with a token serves the same registry.
    const ops = createOpsServer({ registry, port: 0, token: `${SECRET}-ops` });
    const { url: opsUrl } = await ops.listen();
    closers.push(() => ops.close());
    const res = await fetch(`${opsUrl}/metrics`, {
      headers: { authorization: `Bearer ${SECRET}-ops` },
    });
    expect(res.status).toBe(200);
    const served = await res.text();

    const text = await registry.metrics();
    for (const out of [text, served]) {
      expect(out).toContain(
        'voxstate_llm_tokens_total{provider="anthropic",model="claude-haiku-4-5"',
      );
      expect(out).toMatch(
        /voxstate_llm_errors_total\{provider="openai",model="gpt-4o-mini",kind="provider"\} 1/,
      );
      expect(out).toContain('voxstate_flag_assignments_total{flag="routing",variant="on"} 1');
      expect(out).toContain('voxstate_ari_request_seconds_count{operation="channels.answer"');
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain('+1555');
    }
  });
});
