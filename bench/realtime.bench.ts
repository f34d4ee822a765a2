/**
 * Benchmark suite `realtime`: the speech-to-speech brain (one OpenAI Realtime session per call,
 * `src/providers/realtime/`) beside the cascade, with the same fixture latencies in one run.
 *
 * Both model fixtures take seed 004's latency line to their first output: `firstTokenMs(chars) =
 * 400 + 0.4583 * (chars - 800)` of the instructions (bench/greeting.bench.ts), so the compact
 * prompt answers sooner than the full one on both brains.
 *
 * - `greetingFirstAudioMs {compact, full}`: from asking for the greeting to its first 20 ms frame.
 *   Realtime: the real `openai` realtime client against the fixture Realtime server on loopback
 *   (TLS), session opened with the compact or the full prompt, `respond()` to the first
 *   `bot.audio` frame. Cascade: the real `openai` chat client against the fixture OpenAI server,
 *   to the first speakable piece, plus espeak-ng's measured first audio for that piece (median).
 * - `endOfSpeechToFirstAudioMs {p50, p95}`: through the real call machine for both brains
 *   (bench/realtime-machine.ts): one call per brain on the simulated Asterisk with the real
 *   ari-client, runtime and endpointer, the same question asked `MACHINE_TURNS` times, from the
 *   caller's last voiced audio to the first frame of the answer (the cascade's filler does not
 *   count). Both include voxstate's end-of-turn silence; the cascade's LLM is the fixture OpenAI
 *   server with the same latency line (on its prompt: full instructions and passages).
 * - `realtime.machineSessionTurns.endOfSpeechToFirstAudioMs`: the realtime call through the
 *   machine with `VOXSTATE_REALTIME_TURN_DETECTION=server_vad`: the session's VAD ends the turn
 *   (its 500 ms silence counted), voxstate asks for the response.
 * - `realtime.sessionServerVad.endOfSpeechToFirstAudioMs`: the session alone with the server's
 *   VAD (500 ms end-of-turn silence): caller frames paced in real time (600 ms of voice, then
 *   silence), from the last voiced frame sent to the first answer frame, full prompt.
 *
 * Run: `npm run bench -- realtime [--json]`.
 *
 * @module
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadBusinessData, parseBusinessData } from '../src/prompts/business.js';
import { buildCompactPrompt } from '../src/prompts/compact-prompt.js';
import { buildFullPrompt } from '../src/prompts/full-prompt.js';
import { staticGreeting } from '../src/prompts/greeting.js';
import { createOpenAiProvider } from '../src/providers/llm/openai.js';
import { RealtimeSession } from '../src/providers/realtime/session.js';
import { createEspeakEngine, type EspeakEngine } from '../src/providers/tts/espeak.js';
import { SpeechChunker } from '../src/text/speech-chunker.js';
import { startFakeRealtimeServer } from '../test/fakes/openai-realtime-server.js';
import { startOpenAiServer } from '../test/fakes/openai-server.js';
import { SAMPLE_BUSINESS_RAW } from '../test/prompts/sample-business.js';
import { firstTokenMs } from './greeting.bench.js';
import { endOfSpeechThroughMachine } from './realtime-machine.js';

const REPS = 3;
const TURNS = 8;
/** Turns of the one call per brain through the call machine. */
const MACHINE_TURNS = 6;
const QUESTION = 'When do you open on Sunday?';
const SPEECH_MS = 600;
const SILENCE_MS = 900;
const TTS_ALLOWANCE_MS = 200;
const GREET_TRIGGER = '(The call was just answered. Greet the caller.)';
const ANSWER = 'On Sunday we open at nine.';

const round = (ms: number) => Math.round(ms * 10) / 10;

function percentiles(xs: number[]): { p50: number; p95: number; n: number } {
  return { p50: round(percentile(xs, 50)), p95: round(percentile(xs, 95)), n: xs.length };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

const median = (xs: number[]) => percentile(xs, 50);

function voiceFrame(n0: number): Buffer {
  const frame = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) {
    frame.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 220 * (n0 + i)) / 16_000)), i * 2);
  }
  return frame;
}

/** Sends one caller turn in real time; resolves with the time the last voiced frame went out. */
async function speakTurn(session: RealtimeSession): Promise<number> {
  const start = performance.now();
  let lastVoiced = start;
  for (let t = 0; t < SPEECH_MS + SILENCE_MS; t += 20) {
    const due = start + t;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    session.appendAudio(t < SPEECH_MS ? voiceFrame((t / 20) * 320) : Buffer.alloc(640));
    if (t < SPEECH_MS) lastVoiced = performance.now();
  }
  return lastVoiced;
}

