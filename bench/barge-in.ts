/**
 * Barge-in figures for `npm run bench -- calls`: scripted callers who talk over the bot's answer
 * (some over a line that echoes the bot, some that send no frames in silence) and callers who
 * must not interrupt it (the bot's echo alone, a cough, a short "mm-hm" or "uh-huh"), run
 * through the whole stack a few at a time.
 *
 * Measured as the caller hears it, on the caller's recording: from the speech onset (the first
 * caller frame of the interruption loud enough to be speech) to the end of the bot's last
 * audible frame. The runtime's own view (onset to decision, onset to silence, from the call log)
 * is reported beside it.
 *
 * @module
 */

import type { CallRecording } from '../src/simulator/call-recording.js';
import {
  type BargeInCaseKind,
  backchannelCaller,
  coughingCaller,
  echoingCaller,
  interruptingCaller,
  synthesizeBackchannel,
} from '../src/simulator/caller-cases.js';
import type { CallerScript } from '../src/simulator/caller-script.js';
import type { SimCall } from '../src/simulator/simulated-asterisk.js';
import type { BenchRig } from './call-load.js';
import { p5095, QUESTIONS } from './call-load.js';

const INTERRUPTIONS = [
  'Sorry, what is your phone number?',
  'Wait, do you deliver on Sunday?',
  'Stop, how much is a birthday cake?',
  'No, I mean on Monday morning.',
];
/** When the caller starts talking, ms after the bot starts speaking (filler or answer). */
const OFFSETS = [300, 500, 700, 900, 1_100, 1_300];
const ECHO = { gainDb: -20, delayMs: 120 };
/** Bot frames at or above this RMS are audible speech (the scripted caller's own rule). */
const AUDIBLE_RMS = 200;
/** Caller frames at or above this RMS are speech. */
const SPEECH_RMS = 300;

/** One scripted case. */
export interface BargeInCase {
  kind: BargeInCaseKind;
  label: string;
  script: CallerScript;
  /** The interruption's text, for `interrupt` cases. */
  interruption?: string;
}

/** The scripted cases: `interrupts` real barge-ins and `others` of each kind that must not be. */
export async function bargeInCases(interrupts = 24, others = 6): Promise<BargeInCase[]> {
  const mmhm = await synthesizeBackchannel('mm-hm');
  const uhhuh = await synthesizeBackchannel('uh-huh');
  const question = (i: number) => QUESTIONS[i % QUESTIONS.length]?.say ?? '';
  const cases: BargeInCase[] = [];
  for (let i = 0; i < interrupts; i++) {
    const interruption = INTERRUPTIONS[i % INTERRUPTIONS.length] ?? '';
    const echo = i % 2 === 1;
    const silent = i % 3 === 2;
    cases.push({
      kind: 'interrupt',
      label: `interrupt${echo ? '+echo' : ''}${silent ? '+dtx' : ''}`,
      interruption,
      script: interruptingCaller({
        question: question(i),
        interruption,
        afterMs: OFFSETS[i % OFFSETS.length],
        ...(echo ? { echo: ECHO } : {}),
        ...(silent ? { sendSilence: false } : {}),
      }),
    });
  }
  for (let i = 0; i < others; i++) {
    const afterMs = OFFSETS[(i * 2) % OFFSETS.length];
    cases.push({
      kind: 'echo',
      label: 'echo',
      script: echoingCaller({
        question: question(i),
        echo: { gainDb: ECHO.gainDb, delayMs: 80 + 30 * i },
      }),
    });
    cases.push({
      kind: 'cough',
      label: 'cough',
      script: coughingCaller({ question: question(i), afterMs }),
    });
    const word = i % 2 === 0 ? 'mm-hm' : 'uh-huh';
    cases.push({
      kind: 'backchannel',
      label: word,
      script: backchannelCaller({
        question: question(i),
        afterMs,
        text: word,
        audio: i % 2 === 0 ? mmhm : uhhuh,
      }),
    });
  }
  return cases;
}

function frameRms(samples: Int16Array, atMs: number): number {
  let sum = 0;
  const from = atMs * 16;
  for (let i = from; i < from + 320 && i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / 320);
}

/**
 * Onset to the end of the bot's last audible frame during the interruption, ms of the caller's
 * media time; undefined when the bot was not audible just before the onset (nothing to stop).
 */
