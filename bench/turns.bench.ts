/**
 * Benchmark suite `turns`: end of the caller's speech to the answer, through the whole stack
 * (the real runtime, the real ari-client, the simulated Asterisk with real-time AudioSocket
 * media, Silero VAD, espeak-ng, the OpenAI SDK against the LLM fixture with a 300 ms first
 * token). 50 scripted calls per configuration, 10 at a time: finished questions of the sample
 * knowledge base and the English paused callers of `src/simulator/pause-cases.ts` (mid-thought,
 * hesitation, dictation). Three configurations, each on its own rig, side by side:
 *
 * - `baseline`: today's behaviour before issue 15: batch transcription (the caller script, ASR
 *   time ~0, which flatters it), a fixed 500 ms of end-of-speech silence, a filler every turn;
 * - `streaming`: the Deepgram fixture (the unmodified SDK; partials follow the caller's voice,
 *   each connection its own scripted caller by the call id Deepgram gets as `tag`), the
 *   adaptive end of turn, speculative retrieval, a filler only after 350 ms;
 * - `preemptive`: `streaming` with preemptive answers on (flag `preempt`);
 * - `ready`: `streaming` with the offline answerer (no LLM: an answer that is ready at once);
 *   its answer times are `readyAnswerMs`;
 * - `streamingEarlyFinal`: `streaming` with an early final (Deepgram `Finalize`) after 200 ms
 *   of silence inside the utterance (`VOXSTATE_EARLY_FINAL_MS`, issue 15 follow-up).
 *
 * Times are on the media timeline as the caller hears them: from the end of the caller's voice
 * (the endpointer's end of speech, before the end-of-turn silence) to the first frame of the
 * answer (`endOfSpeechToAnswerAudioMs`) and to the first frame of anything, filler included
 * (`endOfSpeechToFirstAudioMs`). `falseCutInRate`: paused callers whose turn ended inside the
 * pause (an extra turn). `speculativeHitRate` and `preemptiveHitRate` from the runtime's
 * counters; `wastedTokenShare`: tokens of cancelled preemptive answers over all answer tokens.
 *
 * Run: `npm run bench -- turns [--json]`.
 *
 * @module
 */
import { appendFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import type { TurnTiming } from '../src/calls/timeline.js';
import type { CallerScript, CallerStep } from '../src/simulator/caller-script.js';
import { PAUSE_CASES, pauseCaseSteps } from '../src/simulator/pause-cases.js';
import { type CallRig, startCallRig } from '../test/fakes/call-rig.js';
import { type FakeDeepgramServer, startFakeDeepgramServer } from '../test/fakes/deepgram-server.js';
import { type FixtureServer, startOpenAiServer } from '../test/fakes/openai-server.js';
import { p5095, QUESTIONS } from './call-load.js';

const CALLS = Number(process.env.TURNS_CALLS ?? 50);
const CONCURRENCY = Number(process.env.TURNS_CONCURRENCY ?? 10);
const FIRST_TOKEN_MS = 300;
const CHUNK_MS = 20;

interface Scripted {
  script: CallerScript;
  /** The text of each utterance, in order (what the streaming fixture hears). */
  texts: string[];
  paused: boolean;
  /** The pause case's id, for a paused caller. */
  caseId?: string;
}

const PAUSED = PAUSE_CASES.filter((c) => c.language === 'en' && c.kind !== 'finished');

/** Call `i`: greeting, one question (every third a paused caller), hang-up. */
function scripted(i: number): Scripted {
  const wait: CallerStep = { waitForBot: { silenceMs: 400, timeoutMs: 15_000 } };
  const end: CallerStep[] = [
    { waitForBot: { silenceMs: 3_000, timeoutMs: 15_000 } },
    { hangup: true },
  ];
  // TURNS_CASE=<pause case id>: every call is that paused caller (to look into a cut-in).
  const only = process.env.TURNS_CASE;
  if (i % 3 === 2 || only) {
    const c = only ? PAUSED.find((p) => p.id === only) : PAUSED[Math.floor(i / 3) % PAUSED.length];
    if (c) {
      return {
        script: { steps: [wait, ...pauseCaseSteps(c), ...end] },
        // The pieces, so the fixture's Finalize in a pause finalizes only what was said.
        texts: [c.pieces.map((piece) => piece.text).join(' | ')],
        paused: true,
        caseId: c.id,
      };
    }
  }
  const q = QUESTIONS[i % QUESTIONS.length] ?? QUESTIONS[0];
  const say = q?.say ?? 'Do you deliver?';
  return { script: { steps: [wait, { say }, ...end] }, texts: [say], paused: false };
}

interface ConfigResult {
  turns: TurnTiming[];
  answeredTurns: number;
  pausedCalls: number;
  cutIns: number;
  /** Pause case ids of the callers cut off, with how many times. */
  cutInCases: Record<string, number>;
  wastedTokens: number;
  errors: number;
}

async function counter(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  const out: Record<string, number> = {};
  for (const v of (await metric?.get())?.values ?? []) {
    const key = Object.values(v.labels).join(',');
    out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

async function runConfig(
  env: NodeJS.ProcessEnv,
  llm: FixtureServer,
  deepgram: FakeDeepgramServer,
  scripts: Map<string, string[]>,
): Promise<{ result: ConfigResult; rig: CallRig }> {
  const rig = await startCallRig({
    ingest: true,
    stt: 'script',
    env: {
      ...(env.TURNS_OFFLINE
        ? {}
        : {
            OPENAI_API_KEY: 'bench',
            OPENAI_BASE_URL: llm.baseURL,
            VOXSTATE_LLM_CHEAP_MODEL: 'none',
            VOXSTATE_LLM_STRONG_MODEL: 'gpt-4o-mini',
            VOXSTATE_ROUTING: 'off',
            VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS: '10000',
          }),
      VOXSTATE_TTS_LANGUAGES: 'en',
      VOXSTATE_TTS_FORMATS: 'slin16',
      VOXSTATE_STT_DEEPGRAM_API_KEY: 'bench',
      VOXSTATE_STT_DEEPGRAM_BASE_URL: deepgram.baseUrl,
      ...env,
    },
    configure: (c) => ({ ...c, speech: { ...c.speech, prewarm: true } }),
  });
  const result: ConfigResult = {
    turns: [],
    answeredTurns: 0,
    pausedCalls: 0,
    cutIns: 0,
    cutInCases: {},
    wastedTokens: 0,
    errors: 0,
  };
  let next = 0;
  const one = async (i: number) => {
    const s = scripted(i);
    try {
      const { sim, handle } = await rig.placeCall(s.script);
      scripts.set(handle.id, [...s.texts]);
      const output = await handle.done;
      await sim.ended;
      scripts.delete(handle.id);
      const turns = handle.session.timeline.turns();
      result.turns.push(...turns);
      // TURNS_DUMP=<file>: every call's turns as JSON lines, to look into a figure.
      if (process.env.TURNS_DUMP) {
        appendFileSync(
          process.env.TURNS_DUMP,
          `${JSON.stringify({ config: env.TURNS_NAME, call: i, case: s.caseId, texts: s.texts, turns })}\n`,
        );
      }
      result.answeredTurns += output.turns;
      if (s.paused) {
        result.pausedCalls++;
        if (turns.length > s.texts.length) {
          result.cutIns++;
          const id = s.caseId ?? '?';
          result.cutInCases[id] = (result.cutInCases[id] ?? 0) + 1;
        }
      }
      result.wastedTokens += handle.session.ledger.breakdown().wastedTokens;
    } catch {
      result.errors++;
    }
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      await new Promise((r) => setTimeout(r, lane * 200));
      for (let i = next++; i < CALLS; i = next++) await one(i);
    }),
  );
  return { result, rig };
}

/**
 * Where the time goes: each stage and answer mark as p50/p95 ms after the end of speech (the
 * end-of-turn decision, add `endOfTurnSilenceMs` for the caller's last word).
 */
function stages(turns: readonly TurnTiming[]): Record<string, Record<string, number | undefined>> {
  const out: Record<string, Record<string, number | undefined>> = {};
  const add = (key: string, values: Array<number | undefined>) => {
    const vs = values.filter((v): v is number => v !== undefined);
    if (vs.length > 0) out[key] = p5095(vs);
  };
  add(
    'transcript',
    turns.map((t) => t.transcript),
  );
  add(
    'retrieval',
    turns.map((t) => t.retrieval),
  );
  add(
    'filler',
    turns.map((t) => t.filler),
  );
  for (const mark of [
    'answer_start',
    'answer_first_piece',
    'tts_start',
    'answer_ready',
    'answer_played',
  ] as const) {
    add(
      mark,
      turns.map((t) => t.marks?.[mark]),
    );
  }
  add(
    'first_answer_audio',
    turns.map((t) => t.first_answer_audio),
  );
  return out;
}

async function figures(name: string, r: ConfigResult, rig: CallRig) {
  const sinceVoice = (t: TurnTiming, mark: number | undefined) =>
    mark === undefined ? undefined : mark + (t.endpointing ?? 0);
  const answer = r.turns
    .map((t) => sinceVoice(t, t.first_answer_audio))
    .filter((v): v is number => v !== undefined);
  const first = r.turns
    .map((t) =>
      sinceVoice(
        t,
        t.filler !== undefined && t.first_answer_audio !== undefined
          ? Math.min(t.filler, t.first_answer_audio)
          : (t.filler ?? t.first_answer_audio),
      ),
    )
    .filter((v): v is number => v !== undefined);
  const spec = await counter(rig.registry, 'voxstate_speculative_retrievals_total');
  const pre = await counter(rig.registry, 'voxstate_preemptive_answers_total');
  const tokens = await counter(rig.registry, 'voxstate_llm_tokens_total');
  const allTokens = Object.values(tokens).reduce((a, b) => a + b, 0);
  const rate = (hit: number, other: number) =>
    hit + other > 0 ? Math.round((hit / (hit + other)) * 1000) / 1000 : null;
  return {
    name,
    calls: CALLS,
    answeredTurns: r.answeredTurns,
    errors: r.errors,
    endOfSpeechToAnswerAudioMs: p5095(answer),
    endOfSpeechToFirstAudioMs: p5095(first),
    endOfTurnSilenceMs: p5095(r.turns.map((t) => t.endpointing ?? 0)),
    fillersPlayed: r.turns.filter((t) => t.filler !== undefined).length,
    cutInCases: r.cutInCases,
    stagesMs: stages(r.turns),
    falseCutInRate: r.pausedCalls > 0 ? Math.round((r.cutIns / r.pausedCalls) * 1000) / 1000 : 0,
    speculativeHitRate: rate(spec.hit ?? 0, spec.wasted ?? 0),
    preemptiveHitRate: rate(pre.hit ?? 0, pre.miss ?? 0),
    preemptive: { hit: pre.hit ?? 0, miss: pre.miss ?? 0 },
    wastedTokenShare: allTokens > 0 ? Math.round((r.wastedTokens / allTokens) * 1000) / 1000 : 0,
  };
}

/** Runs the suite. */
export default async function run(opts: { json: boolean }): Promise<Record<string, unknown>> {
  const log = (line: string) => {
    if (!opts.json) console.error(line);
  };
  const llm = await startOpenAiServer({
    replies: QUESTIONS.map((q) => ({
      match: { lastUser: q.match },
      text: q.chunks,
      firstTokenMs: FIRST_TOKEN_MS,
      chunkDelayMs: CHUNK_MS,
    })),
    fallback: {
      text: ['Let me see. ', 'We can do that.', ' Anything else?'],
      firstTokenMs: FIRST_TOKEN_MS,
      chunkDelayMs: CHUNK_MS,
    },
  });
  const scripts = new Map<string, string[]>();
  const deepgram = await startFakeDeepgramServer({
    followVoice: true,
    msPerWord: 220,
    textFor: (query) => (query.tag ? scripts.get(query.tag)?.shift() : undefined),
  });
  const configs: Array<[string, NodeJS.ProcessEnv]> = [
    [
      'baseline',
      {
        VOXSTATE_END_OF_TURN: 'fixed',
        VOXSTATE_FILLER_DELAY_MS: '0',
        VOXSTATE_SPECULATIVE_RETRIEVAL: 'false',
      },
    ],
    ['streaming', { VOXSTATE_FLAGS: '{"stt":"deepgram","eot":"adaptive","preempt":"off"}' }],
    ['preemptive', { VOXSTATE_FLAGS: '{"stt":"deepgram","eot":"adaptive","preempt":"on"}' }],
    [
      'ready',
      {
        VOXSTATE_FLAGS: '{"stt":"deepgram","eot":"adaptive","preempt":"off"}',
        TURNS_OFFLINE: '1',
      },
    ],
    [
      'streamingEarlyFinal',
      {
        VOXSTATE_FLAGS: '{"stt":"deepgram","eot":"adaptive","preempt":"off"}',
        VOXSTATE_EARLY_FINAL_MS: '200',
      },
    ],
  ];
  const out: Record<string, unknown> = {
    calls: CALLS,
    concurrency: CONCURRENCY,
    llm: `OpenAI fixture, first token ${FIRST_TOKEN_MS} ms, ${CHUNK_MS} ms between chunks`,
    stt: 'baseline: caller script (batch, ~0 ms); streaming/preemptive: Deepgram fixture (partials every 100-200 ms following the voice, final 150-300 ms after Finalize)',
  };
  // TURNS_CONFIGS=ready,preemptive runs only those (a quick check; the figures need them all).
  const only = process.env.TURNS_CONFIGS?.split(',');
  try {
    for (const [name, env] of configs.filter(([n]) => !only || only.includes(n))) {
      log(`${name}: ${CALLS} calls, ${CONCURRENCY} at a time`);
      const { result, rig } = await runConfig({ ...env, TURNS_NAME: name }, llm, deepgram, scripts);
      try {
        out[name] = await figures(name, result, rig);
      } finally {
        await rig.close();
      }
      log(`${name}: ${JSON.stringify(out[name])}`);
    }
  } finally {
    await deepgram.close();
    await llm.close();
  }
  const ready = out.ready as { endOfSpeechToAnswerAudioMs?: unknown } | undefined;
  if (ready) out.readyAnswerMs = ready.endOfSpeechToAnswerAudioMs;
  const ms = (k: string) =>
    (out[k] as { endOfSpeechToAnswerAudioMs?: { p50?: number; p95?: number } } | undefined)
      ?.endOfSpeechToAnswerAudioMs;
  out.goals = {
    'streaming p50 <= 700': (ms('streaming')?.p50 ?? Infinity) <= 700,
    'streaming p95 <= 1100': (ms('streaming')?.p95 ?? Infinity) <= 1_100,
    'preemptive p50 <= 500': (ms('preemptive')?.p50 ?? Infinity) <= 500,
    'readyAnswerMs p50 <= 400': (ms('ready')?.p50 ?? Infinity) <= 400,
  };
  return out;
}
