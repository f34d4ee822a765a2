/**
 * Benchmark suite `turns`: end of the caller's speech to the answer, through the whole stack
 * (the real runtime, the real ari-client, the simulated Asterisk with real-time AudioSocket
 * media, Silero VAD, espeak-ng, the OpenAI SDK against the LLM fixture with a 300 ms first
 * token). 50 scripted calls per configuration, 10 at a time (`bench/turns-calls.ts`): 22
 * finished questions of the sample knowledge base, 14 English paused callers of
 * `src/simulator/pause-cases.ts` (mid-thought, hesitation, dictation), 7 barge-in callers (a
 * second question over the bot's answer) and 7 noisy lines (pink noise or babble 15 dB under
 * the question). Six configurations, each on its own rig, side by side:
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
 *   of silence inside the utterance (`VOXSTATE_EARLY_FINAL_MS`, issue 15 follow-up);
 * - `streamingDenoised`: `streaming` with noise suppression (RNNoise before the voice detector,
 *   `VOXSTATE_NOISE_SUPPRESSION`), for its `noisy` figures beside `streaming`'s.
 *
 * Times are on the media timeline as the caller hears them: from the end of the caller's voice
 * (the endpointer's end of speech, before the end-of-turn silence) to the first frame of the
 * answer (`endOfSpeechToAnswerAudioMs`) and to the first frame of anything, filler included
 * (`endOfSpeechToFirstAudioMs`). These main percentiles (and `stagesMs`, `endOfTurnSilenceMs`,
 * `fillersPlayed`) take every turn of the clean-line calls: finished, paused and barge-in (the
 * interrupted question and the interruption), except a barged-in turn whose answer audio came
 * only after the barge-in (counted in `answerAfterBargeIn`: audio after the caller talked over
 * the bot is no answer time; any at all means the answer was not cancelled). Noisy lines have their own figures (`noisy`: false speech starts, extra
 * turns, false barge-ins, answer times; see `bench/turns-figures.ts`), and so do barge-ins
 * (`bargeIn`: detected of scripted, the interruption's onset to the bot's silence as the runtime
 * measured it and as the caller heard it). `falseCutInRate`: paused callers whose turn ended
 * inside the pause (an extra turn), of the paused callers only. `speculativeHitRate` and
 * `preemptiveHitRate` from the runtime's counters (all calls); `wastedTokenShare`: tokens of
 * cancelled preemptive answers over all answer tokens.
 *
 * Run: `npm run bench -- turns [--json]`. `TURNS_CONFIGS=streaming,baseline` runs only those,
 * `TURNS_CALLS=14` fewer calls (a quick check), `TURNS_KINDS=noisy,bargeIn` only the calls of
 * those kinds (each keeps its number, script and noise), `TURNS_CONCURRENCY=1` one call at a time,
 * `TURNS_CASE=en-um` every call that paused caller, `TURNS_DUMP=<file>` every call's turns as JSON
 * lines, `TURNS_DEBUG=1` prints each barge-in and
 * noisy call's turns, event log, caller marks and live connections to stderr,
 * `TURNS_ENV='{"VOXSTATE_CALLER_LEVEL_GATE_DB":"0"}'` adds settings to every configuration.
 *
 * @module
 */
import { appendFileSync } from 'node:fs';
import type { Registry } from 'prom-client';
import { type CallRig, startCallRig } from '../test/fakes/call-rig.js';
import { type FakeDeepgramServer, startFakeDeepgramServer } from '../test/fakes/deepgram-server.js';
import { type FixtureServer, startOpenAiServer } from '../test/fakes/openai-server.js';
import { fixtureLlmEnv, p5095, QUESTIONS } from './call-load.js';
import {
  CALL_KINDS,
  FixtureCallers,
  kindOf,
  type NoiseMaterial,
  noiseMaterial,
  scripted,
} from './turns-calls.js';
import {
  bargeInFigures,
  type CallOutcome,
  firstAudio,
  mainTurns,
  noisyFigures,
  sinceVoice,
  stages,
} from './turns-figures.js';

const CALLS = Number(process.env.TURNS_CALLS ?? 50);
const CONCURRENCY = Number(process.env.TURNS_CONCURRENCY ?? 10);
/** `TURNS_ENV='{"VOXSTATE_…":"…"}'`: settings added to every configuration (a side-by-side run). */
const EXTRA_ENV = parseExtraEnv(process.env.TURNS_ENV);

