/**
 * The record of each turn of a call: what the caller said, what the bot answered (or how much of
 * it the caller heard before barging in), how the turn ended and its latencies. When a turn ends
 * it becomes one `turn` event in the call event log and one `turn` log line.
 *
 * Text goes only into the named fields `transcript` and `answer`. The call event log keeps them
 * when transcripts are enabled (`VOXSTATE_LOG_TRANSCRIPTS`); the log line carries them when
 * personal data may be logged (`VOXSTATE_LOG_PII`), and the redaction marker otherwise, beside
 * their lengths, so the line has the same shape either way (the logger's scrubber also redacts
 * both fields by name).
 *
 * Actors report to the call's turn log: the transcribe actor the transcript, the answer actor the
 * answer, or the part that was spoken when it was stopped; the runtime reports the caller's
 * speech starts as the machine receives them. The turn is the call timeline's current turn (one
 * per end of the caller's speech), whose stage times become the latencies.
 *
 * @module
 */
import type { CallEventLog } from '../calllog/call-log.js';
import { LOG_CENSOR } from '../telemetry/log-scrub.js';
import type { Logger } from '../telemetry/logger.js';
import type { CallTimeline, TurnTiming } from './timeline.js';

/**
 * How a turn ended: `answered` (the answer played to its end), `interrupted` (the caller barged
 * in on the answer), `not_understood` (empty transcript), `failed` (transcription or answer
 * failed), `abandoned` (the caller spoke again before an answer), `call_ended` (the call ended
 * during the turn).
 */
export type TurnOutcome =
  | 'answered'
  | 'interrupted'
  | 'not_understood'
  | 'failed'
  | 'abandoned'
  | 'call_ended';

/** Options of {@link TurnLog}. */
export interface TurnLogOptions {
  callId: string;
  timeline: CallTimeline;
  log: CallEventLog;
  logger?: Logger;
  /** Put the words into the log line's `transcript` and `answer` (default false: the marker). */
  logText?: boolean;
}

interface OpenTurn {
  turn: number;
  /** The caller started speaking again during the turn (the machine's barge-in). */
  bargedIn?: boolean;
  transcript?: string;
  language?: string;
  answer?: string;
  model?: string;
  pieces?: number;
}

/** Whole ms, or nothing. */
function ms(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value);
}

/** The latencies of a turn, ms after the end of the caller's speech. */
function latencies(timing: TurnTiming | undefined) {
  return {
    fillerMs: ms(timing?.filler),
    transcriptMs: ms(timing?.transcript),
    retrievalMs: ms(timing?.retrieval),
    firstAudioMs: ms(timing?.first_answer_audio),
  };
}

/**
 * One call's turns, written to the call event log and the logs as each turn ends.
 *
 * @example
 * ```ts
 * const turns = new TurnLog({ callId, timeline, log, logger, logText: config.logPii });
 * turns.heard('Where are you located?', 'en');
 * turns.answered({ text: 'We are at 12 Harbour Street.', model: 'offline', pieces: 1 });
 * // log line: { callId, turn: 1, outcome: 'answered', interrupted: false, transcript: '[redacted]',
 * //             transcriptChars: 22, answer: '[redacted]', answerChars: 28, firstAudioMs: 610, ... }
 * ```
 */
export class TurnLog {
  readonly #o: TurnLogOptions;
  #open: OpenTurn | undefined;

  constructor(options: TurnLogOptions) {
    this.#o = options;
  }

  /** The caller's words in the current turn; an empty transcript ends the turn. */
  heard(text: string, language?: string): void {
    const turn = this.#current();
    turn.transcript = text;
    if (language) turn.language = language;
    if (text === '') this.#end('not_understood');
  }

  /** The answer played to its end: the turn ends. */
  answered(answer: { text: string; model: string; pieces?: number }): void {
    const turn = this.#current();
    turn.answer = answer.text;
    turn.model = answer.model;
    if (answer.pieces !== undefined) turn.pieces = answer.pieces;
    this.#end('answered');
  }

  /**
   * The caller started speaking; reported before the call machine acts on it, so an answer it
   * stops afterwards is known to be interrupted (even in a pause between two pieces, where the
   * playback queue is idle and the timeline records no barge-in).
   */
  speechStarted(): void {
    if (this.#open) this.#open.bargedIn = true;
  }

  /**
   * The answer was stopped before its end; `spoken` is the part whose audio had started. A
   * barge-in ends the turn at once; otherwise (the call is ending) it ends with the call.
   */
  stopped(spoken: string, model: string): void {
    const turn = this.#current();
    turn.answer = spoken;
    if (model) turn.model = model;
    if (this.#interrupted(turn)) this.#end('interrupted');
  }

  /** Transcription or the answer failed: the turn ends. */
  failed(): void {
    this.#current();
    this.#end('failed');
  }

  /** The call ended: a turn still open ends with it. Idempotent. */
  close(): void {
    if (this.#open) this.#end('call_ended');
  }

  /** The open turn, if it is the timeline's current one; an older open turn ends first. */
  #current(): OpenTurn {
    const turn = this.#o.timeline.turns().at(-1)?.turn ?? 0;
    if (this.#open && this.#open.turn !== turn) this.#end('abandoned');
    this.#open ??= { turn };
    return this.#open;
  }

  #timing(turn: number): TurnTiming | undefined {
    return this.#o.timeline.turns().find((t) => t.turn === turn);
  }

  #interrupted(turn: OpenTurn): boolean {
    return turn.bargedIn === true || this.#timing(turn.turn)?.bargeIn === true;
  }

  #end(outcome: TurnOutcome): void {
    const t = this.#open;
    if (!t) return;
    this.#open = undefined;
    const timing = this.#timing(t.turn);
    const common = {
      outcome,
      interrupted: this.#interrupted(t),
      transcriptChars: t.transcript?.length,
      answerChars: t.answer?.length,
      model: t.model,
      language: t.language,
      pieces: t.pieces,
      ...latencies(timing),
    };
    this.#o.log.add('turn', {
      n: t.turn,
      transcript: t.transcript,
      answer: t.answer,
      ...common,
    });
    const shown = (text: string | undefined) =>
      text === undefined || this.#o.logText ? text : LOG_CENSOR;
    this.#o.logger?.info(
      {
        callId: this.#o.callId,
        turn: t.turn,
        transcript: shown(t.transcript),
        answer: shown(t.answer),
        ...common,
      },
      'turn',
    );
  }
}
