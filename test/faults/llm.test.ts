import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput } from '../../src/machines/call.types.js';
import type { CallHandle } from '../../src/runtime/runtime.js';
import type { SimCall } from '../../src/simulator/simulated-asterisk.js';
import { startAnthropicServer } from '../fakes/anthropic-server.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  type FixtureServer,
  type RecordedRequest,
  type ScriptedReply,
  startOpenAiServer,
} from '../fakes/openai-server.js';
import { captureLogs, type LogCapture } from '../helpers/logs.js';
import { metricValue } from '../helpers/metrics.js';
import { deadAir, prewarmEnglish } from './helpers.js';

const ANSWER = 'Yes, on Sunday we open at nine and close at three.';
const APOLOGY = "I'm sorry, something went wrong on my side. Could you say that once more?";

/** One scenario per call; each call asks its own question, so the fixtures can tell them apart. */
const Q = {
  http500: 'Alpha, are you open?',
  stallEarly: 'Bravo, are you open?',
  firstToken: 'Charlie, are you open?',
  stallLate: 'Delta, are you open?',
  allFail: 'Echo, are you open?',
} as const;
type Scenario = keyof typeof Q;

const asked = (q: string) => ({ lastUser: `Caller: ${q}` });

/** The OpenAI fixture: cheap `gpt-cheap`, strong `gpt-strong`; 500 unless scripted. */
const OPENAI: ScriptedReply[] = [
  { match: { model: 'gpt-cheap', ...asked(Q.http500) }, fail: { status: 500 } },
  {
    match: { model: 'gpt-cheap', ...asked(Q.stallEarly) },
    text: ['We ', 'are '],
    stallAfterChunks: 1,
  },
  { match: { model: 'gpt-cheap', ...asked(Q.firstToken) }, text: ANSWER, firstTokenMs: 10_000 },
  {
    match: { model: 'gpt-cheap', ...asked(Q.stallLate) },
    text: ['Yes, ', 'on ', 'Sunday ', 'we ', 'open ', 'at ', 'nine, ', 'and ', 'we '],
    stallAfterChunks: 8,
  },
];

/** The Anthropic fixture (`claude-strong`, the fail-over provider): answers, except for allFail. */
const ANTHROPIC: ScriptedReply[] = [
  { match: { model: 'claude-strong', ...asked(Q.allFail) }, fail: { status: 529 } },
  { match: { model: 'claude-strong' }, text: ANSWER },
];

interface Result {
  sim: SimCall;
  handle: CallHandle;
  output: CallOutput;
}

function requestsOf(server: FixtureServer, q: string): RecordedRequest[] {
  return server.requests.filter((r) =>
    r.messages.some((m) => m.role === 'user' && m.content.includes(`Caller: ${q}`)),
  );
}

