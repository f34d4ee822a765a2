/**
 * The scripted calls of the `turns` benchmark (`bench/turns.bench.ts`) and what the Deepgram
 * fixture hears on them. Call `i` is, by `i % 7` (of 50: 22, 14, 7 and 7):
 *
 * - `finished`: a finished question of the sample knowledge base;
 * - `paused`: an English paused caller of `src/simulator/pause-cases.ts` (mid-thought,
 *   hesitation, dictation), the pieces of one turn with pauses between them;
 * - `bargeIn`: a question, then a second question said over the bot's answer 1.5 s after its
 *   first audio (`interruptingCaller` of `src/simulator/caller-cases.ts`);
 * - `noisy`: a finished question on a noisy line (a noise bed from the start of the call to its
 *   end, `CallerScript.noise`): pink noise or babble (other people talking), 15 dB under the
 *   question's active speech level.
 *
 * The fixture gets one connection per utterance the runtime hears and takes the call's next
 * scripted text for it. On a noisy call it hears only what was said on the connection, as it is
 * said (`liveTextFor`): a connection opened while the caller said nothing (the noise woke the
 * voice detector) hears `''`, as a real engine hears nothing in noise, and counts as a false
 * speech start, unless the caller's words come while it is open.
 *
 * @module
 */
import { interruptingCaller } from '../src/simulator/caller-cases.js';
import type { CallerScript, CallerStep } from '../src/simulator/caller-script.js';
import {
  activeSpeechLevel,
  type LineNoiseKind,
  lineNoise,
  noiseLevelFor,
} from '../src/simulator/line-noise.js';
import { PAUSE_CASES, pauseCaseSteps } from '../src/simulator/pause-cases.js';
import type { SimCall } from '../src/simulator/sim-types.js';
import { QUESTIONS } from './call-load.js';
import { speak } from './scripted-speech.js';

/** The kinds of scripted call. */
export const CALL_KINDS = ['finished', 'paused', 'bargeIn', 'noisy'] as const;
/** What a scripted call is about. */
export type CallKind = (typeof CALL_KINDS)[number];

/** The kind of call `i % 7`. */
const PATTERN: readonly CallKind[] = [
  'finished',
  'paused',
  'finished',
  'bargeIn',
  'paused',
  'noisy',
  'finished',
];
/** Bot audio heard before a barge-in caller talks over it, ms. */
export const BARGE_AFTER_MS = 1_500;
/** Line noise under the question's active speech level, dB. */
export const NOISE_SNR_DB = 15;
const NOISE_KINDS: readonly LineNoiseKind[] = ['pink', 'babble'];
/** Length of a noise bed (looped), ms. */
const BED_MS = 12_000;
/** Other people talking, for babble (not the callers' questions). */
const BABBLE = [
  'The weather was lovely on the weekend and we walked along the beach for hours.',
  'Could you pass me the salt, and then tell me about your trip to the mountains?',
  'My brother bought a new car last month, but it is already making strange noises.',
  'We should leave early tomorrow, the traffic near the bridge is terrible after eight.',
];

/** One scripted call. */
export interface Scripted {
  kind: CallKind;
  script: CallerScript;
  /** The text of each utterance, in order (what the streaming fixture hears). */
  texts: string[];
  /** The pause case's id, for a paused caller. */
  caseId?: string;
  /** The noise, for a noisy line. */
  noise?: LineNoiseKind;
}

/** The questions' speech levels and the babble voices, synthesized once before the calls. */
export interface NoiseMaterial {
  /** Active speech level of each of {@link QUESTIONS}, 16-bit units. */
  levels: number[];
  /** Babble voices, 16-bit units. */
  voices: Float32Array[];
}

/** Speaks the questions (for their level) and the babble voices with espeak-ng. */
export async function noiseMaterial(): Promise<NoiseMaterial> {
  const [questions = [], voices = []] = await speak([
    QUESTIONS.map((q) => ({ say: q.say, lang: 'en' })),
    BABBLE.map((say) => ({ say, lang: 'en' })),
  ]);
  const toInt16 = (x: Float32Array) => Float32Array.from(x, (v) => v * 32_768);
  return {
    levels: questions.map((q) => activeSpeechLevel(toInt16(q))),
    voices: voices.map(toInt16),
  };
}

/** A noise bed of `kind` at {@link NOISE_SNR_DB} under `speechLevel`, seeded by the call. */
function noiseBed(
  kind: LineNoiseKind,
  speechLevel: number,
  material: NoiseMaterial,
  seed: number,
): Int16Array {
  const n = (BED_MS / 1000) * 16_000;
  const level = noiseLevelFor(speechLevel, NOISE_SNR_DB);
  const noise = lineNoise(kind, n, level, { seed, voices: material.voices });
  return Int16Array.from(noise, (v) => Math.max(-32_768, Math.min(32_767, Math.round(v))));
}

const PAUSED = PAUSE_CASES.filter((c) => c.language === 'en' && c.kind !== 'finished');

/** The kind of call `i` (every call is `paused` with `TURNS_CASE`). */
export function kindOf(i: number): CallKind {
  // TURNS_CASE=<pause case id>: every call is that paused caller (to look into a cut-in).
  return process.env.TURNS_CASE ? 'paused' : (PATTERN[i % PATTERN.length] ?? 'finished');
}

