/**
 * What a scripted caller can do, step by step, and the script's options: the vocabulary of
 * `./caller-script.ts` (which plays it) and `./script-file.ts` (which reads it from JSON).
 *
 * @module
 */

/** One step of a caller script. */
export type CallerStep =
  /**
   * Say `say`. `audio` (16 kHz samples) skips synthesis; `interruptAfterMs` waits until the bot is
   * speaking and barges in that many ms later.
   */
  | { say: string; lang?: string; audio?: Int16Array; interruptAfterMs?: number }
  /** Play `sound` (16 kHz samples: a beep, a ring-back, noise); not an utterance. */
  | { sound: Int16Array; label?: string }
  /** Stay silent for `pause` ms. */
  | { pause: number }
  /** Press these keys, `gapMs` apart (default 150). */
  | { dtmf: string; gapMs?: number }
  /** Hang up. */
  | { hangup: true }
  /**
   * Wait until the bot has spoken and then been silent for `silenceMs` (default 800), at most
   * `timeoutMs` (default 30000). `afterHold`: only the far end's audio heard after music on hold
   * stopped counts (a caller taken off hold waits for whoever picks up, however long the hold
   * music ran or how soon a voice follows it).
   */
  | { waitForBot: { silenceMs?: number; timeoutMs?: number; afterHold?: boolean } }
  /** Wait until the far end has pressed `digits` (a phone menu), at most `timeoutMs` (default 30000). */
  | { waitForDtmf: { digits: string; timeoutMs?: number } };

/** A caller script and its options. */
export interface CallerScript {
  steps: CallerStep[];
  /** espeak-ng voice for `say` steps without `lang`; default `en-us`. */
  lang?: string;
  /** Frame RMS (16-bit units) above which bot audio counts as speech; default 200. */
  botSpeechRms?: number;
  /**
   * False: send no frames while the caller is silent (silence suppression, DTX, a Local
   * channel between playbacks). Default true: a frame every 20 ms, silence included.
   */
  sendSilence?: boolean;
  /**
   * The line carries the bot's audio back to the app (a hybrid or a handset without echo
   * cancellation): `gainDb` under the bot's level (e.g. -20), `delayMs` later (default 120).
   */
  echo?: { gainDb: number; delayMs?: number };
  /**
   * Background noise on the line (a street, a café): 16 kHz samples, looped from the start of
   * the call and added to everything the caller sends, so the line is never silent. Like the
   * echo, it is not in the caller's recording.
   */
  noise?: Int16Array;
}

/** An utterance on the media timeline (simulator-only ground truth for `--stt=script`). */
export interface ScriptUtterance {
  text: string;
  startMs: number;
  endMs: number;
}