export function onsetToSilenceMs(rec: CallRecording, interruption: string): number | undefined {
  const start = rec.timeline.find(
    (e) => e.kind === 'caller.speech.start' && e.text === interruption,
  )?.atMs;
  const end = rec.timeline.find(
    (e) => e.kind === 'caller.speech.end' && e.text === interruption,
  )?.atMs;
  if (start === undefined || end === undefined) return undefined;
  const caller = rec.samples('caller');
  const bot = rec.samples('bot');
  let onset = start;
  while (onset < end && frameRms(caller, onset) < SPEECH_RMS) onset += 20;
  const audible = (t: number) => frameRms(bot, t) >= AUDIBLE_RMS;
  if (![onset - 80, onset - 60, onset - 40, onset - 20].some(audible)) return undefined;
  let last = onset - 20;
  for (let t = onset; t < end; t += 20) if (audible(t)) last = t;
  return last + 20 - onset;
}

/** What one case did. */
export interface BargeInResult {
  kind: BargeInCaseKind;
  label: string;
  bargeIns: number;
  /** Playback held for a sound and then resumed. */
  resumed: number;
  onsetToSilenceMs?: number;
  /** The runtime's own view, from its call log. */
  runtimeDetectionMs?: number;
  runtimeToSilenceMs?: number;
  error?: string;
}

/** Runs the cases `concurrency` at a time on the rig. */
export async function runBargeInCases(
  bench: BenchRig,
  cases: readonly BargeInCase[],
  concurrency = 8,
): Promise<BargeInResult[]> {
  const results: BargeInResult[] = [];
  let next = 0;
  const one = async (c: BargeInCase): Promise<BargeInResult> => {
    let sim: SimCall | undefined;
    try {
      const placed = await bench.rig.placeCall(c.script);
      sim = placed.sim;
      const output = await Promise.race([
        placed.handle.done,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('call did not end in 90 s')), 90_000).unref(),
        ),
      ]);
      await sim.ended;
      const events = placed.handle.session.log.events();
      const bargeIn = events.find((e) => e.type === 'barge_in')?.fields;
      const silence = c.interruption ? onsetToSilenceMs(sim.recording, c.interruption) : undefined;
      return {
        kind: c.kind,
        label: c.label,
        bargeIns: output.bargeIns,
        resumed: events.filter((e) => e.type === 'barge_in_resumed').length,
        ...(silence !== undefined && output.bargeIns > 0 ? { onsetToSilenceMs: silence } : {}),
        ...(typeof bargeIn?.detectionMs === 'number'
          ? { runtimeDetectionMs: bargeIn.detectionMs }
          : {}),
        ...(typeof bargeIn?.toSilenceMs === 'number'
          ? { runtimeToSilenceMs: bargeIn.toSilenceMs }
          : {}),
      };
    } catch (err) {
      sim?.hangup();
      return {
        kind: c.kind,
        label: c.label,
        bargeIns: 0,
        resumed: 0,
        error: (err as Error).message,
      };
    }
  };
  const lane = async (l: number) => {
    await new Promise((r) => setTimeout(r, l * 250));
    for (;;) {
      const i = next++;
      const c = cases[i];
      if (!c) return;
      results[i] = await one(c);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, cases.length) }, (_, l) => lane(l)));
  return results;
}

/** The `bargeIn` figures of the benchmark. */
export function summarizeBargeIn(results: readonly BargeInResult[]): Record<string, unknown> {
  const interrupts = results.filter((r) => r.kind === 'interrupt');
  const others = results.filter((r) => r.kind !== 'interrupt');
  const values = (pick: (r: BargeInResult) => number | undefined) =>
    interrupts.map(pick).filter((v): v is number => v !== undefined);
  const byKind = (kind: BargeInCaseKind) => {
    const of = results.filter((r) => r.kind === kind);
    return {
      calls: of.length,
      bargeIns: of.filter((r) => r.bargeIns > 0).length,
      heldThenResumed: of.filter((r) => r.resumed > 0).length,
    };
  };
  return {
    bargeInCalls: interrupts.length,
    measured: values((r) => r.onsetToSilenceMs).length,
    onsetToSilenceMs: p5095(values((r) => r.onsetToSilenceMs)),
    missedBargeIns: interrupts.filter((r) => r.bargeIns === 0 && !r.error).length,
    nonBargeInCalls: others.length,
    falseBargeIns: others.filter((r) => r.bargeIns > 0).length,
    runtime: {
      onsetToDecisionMs: p5095(values((r) => r.runtimeDetectionMs)),
      onsetToSilenceMs: p5095(values((r) => r.runtimeToSilenceMs)),
    },
    cases: {
      interrupt: byKind('interrupt'),
      echo: byKind('echo'),
      cough: byKind('cough'),
      backchannel: byKind('backchannel'),
    },
    failedCalls: results.filter((r) => r.error).length,
  };
}
