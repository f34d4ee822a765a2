/**
 * Scripted callees for the simulator's endpoints: who picks up an outbound call or a transfer.
 * A person says "Hello?" and waits for an answer; a voicemail system plays a long greeting and,
 * usually, a beep (a ~1 kHz tone of about half a second) before it records; an agent answers
 * a transfer and says their lines, each after the other side has spoken.
 *
 * @example
 * ```ts
 * const sim = new SimulatedAsterisk({
 *   tts,
 *   endpoints: {
 *     'PJSIP/agent-100': agentCallee(['Hi, this is Dana from support.', 'Sure, I can help.']),
 *     'PJSIP/+15550001': voicemailCallee({ beep: true }),
 *     'PJSIP/+15550002': personCallee(),
 *   },
 * });
 * ```
 *
 * @module
 */

import type { CallerStep } from './caller-script.js';
import type { CalleeBehavior } from './sim-types.js';
import { toneAudio } from './sounds.js';

/** A voicemail greeting of about ten seconds. */
export const VOICEMAIL_GREETING =
  'Hi, you have reached the voicemail of Alex Morgan. I am not able to take your call right ' +
  'now. Please leave your name, your number and a short message after the tone, and I will ' +
  'call you back as soon as I can.';

/** A voicemail beep: `ms` of a sine at `hz` (default 1000 Hz, 500 ms), 16 kHz. */
export function beepTone(hz = 1000, ms = 500, amplitude = 9000): Int16Array {
  return toneAudio(hz, ms, amplitude);
}

/** Options of {@link personCallee}. */
export interface PersonCalleeOptions {
  /** What they say on picking up; default `Hello?`. */
  greeting?: string;
  /** Ring time; default 1200 ms. */
  answerAfterMs?: number;
  /** Silence after picking up before they speak; default 300 ms. */
  pickUpMs?: number;
  /** How long they wait for the bot before hanging up; default 8000 ms. */
  patienceMs?: number;
  /** What they say after the bot's first turn, each after the bot has spoken. */
  replies?: string[];
}

/** A person who picks up, says "Hello?" and waits for an answer. */
export function personCallee(options: PersonCalleeOptions = {}): CalleeBehavior {
  const steps: CallerStep[] = [
    { pause: options.pickUpMs ?? 300 },
    { say: options.greeting ?? 'Hello?' },
    { waitForBot: { silenceMs: 900, timeoutMs: options.patienceMs ?? 8_000 } },
  ];
  for (const reply of options.replies ?? []) {
    steps.push({ say: reply }, { waitForBot: { silenceMs: 900, timeoutMs: 15_000 } });
  }
  steps.push({ hangup: true });
  return { answerAfterMs: options.answerAfterMs ?? 1_200, script: { steps } };
}

/** Options of {@link voicemailCallee}. */
export interface VoicemailCalleeOptions {
  /** True: a beep follows the greeting (most voicemail systems); false: it starts recording silently. */
  beep: boolean;
  /** The greeting; default {@link VOICEMAIL_GREETING}. */
  greeting?: string;
  /** The beep's frequency; default 1000 Hz. */
  beepHz?: number;
  /** The beep's length; default 500 ms. */
  beepMs?: number;
  /** Ring time before the voicemail picks up; default 2500 ms. */
  answerAfterMs?: number;
  /** How long it records before it hangs up; default 20 s. */
  recordMs?: number;
}

/** An answering machine: a long greeting, a beep or none, then it records and hangs up. */
export function voicemailCallee(options: VoicemailCalleeOptions): CalleeBehavior {
  const steps: CallerStep[] = [
    { pause: 500 },
    { say: options.greeting ?? VOICEMAIL_GREETING },
    { pause: 300 },
  ];
  if (options.beep) {
    steps.push({ sound: beepTone(options.beepHz, options.beepMs), label: 'beep' });
  }
  steps.push({ pause: options.recordMs ?? 20_000 }, { hangup: true });
  return { answerAfterMs: options.answerAfterMs ?? 2_500, script: { steps } };
}

/** Options of {@link agentCallee}. */
export interface AgentCalleeOptions {
  /** Ring time; default 800 ms. */
  answerAfterMs?: number;
  /** False: the agent never answers (the transfer rings out). */
  answer?: boolean;
}

/**
 * An agent who answers a transfer and says `lines`: the first on picking up, each next one
 * once the other side has spoken and gone quiet; then stays on the line until hung up.
 */
export function agentCallee(lines: string[], options: AgentCalleeOptions = {}): CalleeBehavior {
  const steps: CallerStep[] = [{ pause: 200 }];
  lines.forEach((line, i) => {
    if (i > 0) steps.push({ waitForBot: { silenceMs: 700, timeoutMs: 30_000 } });
    steps.push({ say: line });
  });
  return {
    answer: options.answer ?? true,
    answerAfterMs: options.answerAfterMs ?? 800,
    script: { steps },
  };
}