/** Runs the suite. */
export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const sample = 'examples/knowledge-base/business.json';
  const business = existsSync(sample)
    ? await loadBusinessData(sample)
    : parseBusinessData(SAMPLE_BUSINESS_RAW);
  const greeting = staticGreeting(business, 'en');
  const compact = buildCompactPrompt(business, { language: 'en' });
  const full = buildFullPrompt(business, { language: 'en' });

  const rtServer = await startFakeRealtimeServer({
    responseLatencyMs: firstTokenMs,
    caller: Array.from({ length: TURNS + 1 }, () => 'When do you open on Sunday?'),
    reply: (caller) => ({ say: caller ? ANSWER : greeting }),
  });
  const open = (instructions: string) =>
    RealtimeSession.open({
      model: 'gpt-realtime',
      voice: 'marin',
      instructions,
      turnDetection: 'server_vad',
      apiKey: 'bench',
      baseUrl: rtServer.baseUrl,
      wsOptions: { ca: rtServer.ca },
      connectTimeoutMs: 10_000,
      responseTimeoutMs: 10_000,
    });
  const greetOnce = async (instructions: string): Promise<number> => {
    const session = await open(instructions);
    try {
      const first = once(session, 'bot.audio');
      const done = once(session, 'response.done');
      const t0 = performance.now();
      await session.respond();
      await first;
      const ms = performance.now() - t0;
      await done;
      return ms;
    } finally {
      await session.close();
    }
  };

  const rtGreeting = { compact: [] as number[], full: [] as number[] };
  const endOfSpeech: number[] = [];
  const llmServer = await startOpenAiServer({
    fallback: { text: greeting, firstTokenMs, chunkDelayMs: 15 },
  });
  const llm = createOpenAiProvider({
    model: 'gpt-4o-mini',
    apiKey: 'bench',
    baseURL: llmServer.baseURL,
    firstTokenTimeoutMs: 10_000,
  });
  const cascadeGreeting = { compact: [] as number[], full: [] as number[] };
  const machineEndOfSpeech: Record<'cascade' | 'realtime' | 'sessionTurns', number[]> = {
    cascade: [],
    realtime: [],
    sessionTurns: [],
  };
  const firstPiece = async (system: string): Promise<{ ms: number; piece: string }> => {
    const t0 = performance.now();
    const chunker = new SpeechChunker();
    let piece: string | undefined;
    for await (const c of llm.stream({
      system,
      messages: [{ role: 'user', content: GREET_TRIGGER }],
      signal: new AbortController().signal,
    })) {
      if (c.type !== 'text') continue;
      piece = chunker.push(c.text)[0];
      if (piece) break;
    }
    return { ms: performance.now() - t0, piece: piece ?? chunker.flush()[0] ?? greeting };
  };
  let espeak: EspeakEngine | undefined;
  let tts = 'espeak-ng (measured)';
  const ttsRuns: number[] = [];
  try {
    await greetOnce(compact);
    await firstPiece('warm-up');
    for (let i = 0; i < REPS; i++) {
      rtGreeting.compact.push(await greetOnce(compact));
      rtGreeting.full.push(await greetOnce(full));
      cascadeGreeting.compact.push((await firstPiece(compact)).ms);
      cascadeGreeting.full.push((await firstPiece(full)).ms);
    }
    try {
      espeak = createEspeakEngine({ threads: 1 });
      await espeak.warmUp();
      const { piece } = await firstPiece(compact);
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        for await (const chunk of espeak.synthesize({
          text: piece,
          language: 'en',
          format: 'slin16',
        })) {
          if (chunk.byteLength > 0) break;
        }
        ttsRuns.push(performance.now() - t0);
      }
    } catch {
      tts = `fixed allowance ${TTS_ALLOWANCE_MS} ms (espeak-ng unavailable)`;
    }

    const session = await open(compact);
    try {
      const greeted = once(session, 'response.done');
      await session.respond();
      await greeted;
      await session.upgrade(full);
      for (let i = 0; i < TURNS; i++) {
        const first = once(session, 'bot.audio');
        const done = once(session, 'response.done');
        const lastVoiced = await speakTurn(session);
        await first;
        endOfSpeech.push(performance.now() - lastVoiced);
        await done;
      }
    } finally {
      await session.close();
    }
    for (const brain of ['cascade', 'realtime'] as const) {
      machineEndOfSpeech[brain] = await endOfSpeechThroughMachine({
        brain,
        question: QUESTION,
        turns: MACHINE_TURNS,
        llmBaseUrl: llmServer.baseURL,
        realtime: rtServer,
      });
    }
    machineEndOfSpeech.sessionTurns = await endOfSpeechThroughMachine({
      brain: 'realtime',
      question: QUESTION,
      turns: MACHINE_TURNS,
      llmBaseUrl: llmServer.baseURL,
      realtime: rtServer,
      turnDetection: 'server_vad',
    });
  } finally {
    await espeak?.close().catch(() => {});
    await llmServer.close();
    await rtServer.close();
  }
  const ttsMs = ttsRuns.length > 0 ? median(ttsRuns) : TTS_ALLOWANCE_MS;
  return {
    suite: 'realtime',
    promptChars: { compact: compact.length, full: full.length },
    fixture: {
      firstOutputModelMs: {
        compact: round(firstTokenMs(compact.length)),
        full: round(firstTokenMs(full.length)),
      },
      realtimeVadSilenceMs: 500,
      reps: REPS,
      turns: TURNS,
    },
    realtime: {
      greetingFirstAudioMs: {
        compact: round(median(rtGreeting.compact)),
        full: round(median(rtGreeting.full)),
      },
      endOfSpeechToFirstAudioMs: percentiles(machineEndOfSpeech.realtime),
      machineSessionTurns: {
        endOfSpeechToFirstAudioMs: percentiles(machineEndOfSpeech.sessionTurns),
      },
      sessionServerVad: { endOfSpeechToFirstAudioMs: percentiles(endOfSpeech) },
    },
    cascade: {
      tts,
      greetingFirstAudioMs: {
        compact: round(median(cascadeGreeting.compact) + ttsMs),
        full: round(median(cascadeGreeting.full) + ttsMs),
      },
      endOfSpeechToFirstAudioMs: percentiles(machineEndOfSpeech.cascade),
    },
  };
}
