/**
 * Benchmark suite `amd`: answering-machine detection and voicemail beep detection on a set of
 * generated callees (the simulator's scripted people and voicemail systems, spoken by espeak-ng
 * in two voices, beeps at several frequencies or none, under four levels of line noise), by
 * Asterisk's AMD() rules and, side by side, with the adaptive noise floor and with a beep
 * heard before a decision meaning MACHINE.
 *
 * Reports accuracy (a person must be HUMAN, a machine MACHINE; NOTSURE counts as wrong), time to
 * decision from the answer (p50/p95, audio time), how the beep was found (hits, false beeps,
 * delay from the end of the beep to the report), where a message would start on machines
 * without a beep, and the cost per 20 ms frame on this thread.
 *
 * Run: `npm run bench -- amd --json`.
 *
 * @module
 */

import {
  type AmdStatus,
  AnsweringMachineDetector,
  BeepDetector,
  MessagePointDetector,
} from '../src/media/amd/index.js';
import { createEspeakEngine, type EspeakEngine } from '../src/providers/tts/espeak.js';
import { renderCallee } from '../src/simulator/callee-audio.js';
import { personCallee, VOICEMAIL_GREETING, voicemailCallee } from '../src/simulator/callees.js';
import { withNoise } from '../src/simulator/sounds.js';

/** Options every suite takes. */
export interface BenchOptions {
  json: boolean;
}

/** p50 and p95. */
export interface Quantiles {
  p50: number;
  p95: number;
}

/** What this suite measures: Asterisk's rules, and the same with the adaptive noise floor. */
export interface AmdBenchResult extends Figures {
  noiseFloor: Omit<Figures, 'costUsPerFrame' | 'frames' | 'beeps' | 'beepDelayMs'>;
  /** With the noise floor, and a beep heard before a decision meaning MACHINE. */
  noiseFloorBeep: Omit<Figures, 'costUsPerFrame' | 'frames' | 'beeps' | 'beepDelayMs'>;
}

/** The figures of one way of detecting. */
export interface Figures extends Record<string, unknown> {
  callees: number;
  persons: number;
  machines: number;
  /** Share of callees classified right (NOTSURE is wrong). */
  accuracy: number;
  humanAccuracy: number;
  machineAccuracy: number;
  /** Callees left NOTSURE. */
  notSure: number;
  /** Accuracy at each noise RMS (16-bit units). */
  accuracyByNoise: Record<string, number>;
  /** What each kind of callee was classified as. */
  confusion: Record<'person' | 'machine', Partial<Record<AmdStatus, number>>>;
  /** Decisions by Asterisk cause. */
  causes: Record<string, number>;
  /** Answer to decision, ms of audio, all callees. */
  decisionMs: Quantiles;
  /** For people: end of their greeting to the HUMAN decision, ms. */
  humanAfterGreetingMs: Quantiles;
  /** Answer to decision for machines, ms. */
  machineDecisionMs: Quantiles;
  /** Machines with a beep, beeps found among them, beeps reported anywhere else. */
  beeps: { withBeep: number; found: number; falseBeeps: number };
  /** End of the beep to its report, ms of audio. */
  beepDelayMs: Quantiles;
  /** Machines without a beep whose message point was the silence after the greeting. */
  silencePoints: { withoutBeep: number; silence: number };
  /** Processing time per 20 ms frame on this thread, microseconds (AMD, beep detector). */
  costUsPerFrame: { amd: number; beep: number };
  /** Frames analysed in all. */
  frames: number;
}

const PERSON_GREETINGS = [
  'Hello?',
  'Yes?',
  'Hi.',
  'Hello, this is Sam.',
  'Speaking.',
  'Hello? Who is this?',
  'Good morning.',
  'Hey, what is up?',
  // Harder: a business answering the phone, a person who talks on.
  'Good morning, Acme Dental, Kim speaking.',
  'Hello, yes, this is she.',
];

const MACHINE_GREETINGS = [
  VOICEMAIL_GREETING,
  'Please leave a message after the tone.',
  'Hi, this is Maria. Leave me a message.',
  'The person you are calling is not available. Please record your message after the tone.',
  'You have reached five five five, zero one nine nine. Please leave a message.',
  // Harder: a very short greeting.
  'Leave a message.',
];

/** Beep frequency per machine variant; 0 = no beep. */
const BEEPS = [0, 440, 850, 1000, 1400];
const NOISE_RMS = [0, 150, 300, 600];
const FRAME = 320;

