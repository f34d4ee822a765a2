/**
 * The filler of a call's turns, shared by the `playFiller` actor (while the bot thinks) and the
 * `streamAnswer` actor (until the answer's first audio): a filler serves the caller, not the
 * pipeline. At the end of a turn it waits `delayMs` on the call's clock; if the answer has audio
 * ready by then (a cached or offline answer, a fast model) no filler plays, so a ready answer is
 * never delayed by one. Otherwise one short phrase ("One moment...") is queued ahead of the
 * answer, which starts at the filler's phrase boundary; a filler that has not started when the
 * answer's audio is ready is skipped by the playback queue.
 *
 * The decision outlives the thinking state only when the answer takes the turn over
 * ({@link TurnFiller.claim}, in the same step); any other way out of thinking (a barge-in, an
 * empty transcript, a failure) stops it. Progress (`filler.started`, `filler.done`,
 * `filler.failed`) goes out through the emitter of the actor that holds the turn.
 *
 * @module
 */
import type { FillerEvent } from '../calls/events.js';
import { ConfigError, isAbortError } from '../errors.js';
import type { PlaybackItem, PlaybackQueue } from '../media/playback-queue.js';
import { FillerPicker } from '../speech/fillers.js';
import type { TtsService } from '../speech/tts-service.js';
import type { Logger } from '../telemetry/logger.js';
import type { FillerInput } from './contracts.js';
import { synthesizeInto } from './synthesize-into.js';

/**
 * How long a filler that is next in line but has not started yet may still start after thinking
 * ended without an answer taking over, ms.
 */
const FILLER_GRACE_MS = 60;

/**
 * How much longer the filler waits when its delay runs out while the answer's first sentence is
 * already being synthesized, ms: that audio is a synthesis away (tens of ms for espeak-ng, a
 * first byte for a cloud voice), and a filler started now would hold the answer back for its
 * whole phrase (600-900 ms).
 */
const ANSWER_COMING_HOLD_MS = 200;

/** Dependencies of a {@link TurnFiller}. */
export interface TurnFillerDeps {
  /** The call's playback queue (its clock times the delay). */
  playback: PlaybackQueue;
  tts: TtsService;
  /** How long after the end of a turn the answer may take before a filler plays, ms (default 0). */
  delayMs?: number;
  /** [0, 1) source for the filler choice; injectable for tests. */
  random?: () => number;
  logger?: Logger;
}

type Emit = (event: FillerEvent) => void;

interface Turn {
  input: FillerInput;
  emit: Emit;
  claimed: boolean;
  timer: unknown;
  /** The answer's first sentence went to synthesis. */
  coming: boolean;
  /** The delay ran out once while the answer was coming: the filler waited a little longer. */
  held: boolean;
  item: PlaybackItem | undefined;
  /** Settles when the filler's first frame was sent or it ended. */
  begun: Promise<void>;
  controller: AbortController;
}

const silent: Emit = () => {};

/**
 * One call's filler decision, turn by turn.
 *
 * @example
 * ```ts
 * const filler = new TurnFiller({ playback: session.playback, tts, delayMs: 350 });
 * const playFiller = createPlayFillerActor({ playback: session.playback, tts, turn: filler });
 * const streamAnswer = createStreamAnswerActor({ session, answerer, tts, ttsEngine, filler });
 * ```
 */
export class TurnFiller {
  readonly #deps: TurnFillerDeps;
  readonly #pickers = new Map<string, FillerPicker>();
  #turn: Turn | undefined;

  constructor(deps: TurnFillerDeps) {
    this.#deps = deps;
  }

  /** Fillers played (or started playing) so far in the call. */
  played = 0;
  /** Turns whose answer was ready before the delay, so no filler played. */
  spared = 0;