function parseExtraEnv(json: string | undefined): Record<string, string> {
  if (!json) return {};
  const parsed: unknown = JSON.parse(json);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Object.values(parsed).some((v) => typeof v !== 'string')
  )
    throw new Error('TURNS_ENV: a JSON object of strings, e.g. {"VOXSTATE_END_SILENCE_MS":"600"}');
  return parsed as Record<string, string>;
}

/** `TURNS_KINDS=noisy,bargeIn`: only the calls of those kinds (each keeps its number and script). */
const KINDS = process.env.TURNS_KINDS?.split(',');
const unknownKinds = KINDS?.filter((k) => !(CALL_KINDS as readonly string[]).includes(k)) ?? [];
if (unknownKinds.length > 0) {
  throw new Error(
    `TURNS_KINDS: unknown kind(s) ${unknownKinds.join(', ')}; the kinds are ${CALL_KINDS.join(', ')}`,
  );
}
/** The numbers of the calls to place. */
const CALL_NUMBERS = Array.from({ length: CALLS }, (_, i) => i).filter(
  (i) => !KINDS || KINDS.includes(kindOf(i)),
);
const FIRST_TOKEN_MS = 300;
const CHUNK_MS = 20;

interface ConfigResult {
  outcomes: CallOutcome[];
  errors: number;
  /** Failed calls by kind of call and error message. */
  errorKinds: Record<string, number>;
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
  name: string,
  env: NodeJS.ProcessEnv,
  llm: FixtureServer,
  deepgram: FakeDeepgramServer,
  callers: FixtureCallers,
  material: NoiseMaterial,
): Promise<{ result: ConfigResult; rig: CallRig }> {
  const rig = await startCallRig({
    ingest: true,
    stt: 'script',
    env: {
      ...(env.TURNS_OFFLINE ? {} : fixtureLlmEnv(llm.baseURL)),
      VOXSTATE_TTS_LANGUAGES: 'en',
      VOXSTATE_TTS_FORMATS: 'slin16',
      VOXSTATE_STT_DEEPGRAM_API_KEY: 'bench',
      VOXSTATE_STT_DEEPGRAM_BASE_URL: deepgram.baseUrl,
      ...env,
      ...EXTRA_ENV,
    },
    configure: (c) => ({ ...c, speech: { ...c.speech, prewarm: true } }),
  });
  const result: ConfigResult = { outcomes: [], errors: 0, errorKinds: {} };
  let next = 0;
  const one = async (i: number) => {
    const s = scripted(i, material);
    try {
      const { sim, handle } = await rig.placeCall(s.script);
      callers.add(handle.id, s, sim);
      const bargeAfterMs = new Map<number, number>();
      handle.session.timeline.watch((note) => {
        if (note.type === 'barge-in')
          bargeAfterMs.set(note.turn.turn, note.atMs - note.turn.speechEndAtMs);
      });
      const output = await handle.done;
      await sim.ended;
      const outcome: CallOutcome = {
        s,
        turns: [...handle.session.timeline.turns()],
        bargeAfterMs,
        log: handle.session.log.events(),
        heard: [...sim.recording.timeline],
        connections: callers.remove(handle.id),
        answeredTurns: output.turns,
        wastedTokens: handle.session.ledger.breakdown().wastedTokens,
      };
      result.outcomes.push(outcome);
      // TURNS_DUMP=<file>: every call's turns as JSON lines, to look into a figure.
      if (process.env.TURNS_DUMP) {
        const line = {
          config: name,
          call: i,
          kind: s.kind,
          case: s.caseId,
          texts: s.texts,
        };
        appendFileSync(
          process.env.TURNS_DUMP,
          `${JSON.stringify({ ...line, turns: outcome.turns })}\n`,
        );
      }
      if (process.env.TURNS_DEBUG && (s.kind === 'bargeIn' || s.kind === 'noisy'))
        console.error(
          JSON.stringify({
            i,
            id: handle.id,
            kind: s.kind,
            texts: s.texts,
            noise: s.noise,
            turns: outcome.turns,
            log: outcome.log,
            heard: outcome.heard.map((m) => [m.kind, m.atMs, m.text]),
            connections: outcome.connections,
            bargeAfterMs: [...bargeAfterMs],
          }),
        );
    } catch (err) {
      result.errors++;
      const key = `${s.kind}: ${(err as Error).message}`.slice(0, 120);
      result.errorKinds[key] = (result.errorKinds[key] ?? 0) + 1;
    }
  };
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      await new Promise((r) => setTimeout(r, lane * 200));
      for (let k = next++; k < CALL_NUMBERS.length; k = next++) await one(CALL_NUMBERS[k] ?? 0);
    }),
  );
  return { result, rig };
}

