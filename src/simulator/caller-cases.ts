/**
 * Scripted callers for barge-in: a caller who interrupts the bot's answer, and three who must
 * NOT interrupt it: the bot's own echo on the line, a cough, and a short backchannel "mm-hm".
 * The end-to-end tests and `npm run bench -- calls` run them against the whole stack.
 *
 * @module
 */
import { createEspeakEngine } from '../providers/tts/espeak.js';
import type { CallerScript } from './caller-script.js';
import { synthesizeScript } from './script-audio.js';
import { noiseBurst } from './sounds.js';

/** What a barge-in case is about. */
export type BargeInCaseKind = 'interrupt' | 'echo' | 'cough' | 'backchannel';

/** Options shared by the cases. */
export interface CallerCaseOptions {
  /** The question whose answer the caller talks over. */
  question: string;
  /** The line's echo of the bot (e.g. `{ gainDb: -20 }`); default none. */
  echo?: { gainDb: number; delayMs?: number };
  /** False: the line sends nothing while the caller is silent (DTX, a Local channel). */
  sendSilence?: boolean;
  /** How long the caller waits, once the bot speaks, before the sound (default 1200). */
  afterMs?: number;
}

/** Bot silence after which a scripted caller takes the answer as finished, ms. */
const ANSWER_DONE_MS = 1_500;

function script(options: CallerCaseOptions, middle: CallerScript['steps']): CallerScript {
  return {
    ...(options.echo ? { echo: options.echo } : {}),
    ...(options.sendSilence !== undefined ? { sendSilence: options.sendSilence } : {}),
    steps: [
      { waitForBot: { silenceMs: 600 } },
      { say: options.question },
      ...middle,
      { waitForBot: { silenceMs: ANSWER_DONE_MS, timeoutMs: 30_000 } },
      { hangup: true },
    ],
  };
}

/** Asks, then talks over the bot's answer with `interruption` (a real barge-in). */
export function interruptingCaller(
  options: CallerCaseOptions & { interruption: string },
): CallerScript {
  return script(options, [
    { say: options.interruption, interruptAfterMs: options.afterMs ?? 1_200 },
  ]);
}

/** Asks, then listens in silence while the line carries the bot's echo back. */
export function echoingCaller(
  options: CallerCaseOptions & { echo: { gainDb: number; delayMs?: number } },
): CallerScript {
  return script(options, []);
}

/** Asks, then coughs (a 300 ms noise burst) while the bot answers. */
export function coughingCaller(options: CallerCaseOptions): CallerScript {
  return script(options, [
    { say: '(cough)', audio: noiseBurst(300, 6000), interruptAfterMs: options.afterMs ?? 1_200 },
  ]);
}

/**
 * Asks, then says a short "mm-hm" while the bot answers. `audio` is the backchannel's 16 kHz
 * samples (see {@link synthesizeBackchannel}).
 */
export function backchannelCaller(
  options: CallerCaseOptions & { audio: Int16Array; text?: string },
): CallerScript {
  return script(options, [
    {
      say: options.text ?? 'mm-hm',
      audio: options.audio,
      interruptAfterMs: options.afterMs ?? 1_200,
    },
  ]);
}

/**
 * A backchannel spoken quickly, as people do: espeak-ng at `rateWpm` (default 300 words per
 * minute gives a ~0.5 s "mm-hm"; espeak's default 165 wpm draws it out to 0.9 s).
 */
export async function synthesizeBackchannel(text = 'mm-hm', rateWpm = 300): Promise<Int16Array> {
  const espeak = createEspeakEngine({ rateWpm });
  try {
    const audio = await synthesizeScript({ steps: [{ say: text }] }, espeak);
    return audio.get(0) ?? new Int16Array(0);
  } finally {
    await espeak.close();
  }
}