  /**
   * The end of a turn: a filler plays after the delay unless {@link answerReady} comes first.
   *
   * @throws ConfigError when `input.format` is not the call's playback format.
   */
  start(input: FillerInput, emit: Emit): void {
    const { playback } = this.#deps;
    if (playback.format !== input.format) {
      throw new ConfigError(
        `filler format mismatch: call plays ${playback.format}, asked for ${input.format}`,
      );
    }
    if (this.#turn) this.#stop(this.#turn, false);
    const turn: Turn = {
      input,
      emit,
      claimed: false,
      timer: undefined,
      coming: false,
      held: false,
      item: undefined,
      begun: Promise.resolve(),
      controller: new AbortController(),
    };
    this.#turn = turn;
    const delayMs = this.#deps.delayMs ?? 0;
    if (delayMs <= 0) {
      this.#play(turn);
      return;
    }
    this.#arm(turn, delayMs);
  }

  /** Plays the filler after `ms` unless the answer is ready first (or about to be). */
  #arm(turn: Turn, ms: number): void {
    turn.timer = this.#deps.playback.clock.setTimeout(() => {
      turn.timer = undefined;
      if (this.#turn !== turn) return;
      if (turn.coming && !turn.held) {
        turn.held = true;
        this.#arm(turn, ANSWER_COMING_HOLD_MS);
        return;
      }
      this.#play(turn);
    }, ms);
  }

  /**
   * The answer's first sentence went to synthesis: its audio is close, so a filler delay that
   * runs out now waits a little longer for it.
   */
  answerComing(): void {
    if (this.#turn) this.#turn.coming = true;
  }

  /**
   * Thinking ended. Unless the answer claims the turn in the same step, the filler stops: one
   * that is playing finishes its phrase, one next in line may start within a short grace.
   */
  release(): void {
    const turn = this.#turn;
    if (!turn || turn.claimed) return;
    turn.emit = silent;
    queueMicrotask(() => {
      if (this.#turn === turn && !turn.claimed) this.#stop(turn, true);
    });
  }

  /** The answer took the turn over: the filler decision goes on, its progress through `emit`. */
  claim(emit: Emit): void {
    const turn = this.#turn;
    if (!turn) return;
    turn.claimed = true;
    turn.emit = emit;
  }

  /** The answer has audio queued: no filler is needed any more in this turn. */
  answerReady(): void {
    const turn = this.#turn;
    if (turn?.timer === undefined) return;
    this.#deps.playback.clock.clearTimeout(turn.timer);
    turn.timer = undefined;
    if (!turn.item) this.spared++;
  }

  /** The answer ended (played, failed or stopped): the turn's filler is over. */
  end(): void {
    if (this.#turn) this.#stop(this.#turn, false);
  }

  #pick(language: string): string {
    let picker = this.#pickers.get(language);
    if (!picker) {
      picker = new FillerPicker(language, this.#deps.random);
      this.#pickers.set(language, picker);
    }
    return picker.next();
  }

  #play(turn: Turn): void {
    const { playback, tts, logger } = this.#deps;
    const { input } = turn;
    const text = this.#pick(input.language);
    let begin: () => void = () => {};
    turn.begun = new Promise((resolve) => (begin = resolve));
    const item = playback.openAhead('filler', {
      label: 'filler',
      onStart: () => {
        begin();
        this.played++;
        turn.emit({ type: 'filler.started' });
      },
      onEnd: (reason) => {
        begin();
        if (reason !== 'cancelled') turn.emit({ type: 'filler.done' });
      },
    });
    turn.item = item;
    void (async () => {
      try {
        await synthesizeInto(tts, item, text, {
          language: input.language,
          format: input.format,
          signal: turn.controller.signal,
          urgent: true,
        });
      } catch (err) {
        item.cancel();
        if (turn.controller.signal.aborted || isAbortError(err)) return;
        const error = err instanceof Error ? err.message : String(err);
        logger?.warn({ callId: input.callId, err: error }, 'filler failed');
        turn.emit({ type: 'filler.failed', error });
      }
    })();
  }

  #stop(turn: Turn, grace: boolean): void {
    const { playback } = this.#deps;
    if (this.#turn === turn) this.#turn = undefined;
    turn.emit = silent;
    if (turn.timer !== undefined) playback.clock.clearTimeout(turn.timer);
    turn.timer = undefined;
    const item = turn.item;
    if (!item || item.state === 'ended') return;
    if (item.state === 'playing') {
      // Never cut mid-word: its synthesis keeps feeding it and the queue plays it out.
      item.cancel({ finishCurrent: true });
      return;
    }
    if (grace && playback.current === undefined && playback.pending[0] === item) {
      // Next in line before its first frame: it still plays if it starts within the grace.
      const timer = setTimeout(() => {
        if (item.state === 'queued') {
          turn.controller.abort();
          item.cancel();
        }
      }, FILLER_GRACE_MS);
      void turn.begun.then(() => clearTimeout(timer));
      return;
    }
    turn.controller.abort();
    item.cancel();
  }
}