describe('faults: the LLM server fails (runtime + simulated callers + fixture LLM servers)', () => {
  let rig: CallRig;
  let openai: FixtureServer;
  let anthropic: FixtureServer;
  let logs: LogCapture;
  const results = new Map<Scenario, Result>();

  beforeAll(async () => {
    openai = await startOpenAiServer({ replies: OPENAI, fallback: { fail: { status: 500 } } });
    anthropic = await startAnthropicServer({ replies: ANTHROPIC });
    logs = captureLogs();
    // The stream deadlines are the defaults (2 s to the first token, 2 s of silence mid-stream):
    // these tests hold the defaults to the 3 s dead-air budget.
    rig = await startCallRig({
      ingest: false,
      logger: logs.logger,
      configure: prewarmEnglish,
      env: {
        OPENAI_API_KEY: 'test-key',
        OPENAI_BASE_URL: openai.baseURL,
        ANTHROPIC_API_KEY: 'test-key',
        ANTHROPIC_BASE_URL: anthropic.baseURL,
        VOXSTATE_LLM_CHEAP_MODEL: 'openai:gpt-cheap',
        VOXSTATE_LLM_STRONG_MODEL: 'openai:gpt-strong,anthropic:claude-strong',
        VOXSTATE_ROUTING_CLASSIFIER: 'off',
        // The callers speak at once; a greeting already playing must not swallow the question.
        VOXSTATE_BARGE_IN_ON_GREETING: 'true',
      },
    });
    // The five callers speak at once; each waits 3 s of silence before hanging up, so a gap of
    // 3 s or more inside an answer would cut the turn short and fail its test.
    // rig.placeCall finds the new call's handle by difference, so calls are placed one by one;
    // they then run at the same time.
    const running: Array<Promise<void>> = [];
    for (const scenario of Object.keys(Q) as Scenario[]) {
      const { sim, handle } = await rig.placeCall({
        steps: [
          { say: Q[scenario] },
          { waitForBot: { silenceMs: 3_000, timeoutMs: 8_000 } },
          { hangup: true },
        ],
      });
      running.push(
        handle.done.then(async (output) => {
          await sim.ended;
          results.set(scenario, { sim, handle, output });
        }),
      );
    }
    await Promise.all(running);
  }, 90_000);

  afterAll(async () => {
    await rig?.close();
    await openai?.close();
    await anthropic?.close();
  });

  const get = (s: Scenario): Result => {
    const r = results.get(s);
    if (!r) throw new Error(`no result for ${s}`);
    return r;
  };
  const spoken = (s: Scenario) => get(s).handle.actor.getSnapshot().context.history.at(-1)?.content;
  const worstDeadAir = (s: Scenario) =>
    Math.max(...deadAir(get(s).sim.recording).map((t) => t.worstMs));

  it('answers 500: the caller hears the other provider answer within 3 s', () => {
    expect(get('http500').output.turns).toBe(1);
    expect(spoken('http500')).toBe(ANSWER);
    expect(requestsOf(openai, Q.http500).map((r) => r.model)).toEqual(['gpt-cheap']);
    expect(requestsOf(anthropic, Q.http500).map((r) => r.model)).toEqual(['claude-strong']);
    expect(worstDeadAir('http500')).toBeLessThan(3_000);
  });

  it('stalls mid-stream before the first clause: the idle deadline fails over within 3 s', () => {
    expect(get('stallEarly').output.turns).toBe(1);
    expect(spoken('stallEarly')).toBe(ANSWER);
    expect(requestsOf(openai, Q.stallEarly)[0]?.closedEarly).toBe(true);
    expect(requestsOf(anthropic, Q.stallEarly)).toHaveLength(1);
    expect(worstDeadAir('stallEarly')).toBeLessThan(3_000);
  });

  it('times out before the first token: the first-token deadline fails over within 3 s', () => {
    expect(get('firstToken').output.turns).toBe(1);
    expect(spoken('firstToken')).toBe(ANSWER);
    expect(requestsOf(openai, Q.firstToken)[0]?.closedEarly).toBe(true);
    expect(requestsOf(anthropic, Q.firstToken)).toHaveLength(1);
    expect(worstDeadAir('firstToken')).toBeLessThan(3_000);
  });

  it('stalls after the first clause was spoken: the answer ends there, no gap of 3 s', () => {
    const { handle, output } = get('stallLate');
    expect(output.turns).toBe(1);
    expect(spoken('stallLate')).toBe('Yes, on Sunday we open at nine,');
    expect(requestsOf(anthropic, Q.stallLate)).toHaveLength(0);
    expect(worstDeadAir('stallLate')).toBeLessThan(3_000);
    const fallback = handle.session.log.toJSON().events.filter((e) => e.type === 'fallback');
    expect(fallback.map((e) => e.fields)).toEqual([
      expect.objectContaining({ outcome: 'truncated' }),
    ]);
  });

  it('every provider fails: the caller hears the apology within 3 s and the call goes on', () => {
    const { output } = get('allFail');
    expect(output.endReason).toBe('hangup');
    expect(output.turns).toBe(1);
    expect(spoken('allFail')).toBe(APOLOGY);
    expect(requestsOf(openai, Q.allFail).map((r) => r.model)).toEqual(['gpt-cheap', 'gpt-strong']);
    expect(requestsOf(anthropic, Q.allFail).map((r) => r.model)).toEqual(['claude-strong']);
    expect(worstDeadAir('allFail')).toBeLessThan(3_000);
  });

  it('logs every failed attempt and counts it by provider and kind', async () => {
    const failed = logs.find('llm attempt failed');
    // 500, stall, first token, late stall: one each; all fail: two OpenAI and one Anthropic.
    expect(failed).toHaveLength(7);
    expect(failed.every((l) => l.level === 40)).toBe(true);
    expect(logs.find('every model failed; speaking the fallback')).toHaveLength(1);
    const count = (labels: Record<string, string>) =>
      metricValue(rig.registry, 'voxstate_llm_errors_total', labels);
    expect(await count({ provider: 'openai', kind: 'provider' })).toBe(3);
    expect(await count({ provider: 'openai', kind: 'timeout' })).toBe(3);
    expect(await count({ provider: 'anthropic', kind: 'provider' })).toBe(1);
    expect(
      await metricValue(rig.registry, 'voxstate_llm_routing_decisions_total', {
        model: 'claude-strong',
      }),
    ).toBeGreaterThanOrEqual(4);
    expect(rig.runtime.activeCalls).toBe(0);
  });
});
