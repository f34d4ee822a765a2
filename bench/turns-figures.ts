/**
 * The figures of the `turns` benchmark (`bench/turns.bench.ts`) from its calls' outcomes: which
 * turns the main percentiles take, where the time goes (`stagesMs`), and the barge-in and
 * noisy-line figures. Times are ms on the media timeline.
 *
 * @module
 */
import type { CallEvent } from '../src/calllog/call-log.js';
import type { TurnTiming } from '../src/calls/timeline.js';
import type { TimelineEvent } from '../src/simulator/call-recording.js';
import { p5095 } from './call-load.js';
import type { Scripted } from './turns-calls.js';

/** How one scripted call went. */
export interface CallOutcome {
  s: Scripted;
  turns: TurnTiming[];
  /** Barge-ins by turn number: ms after that turn's end of speech (the runtime's clock). */
  bargeAfterMs: Map<number, number>;
  /** The call's event log (`barge_in`, `barge_in_resumed`, ...). */
  log: CallEvent[];
  /** The caller's side: speech and bot audio marks, media time. */
  heard: TimelineEvent[];
  /** Live connections of a noisy line (streaming configurations): opened at, words heard. */
  connections: Array<{ atMs: number; heard: string }>;
  answeredTurns: number;
  /** Tokens of cancelled preemptive answers. */
  wastedTokens: number;
}

/** `mark` (ms after the end-of-speech decision) from the caller's last word. */
export const sinceVoice = (t: TurnTiming, mark: number | undefined) =>
  mark === undefined ? undefined : mark + (t.endpointing ?? 0);

/** The first audio of a turn, filler or answer. */
export const firstAudio = (t: TurnTiming) =>
  t.filler !== undefined && t.first_answer_audio !== undefined
    ? Math.min(t.filler, t.first_answer_audio)
    : (t.filler ?? t.first_answer_audio);

const defined = (xs: Array<number | undefined>) => xs.filter((v): v is number => v !== undefined);

/**
 * The turns the main percentiles take: every turn of the clean-line calls (finished, paused,
 * barge-in; noisy calls have their own figures), except a barged-in turn whose answer audio
 * came only after the barge-in: that is no answer time (the caller had talked over the filler,
 * and the answer should have been cancelled). `answerAfterBargeIn` counts those; a barged-in
 * turn whose answer started before the interruption is a true answer time and stays.
 */
export function mainTurns(outcomes: readonly CallOutcome[]): {
  turns: TurnTiming[];
  answerAfterBargeIn: number;
} {
  let answerAfterBargeIn = 0;
  const turns = outcomes
    .filter((o) => o.s.kind !== 'noisy')
    .flatMap((o) =>
      o.turns.filter((t) => {
        const barge = o.bargeAfterMs.get(t.turn);
        const late =
          barge !== undefined && t.first_answer_audio !== undefined && t.first_answer_audio > barge;
        if (late) answerAfterBargeIn++;
        return !late;
      }),
    );
  return { turns, answerAfterBargeIn };
}

/**
 * Caller's interruption onset (its first sample) to the bot's last audio the caller heard, from
 * the caller's marks; 0 when the bot was already quiet. Undefined when there is no interruption.
 */
export function heardToSilenceMs(o: CallOutcome): number | undefined {
  const interruption = o.s.texts[1];
  const marks = o.heard;
  const onset = marks.find((m) => m.kind === 'caller.speech.start' && m.text === interruption);
  if (!onset) return undefined;
  const before = marks.filter((m) => m.atMs <= onset.atMs);
  const lastStart = before.findLast((m) => m.kind === 'bot.audio.start');
  const lastEnd = before.findLast((m) => m.kind === 'bot.audio.end');
  if (!lastStart || (lastEnd && lastEnd.atMs >= lastStart.atMs)) return 0;
  const end = marks.find((m) => m.kind === 'bot.audio.end' && m.atMs >= onset.atMs);
  return end ? end.atMs - onset.atMs : undefined;
}

/**
 * The caller's last word of the question to the first bot audio the caller heard after it
 * (filler or answer), from the caller's marks: the time as heard, whatever the endpointer
 * took for the end of speech.
 */
export function heardFirstAudioMs(o: CallOutcome): number | undefined {
  const end = o.heard.find((m) => m.kind === 'caller.speech.end' && m.text === o.s.texts[0]);
  if (!end) return undefined;
  const bot = o.heard.find((m) => m.kind === 'bot.audio.start' && m.atMs >= end.atMs);
  return bot ? bot.atMs - end.atMs : undefined;
}

const field = (e: CallEvent, key: string) => {
  const v = e.fields?.[key];
  return typeof v === 'number' ? v : undefined;
};

/**
 * Barge-in callers: how many of the scripted barge-ins the runtime took as one, and, from the
 * caller's interruption onset, the bot's silence as the runtime measured it (`toSilenceMs`, from
 * the onset its voice detector found; `detectionMs` to the decision) and as the caller heard it
 * (`heardToSilenceMs`, from the interruption's first sample to the bot's last audio frame).
 */