function quantiles(xs: number[]): Quantiles {
  if (xs.length === 0) return { p50: 0, p95: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

interface Callee {
  kind: 'person' | 'machine';
  samples: Int16Array;
  noise: number;
  greetingEndMs: number;
  beepEndMs?: number;
}

async function callees(voices: EspeakEngine[]): Promise<Callee[]> {
  const out: Callee[] = [];
  for (const tts of voices) {
    for (const greeting of PERSON_GREETINGS) {
      const r = await renderCallee(personCallee({ greeting }), tts, 6_000);
      for (const noise of NOISE_RMS) {
        out.push({
          kind: 'person',
          samples: withNoise(r.samples, noise, out.length + 1),
          noise,
          greetingEndMs: r.speech[0]?.endMs ?? 0,
        });
      }
    }
    for (const [g, greeting] of MACHINE_GREETINGS.entries()) {
      for (const [b, hz] of BEEPS.entries()) {
        if ((g + b) % 2 === 1) continue;
        const behavior = voicemailCallee({ beep: hz > 0, greeting, beepHz: hz || 1000 });
        const r = await renderCallee(behavior, tts, 18_000);
        for (const noise of NOISE_RMS) {
          out.push({
            kind: 'machine',
            samples: withNoise(r.samples, noise, out.length + 1),
            noise,
            greetingEndMs: r.speech[0]?.endMs ?? 0,
            ...(r.beepAtMs !== undefined ? { beepEndMs: r.beepAtMs + 500 } : {}),
          });
        }
      }
    }
  }
  return out;
}

/** The figures of one way of detecting (Asterisk's rules, or with the noise floor). */
function analyse(set: Callee[], options: { noiseFloor?: boolean; beep?: boolean }): Figures {
  const confusion: AmdBenchResult['confusion'] = { person: {}, machine: {} };
  const causes: Record<string, number> = {};
  const byNoise = new Map<number, { right: number; all: number }>();
  const decision: number[] = [];
  const humanAfter: number[] = [];
  const machineDecision: number[] = [];
  const beepDelay: number[] = [];
  const beeps = { withBeep: 0, found: 0, falseBeeps: 0 };
  const silencePoints = { withoutBeep: 0, silence: 0 };
  let right = 0;
  let personsRight = 0;
  let machinesRight = 0;
  let notSure = 0;
  let frames = 0;
  let amdNs = 0n;
  let beepNs = 0n;

  for (const c of set) {
    const amd = new AnsweringMachineDetector({}, options);
    const beep = new BeepDetector();
    const point = new MessagePointDetector(options);
    let beepReport: number | undefined;
    let pointKind: string | undefined;
    for (let i = 0; i + FRAME <= c.samples.length; i += FRAME) {
      const f = c.samples.subarray(i, i + FRAME);
      frames++;
      if (!amd.result) {
        const t0 = process.hrtime.bigint();
        amd.push(f);
        amdNs += process.hrtime.bigint() - t0;
      }
      const t1 = process.hrtime.bigint();
      const b = beep.push(f);
      beepNs += process.hrtime.bigint() - t1;
      if (b) {
        if (c.beepEndMs !== undefined && beepReport === undefined) beepReport = beep.elapsedMs;
        else beeps.falseBeeps++;
      }
      if (c.kind === 'machine' && !point.point) pointKind = point.push(f)?.kind;
    }
    const r = amd.result ?? amd.hangup();
    const ok = (c.kind === 'person' ? 'HUMAN' : 'MACHINE') === r.status;
    if (ok) right++;
    if (ok && c.kind === 'person') personsRight++;
    if (ok && c.kind === 'machine') machinesRight++;
    if (r.status === 'NOTSURE') notSure++;
    confusion[c.kind][r.status] = (confusion[c.kind][r.status] ?? 0) + 1;
    causes[r.causeKind] = (causes[r.causeKind] ?? 0) + 1;
    const n = byNoise.get(c.noise) ?? { right: 0, all: 0 };
    n.all++;
    if (ok) n.right++;
    byNoise.set(c.noise, n);
    decision.push(r.atMs);
    if (c.kind === 'person' && r.status === 'HUMAN') humanAfter.push(r.atMs - c.greetingEndMs);
    if (c.kind === 'machine') machineDecision.push(r.atMs);
    if (c.beepEndMs !== undefined) {
      beeps.withBeep++;
      if (beepReport !== undefined) {
        beeps.found++;
        beepDelay.push(beepReport - c.beepEndMs);
      }
    } else if (c.kind === 'machine') {
      silencePoints.withoutBeep++;
      if (pointKind === 'silence') silencePoints.silence++;
    }
  }

  const persons = set.filter((c) => c.kind === 'person').length;
  const machines = set.length - persons;
  return {
    callees: set.length,
    persons,
    machines,
    accuracy: round(right / set.length),
    humanAccuracy: round(personsRight / persons),
    machineAccuracy: round(machinesRight / machines),
    notSure,
    accuracyByNoise: Object.fromEntries(
      [...byNoise].map(([noise, n]) => [String(noise), round(n.right / n.all)]),
    ),
    confusion,
    causes,
    decisionMs: quantiles(decision),
    humanAfterGreetingMs: quantiles(humanAfter),
    machineDecisionMs: quantiles(machineDecision),
    beeps,
    beepDelayMs: quantiles(beepDelay),
    silencePoints,
    costUsPerFrame: {
      amd: round(Number(amdNs) / 1000 / frames, 2),
      beep: round(Number(beepNs) / 1000 / frames, 2),
    },
    frames,
  };
}

/** Runs the suite; with `json`, prints nothing and lets the runner print the result. */
export default async function run(opts: BenchOptions): Promise<AmdBenchResult> {
  const voices = [
    createEspeakEngine({ threads: 1 }),
    createEspeakEngine({ threads: 1, pitch: 80, rateWpm: 185 }),
  ];
  let set: Callee[];
  try {
    set = await callees(voices);
  } finally {
    await Promise.all(voices.map((v) => v.close()));
  }

  const asterisk = analyse(set, {});
  const strip = (f: Figures) => {
    const { costUsPerFrame, frames, beeps, beepDelayMs, ...rest } = f;
    return rest;
  };
  const result: AmdBenchResult = {
    ...asterisk,
    noiseFloor: strip(analyse(set, { noiseFloor: true })),
    noiseFloorBeep: strip(analyse(set, { noiseFloor: true, beep: true })),
  };
  if (!opts.json) console.log(`${set.length} callees analysed`);
  return result;
}