/** Call `i`: greeting, then its kind's turn(s), then hang-up. Deterministic by `i`. */
export function scripted(i: number, material: NoiseMaterial): Scripted {
  const only = process.env.TURNS_CASE;
  const kind = kindOf(i);
  /** The how-many-th call of its kind this is. */
  const nth =
    Math.floor(i / PATTERN.length) * PATTERN.filter((k) => k === kind).length +
    PATTERN.slice(0, i % PATTERN.length).filter((k) => k === kind).length;
  const wait: CallerStep = { waitForBot: { silenceMs: 400, timeoutMs: 15_000 } };
  const end: CallerStep[] = [
    { waitForBot: { silenceMs: 3_000, timeoutMs: 15_000 } },
    { hangup: true },
  ];
  const qIndex = i % QUESTIONS.length;
  const say = QUESTIONS[qIndex]?.say ?? 'Do you deliver?';
  const c = only ? PAUSED.find((p) => p.id === only) : PAUSED[nth % PAUSED.length];
  if (kind === 'paused' && c) {
    return {
      kind,
      script: { steps: [wait, ...pauseCaseSteps(c), ...end] },
      // The pieces, so the fixture's Finalize in a pause finalizes only what was said.
      texts: [c.pieces.map((piece) => piece.text).join(' | ')],
      caseId: c.id,
    };
  }
  if (kind === 'bargeIn') {
    const interruption = QUESTIONS[(qIndex + 1) % QUESTIONS.length]?.say ?? 'Do you deliver?';
    return {
      kind,
      script: interruptingCaller({ question: say, interruption, afterMs: BARGE_AFTER_MS }),
      texts: [say, interruption],
    };
  }
  if (kind === 'noisy') {
    const noise = NOISE_KINDS[nth % NOISE_KINDS.length] ?? 'pink';
    const bed = noiseBed(noise, material.levels[qIndex] ?? 3_000, material, i + 1);
    return { kind, script: { noise: bed, steps: [wait, { say }, ...end] }, texts: [say], noise };
  }
  return { kind: 'finished', script: { steps: [wait, { say }, ...end] }, texts: [say] };
}

/**
 * A connection opened this soon after an utterance's last word is still that utterance's (the
 * runtime decided the speech start late), ms.
 */
const LATE_OPEN_MS = 300;
/** Speaking rate of the scripted voice, ms a word (espeak-ng says a question at about 240). */
const MS_PER_WORD = 220;

/** A call the fixture hears. */
interface Heard {
  s: Scripted;
  sim: SimCall;
  /** Media time (the caller's) at which each live connection opened. */
  opens: number[];
}

/**
 * The utterances connection `k` of `call` heard: those said while it was the last connection
 * opened (up to {@link LATE_OPEN_MS} after their last word), each up to the words said so far.
 * A speech start on noise that runs on into the words hears them; one that ended before hears
 * nothing.
 */
function heardOn(call: Heard, k: number): string {
  const now = call.sim.runner.nowMs;
  const marks = call.sim.recording.timeline;
  return marks
    .flatMap((m, at) => {
      if (m.kind !== 'caller.speech.start') return [];
      const end = marks.slice(at + 1).find((e) => e.kind === 'caller.speech.end');
      const until = end ? end.atMs + LATE_OPEN_MS : Number.POSITIVE_INFINITY;
      if (call.opens.findLastIndex((o) => o <= until) !== k) return [];
      const words = (m.text ?? '').split(/\s+/).filter(Boolean);
      return end ? words : words.slice(0, Math.floor((now - m.atMs) / MS_PER_WORD));
    })
    .join(' ');
}

/** What the fixture hears, call by call (keyed by the call id it gets as `tag`). */
export class FixtureCallers {
  readonly #calls = new Map<string, Heard>();
  /** Connections for a call not registered (yet): heard as `''`. */
  unknown = 0;

  /** The call `id` (its `sim` side) follows `s`. */
  add(id: string, s: Scripted, sim: SimCall): void {
    this.#calls.set(id, { s: { ...s, texts: [...s.texts] }, sim, opens: [] });
  }

  /**
   * Forgets the call; returns its live connections (noisy lines): when each opened (the caller's
   * media time) and what it heard (`''`: a speech start on noise alone).
   */
  remove(id: string): Array<{ atMs: number; heard: string }> {
    const call = this.#calls.get(id);
    this.#calls.delete(id);
    return call ? call.opens.map((atMs, k) => ({ atMs, heard: heardOn(call, k) })) : [];
  }

  /**
   * The text of a new connection on a clean line (the fixture's `textFor`): the call's next
   * scripted text (none left: undefined, and the fixture hears its default "hello", as before).
   */
  textFor(query: Record<string, string>): string | undefined {
    const call = query.tag ? this.#calls.get(query.tag) : undefined;
    if (!call) {
      this.unknown++;
      return '';
    }
    return call.s.texts.shift();
  }

  /**
   * On a noisy line (the fixture's `liveTextFor`): what the caller has said on this connection
   * so far, so that a speech start on noise hears nothing, or the words it runs on into.
   */
  liveTextFor(query: Record<string, string>): (() => string) | undefined {
    const call = query.tag ? this.#calls.get(query.tag) : undefined;
    if (call?.s.kind !== 'noisy') return undefined;
    const k = call.opens.push(call.sim.runner.nowMs) - 1;
    return () => heardOn(call, k);
  }
}