export function bargeInFigures(outcomes: readonly CallOutcome[]) {
  const calls = outcomes.filter((o) => o.s.kind === 'bargeIn');
  const events = calls.flatMap((o) => o.log.filter((e) => e.type === 'barge_in'));
  return {
    scripted: calls.length,
    detected: calls.filter((o) => o.log.some((e) => e.type === 'barge_in')).length,
    bargeInEvents: events.length,
    resumed: calls.reduce(
      (n, o) => n + o.log.filter((e) => e.type === 'barge_in_resumed').length,
      0,
    ),
    /** Calls whose turn after the interruption was answered (the call's event log). */
    interruptionAnswered: calls.filter((o) =>
      o.log.some(
        (e) => e.type === 'turn' && (field(e, 'n') ?? 0) >= 2 && e.fields?.outcome === 'answered',
      ),
    ).length,
    detectionMs: p5095(defined(events.map((e) => field(e, 'detectionMs')))),
    toSilenceMs: p5095(defined(events.map((e) => field(e, 'toSilenceMs')))),
    heardToSilenceMs: p5095(defined(calls.map(heardToSilenceMs))),
    /**
     * The interruption's level against the caller's own speech level when it was confirmed, dB:
     * how far real barge-ins stay above `VOXSTATE_CALLER_LEVEL_GATE_DB` (-12 by default).
     */
    callerLevelDb: levelRange(defined(events.map((e) => field(e, 'callerLevelDb')))),
  };
}

function levelRange(levels: number[]): { min: number; median: number } | null {
  if (levels.length === 0) return null;
  const sorted = [...levels].sort((a, b) => a - b);
  return { min: sorted[0] as number, median: sorted[Math.floor(sorted.length / 2)] as number };
}

/**
 * Noisy lines: speech starts on noise alone (connections the fixture heard nothing on; streaming
 * configurations only), turns beyond the scripted question, barge-ins (none is scripted: each is
 * the noise talking over the bot), questions never heard, the question's answer times as the
 * runtime's timeline has them (from the end of voice the endpointer found), and the caller's
 * last word to the first bot audio as the caller heard it, beside the same on clean lines.
 */
export function noisyFigures(outcomes: readonly CallOutcome[], streaming: boolean) {
  const calls = outcomes.filter((o) => o.s.kind === 'noisy');
  const question = (o: CallOutcome) =>
    o.turns.find((t) => (t.callerText ?? '').trim() === o.s.texts[0]);
  const heard = calls.flatMap((o) => {
    const t = question(o);
    return t ? [t] : [];
  });
  const falseStarts = (o: CallOutcome) =>
    streaming ? o.connections.filter((c) => c.heard === '').length : null;
  const bargeIns = (o: CallOutcome, type: string) => o.log.filter((e) => e.type === type).length;
  /** Per noise, call by call (too few for percentiles). */
  const byNoise: Record<string, Record<string, Array<number | null>>> = {};
  for (const o of calls) {
    const name = o.s.noise ?? '?';
    const k = byNoise[name] ?? { heardFirstAudioMs: [], falseStarts: [], falseBargeIns: [] };
    byNoise[name] = k;
    k.heardFirstAudioMs?.push(heardFirstAudioMs(o) ?? null);
    k.falseStarts?.push(falseStarts(o));
    k.falseBargeIns?.push(bargeIns(o, 'barge_in'));
  }
  return {
    calls: calls.length,
    byNoise,
    falseSpeechStarts: streaming ? calls.reduce((n, o) => n + (falseStarts(o) ?? 0), 0) : null,
    extraTurns: calls.reduce((n, o) => n + Math.max(0, o.turns.length - o.s.texts.length), 0),
    callsWithExtraTurns: calls.filter((o) => o.turns.length > o.s.texts.length).length,
    falseBargeIns: calls.reduce((n, o) => n + bargeIns(o, 'barge_in'), 0),
    /** Playback held for noise and resumed (not a barge-in, but the caller heard the bot stop). */
    heldAndResumed: calls.reduce((n, o) => n + bargeIns(o, 'barge_in_resumed'), 0),
    questionNotHeard: calls.length - heard.length,
    endOfSpeechToAnswerAudioMs: p5095(
      defined(heard.map((t) => sinceVoice(t, t.first_answer_audio))),
    ),
    endOfSpeechToFirstAudioMs: p5095(defined(heard.map((t) => sinceVoice(t, firstAudio(t))))),
    endOfTurnSilenceMs: p5095(heard.map((t) => t.endpointing ?? 0)),
    heardFirstAudioMs: p5095(defined(calls.map(heardFirstAudioMs))),
    /** The same, on the clean line's finished questions, to compare. */
    cleanHeardFirstAudioMs: p5095(
      defined(outcomes.filter((o) => o.s.kind === 'finished').map(heardFirstAudioMs)),
    ),
  };
}

/**
 * Where the time goes: each stage and answer mark as p50/p95 ms after the end of speech (the
 * end-of-turn decision, add `endOfTurnSilenceMs` for the caller's last word).
 */
export function stages(
  turns: readonly TurnTiming[],
): Record<string, Record<string, number | undefined>> {
  const out: Record<string, Record<string, number | undefined>> = {};
  const add = (key: string, values: Array<number | undefined>) => {
    const vs = defined(values);
    if (vs.length > 0) out[key] = p5095(vs);
  };
  for (const stage of ['transcript', 'retrieval', 'filler'] as const) {
    add(
      stage,
      turns.map((t) => t[stage]),
    );
  }
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