async function figures(name: string, r: ConfigResult, rig: CallRig, streaming: boolean) {
  const { turns, answerAfterBargeIn } = mainTurns(r.outcomes);
  const answer = turns
    .map((t) => sinceVoice(t, t.first_answer_audio))
    .filter((v): v is number => v !== undefined);
  const first = turns
    .map((t) => sinceVoice(t, firstAudio(t)))
    .filter((v): v is number => v !== undefined);
  const paused = r.outcomes.filter((o) => o.s.kind === 'paused');
  const cutIn = paused.filter((o) => o.turns.length > o.s.texts.length);
  const cutInCases: Record<string, number> = {};
  for (const o of cutIn) cutInCases[o.s.caseId ?? '?'] = (cutInCases[o.s.caseId ?? '?'] ?? 0) + 1;
  const calls: Record<string, number> = {};
  for (const o of r.outcomes) calls[o.s.kind] = (calls[o.s.kind] ?? 0) + 1;
  const spec = await counter(rig.registry, 'voxstate_speculative_retrievals_total');
  const pre = await counter(rig.registry, 'voxstate_preemptive_answers_total');
  const tokens = await counter(rig.registry, 'voxstate_llm_tokens_total');
  const allTokens = Object.values(tokens).reduce((a, b) => a + b, 0);
  const wastedTokens = r.outcomes.reduce((n, o) => n + o.wastedTokens, 0);
  const rate = (hit: number, other: number) =>
    hit + other > 0 ? Math.round((hit / (hit + other)) * 1000) / 1000 : null;
  return {
    name,
    calls: CALL_NUMBERS.length,
    callsByKind: calls,
    answeredTurns: r.outcomes.reduce((n, o) => n + o.answeredTurns, 0),
    errors: r.errors,
    ...(r.errors > 0 ? { errorKinds: r.errorKinds } : {}),
    endOfSpeechToAnswerAudioMs: p5095(answer),
    endOfSpeechToFirstAudioMs: p5095(first),
    endOfTurnSilenceMs: p5095(turns.map((t) => t.endpointing ?? 0)),
    fillersPlayed: turns.filter((t) => t.filler !== undefined).length,
    answerAfterBargeIn,
    cutInCases,
    stagesMs: stages(turns),
    falseCutInRate:
      paused.length > 0 ? Math.round((cutIn.length / paused.length) * 1000) / 1000 : 0,
    bargeIn: bargeInFigures(r.outcomes),
    noisy: noisyFigures(r.outcomes, streaming),
    speculativeHitRate: rate(spec.hit ?? 0, spec.wasted ?? 0),
    preemptiveHitRate: rate(pre.hit ?? 0, pre.miss ?? 0),
    preemptive: { hit: pre.hit ?? 0, miss: pre.miss ?? 0 },
    wastedTokenShare: allTokens > 0 ? Math.round((wastedTokens / allTokens) * 1000) / 1000 : 0,
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
  const material = await noiseMaterial();
  const callers = new FixtureCallers();
  const deepgram = await startFakeDeepgramServer({
    followVoice: true,
    msPerWord: 220,
    textFor: (query) => callers.textFor(query),
    liveTextFor: (query) => callers.liveTextFor(query),
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
    [
      'streamingDenoised',
      {
        VOXSTATE_FLAGS: '{"stt":"deepgram","eot":"adaptive","preempt":"off"}',
        VOXSTATE_NOISE_SUPPRESSION: 'true',
      },
    ],
  ];
  const out: Record<string, unknown> = {
    calls: CALL_NUMBERS.length,
    ...(KINDS ? { kinds: KINDS } : {}),
    concurrency: CONCURRENCY,
    llm: `OpenAI fixture, first token ${FIRST_TOKEN_MS} ms, ${CHUNK_MS} ms between chunks`,
    stt: 'baseline: caller script (batch, ~0 ms); streaming/preemptive: Deepgram fixture (partials every 100-200 ms following the voice, final 150-300 ms after Finalize)',
  };
  // TURNS_CONFIGS=ready,preemptive runs only those (a quick check; the figures need them all).
  const only = process.env.TURNS_CONFIGS?.split(',');
  try {
    for (const [name, env] of configs.filter(([n]) => !only || only.includes(n))) {
      log(`${name}: ${CALL_NUMBERS.length} calls, ${CONCURRENCY} at a time`);
      const { result, rig } = await runConfig(name, env, llm, deepgram, callers, material);
      try {
        out[name] = await figures(name, result, rig, name !== 'baseline');
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
