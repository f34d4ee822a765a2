/**
 * The timeline of one call: when the call was answered, when the greeting was first heard, and
 * for each turn when the caller stopped speaking and when the filler, the transcript, the
 * retrieved passages and the first answer audio followed. It feeds the stage-latency
 * histograms and keeps the last turns for the demo's per-turn table and the soak test.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { AnyActorRef } from 'xstate';
import { catalogHistogram } from '../telemetry/catalog.js';
import { seconds } from '../telemetry/metrics.js';
import type { AnswerMark, ProgressEvent } from './events.js';

/** A stage of a turn, measured from the end of the caller's speech. */
export type TurnStage = 'filler' | 'transcript' | 'retrieval' | 'first_answer_audio';

/**
 * Finer points of a turn's answer path, ms after the end of speech, for measuring the runtime's
 * own overhead apart from provider time (not observed in metrics): `answer_start` the answerer
 * was called, `answer_first_piece` it released its first speakable piece, `tts_start` synthesis
 * of that piece began, `answer_ready` its first audio was queued for playback (it then waits
 * for the filler's phrase boundary before `first_answer_audio`).
 */
export type TurnMark = AnswerMark;

/** Stage times of one turn, ms after the end of speech. */
export interface TurnTiming {
  turn: number;
  speechEndAtMs: number;
  filler?: number;
  transcript?: number;
  retrieval?: number;
  first_answer_audio?: number;
  /** True when the caller interrupted the answer. */
  bargeIn?: boolean;
  /**
   * Silence waited before the end of speech was decided, ms: the caller's voice ended this long
   * before `speechEndAtMs`. Add it to a stage time to measure from the caller's last word.
   */
  endpointing?: number;
  /** What the bot heard (the transcript). Personal data: never logged from here. */
  callerText?: string;
  /** What the bot said, piece by piece as each piece's audio started (all of it, or up to a barge-in). */
  botText?: string;
  /** Finer points of the answer path, see {@link TurnMark}. */
  marks?: Partial<Record<TurnMark, number>>;
  /** Tool calls of the turn: start ms after the end of speech, whole time and webhook time. */
  tools?: Array<{
    name: string;
    status: string;
    atMs: number;
    ms: number;
    webhookMs: number;
    httpStatus?: number;
  }>;
}

/**
 * How a transfer to a person ended: `transferred` (the caller was handed to the dialplan, or
 * bridged with the agent and the bot left), `returned` (no answer, busy, the agent hung up or
 * a step failed: the caller came back to the bot), `unavailable` (no transfer configured),
 * `abandoned` (the call ended first).
 */
export type TransferOutcome = 'transferred' | 'returned' | 'unavailable' | 'abandoned';

/** One transfer of the call to a person, on the timeline's clock. */
export interface TransferTiming {
  kind: 'blind' | 'attended';
  requestedAtMs: number;
  outcome?: TransferOutcome;
  endedAtMs?: number;
  /** From the request to the caller handed off or bridged with the agent, ms (`transferred`). */
  requestToBridgedMs?: number;
}

const STAGE_LABEL: Record<TurnStage, string> = {
  filler: 'speech_end_to_filler',
  transcript: 'speech_end_to_transcript',
  retrieval: 'speech_end_to_retrieval',
  first_answer_audio: 'speech_end_to_first_answer_audio',
};

/**
 * What happened on a call's timeline, told to its watchers (see {@link CallTimeline.watch}) as
 * it happens; `atMs` is on the timeline's clock. `turn` is the turn's live record.
 */
export type TimelineNote =
  | { type: 'answered'; atMs: number }
  | { type: 'greeting'; atMs: number }
  | { type: 'turn'; atMs: number; turn: TurnTiming }
  | { type: 'stage'; atMs: number; turn: TurnTiming; stage: TurnStage }
  | { type: 'mark'; atMs: number; turn: TurnTiming; mark: TurnMark }
  | { type: 'heard'; atMs: number; turn: TurnTiming; text: string }
  | { type: 'said'; atMs: number; turn: TurnTiming; text: string }
  | { type: 'barge-in'; atMs: number; turn: TurnTiming }
  | { type: 'progress'; atMs: number; event: ProgressEvent }
  | { type: 'transfer'; atMs: number; transfer: TransferTiming }
  | { type: 'ended'; atMs: number; reason: string };

/** Reads a call's {@link TimelineNote}s. */
export type TimelineWatcher = (note: TimelineNote) => void;

/** Options for {@link CallTimeline}. */
export interface CallTimelineOptions {
  registry?: Registry;
  /** Clock, ms (default `performance.now`). */
  now?: () => number;
  /** Turns kept (default 50). */
  maxTurns?: number;
}

/**
 * Marks the stages of a call as they happen.
 *
 * @example
 * ```ts
 * const timeline = new CallTimeline({ registry });
 * timeline.answered();
 * timeline.greetingAudio(); // observes voxstate_greeting_latency_seconds once
 * timeline.speechEnded();
 * timeline.mark('filler');  // observes voxstate_stage_latency_seconds{stage="speech_end_to_filler"}
 * ```
 */
export class CallTimeline {
  readonly #now: () => number;
  readonly #maxTurns: number;
  readonly #stage;
  readonly #greeting;
  readonly #turns: TurnTiming[] = [];
  #answeredAtMs: number | undefined;
  #greetingMs: number | undefined;
  #turnCount = 0;
  #transfers: TransferTiming[] = [];
  #watchers: TimelineWatcher[] = [];

  constructor(options: CallTimelineOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#maxTurns = options.maxTurns ?? 50;
    this.#stage = options.registry
      ? catalogHistogram(options.registry, 'voxstate_stage_latency_seconds')
      : undefined;
    this.#greeting = options.registry
      ? catalogHistogram(options.registry, 'voxstate_greeting_latency_seconds')
      : undefined;
  }

  /**
   * The call was answered now, or at `atMs` on this timeline's clock: for a phone call, when the
   * caller's channel entered the app, so that the greeting latency includes the call's set-up.
   */
  answered(atMs?: number): void {
    this.#answeredAtMs = atMs ?? this.#now();
    if (this.#watchers.length > 0) this.#tell({ type: 'answered', atMs: this.#answeredAtMs });
  }

  /** When the call was answered, on this timeline's clock, once it was. */
  get answeredAtMs(): number | undefined {
    return this.#answeredAtMs;
  }

  /** The clock of this timeline, ms. */
  now(): number {
    return this.#now();
  }

  /**
   * Tells `watcher` everything that happens on this timeline from now on (tracing, the console);
   * returns the function that stops it. A watcher that throws is dropped.
   */
  watch(watcher: TimelineWatcher): () => void {
    this.#watchers = [...this.#watchers, watcher];
    return () => {
      this.#watchers = this.#watchers.filter((w) => w !== watcher);
    };
  }

  /**
   * A transfer of `kind` was asked for now (the call machine entered its transfer states).
   * Watchers hear a `transfer` note without an outcome.
   */
  transferRequested(kind: TransferTiming['kind']): void {
    if (this.#openTransfer()) return;
    const transfer: TransferTiming = { kind, requestedAtMs: this.#now() };
    this.#transfers.push(transfer);
    if (this.#transfers.length > this.#maxTurns) this.#transfers.shift();
    if (this.#watchers.length > 0)
      this.#tell({ type: 'transfer', atMs: transfer.requestedAtMs, transfer });
  }

  /** The open transfer ended now with `outcome`; watchers hear the same record, ended. */
  transferEnded(outcome: TransferOutcome): void {
    const transfer = this.#openTransfer();
    if (!transfer) return;
    const atMs = this.#now();
    transfer.outcome = outcome;
    transfer.endedAtMs = atMs;
    if (outcome === 'transferred') transfer.requestToBridgedMs = atMs - transfer.requestedAtMs;
    if (this.#watchers.length > 0) this.#tell({ type: 'transfer', atMs, transfer });
  }

  #openTransfer(): TransferTiming | undefined {
    const last = this.#transfers.at(-1);
    return last && last.outcome === undefined ? last : undefined;
  }

  /** The transfers of the call, oldest first. */
  transfers(): readonly TransferTiming[] {
    return this.#transfers;
  }

  /**
   * The call ended now, for `reason`; watchers hear it last. A transfer still open ends first:
   * `transferred` when that is the reason, else `abandoned`.
   */
  ended(reason: string): void {
    this.transferEnded(reason === 'transferred' ? 'transferred' : 'abandoned');
    if (this.#watchers.length > 0) this.#tell({ type: 'ended', atMs: this.#now(), reason });
    this.#watchers = [];
  }

  #tell(note: TimelineNote): void {
    for (const watcher of this.#watchers) {
      try {
        watcher(note);
      } catch {
        this.#watchers = this.#watchers.filter((w) => w !== watcher);
      }
    }
  }

  /** The first greeting frame went out now; measured once per call. */
  greetingAudio(): void {
    if (this.#answeredAtMs === undefined || this.#greetingMs !== undefined) return;
    const atMs = this.#now();
    this.#greetingMs = atMs - this.#answeredAtMs;
    this.#greeting?.observe(seconds(this.#greetingMs));
    if (this.#watchers.length > 0) this.#tell({ type: 'greeting', atMs });
  }

  /** Answer to first greeting audio, ms, once it happened. */
  get greetingLatencyMs(): number | undefined {
    return this.#greetingMs;
  }

  /**
   * The end of the caller's speech was decided now, after `silenceMs` of silence (when known):
   * a new turn starts.
   */
  speechEnded(silenceMs?: number): void {
    const turn: TurnTiming = {
      turn: ++this.#turnCount,
      speechEndAtMs: this.#now(),
      ...(silenceMs !== undefined ? { endpointing: silenceMs } : {}),
    };
    this.#turns.push(turn);
    if (this.#turns.length > this.#maxTurns) this.#turns.shift();
    if (this.#watchers.length > 0) this.#tell({ type: 'turn', atMs: turn.speechEndAtMs, turn });
  }

  /** The current turn's transcript. */
  heard(text: string): void {
    const turn = this.#turns.at(-1);
    if (!turn) return;
    turn.callerText = text;
    if (this.#watchers.length > 0) this.#tell({ type: 'heard', atMs: this.#now(), turn, text });
  }

  /** A piece of the current turn's answer started playing. */
  said(text: string): void {
    const turn = this.#turns.at(-1);
    if (!turn) return;
    turn.botText = turn.botText ? `${turn.botText} ${text}` : text;
    if (this.#watchers.length > 0) this.#tell({ type: 'said', atMs: this.#now(), turn, text });
  }

  /** Marks `stage` of the current turn; only the first mark of a stage counts. */
  mark(stage: TurnStage): void {
    const turn = this.#turns.at(-1);
    if (!turn || turn[stage] !== undefined) return;
    const atMs = this.#now();
    const ms = atMs - turn.speechEndAtMs;
    turn[stage] = ms;
    this.#stage?.observe({ stage: STAGE_LABEL[stage] }, seconds(ms));
    if (this.#watchers.length > 0) this.#tell({ type: 'stage', atMs, turn, stage });
  }

  /** Marks a finer point of the current turn's answer path; only the first mark counts. */
  markDetail(mark: TurnMark): void {
    const turn = this.#turns.at(-1);
    if (!turn) return;
    turn.marks ??= {};
    if (turn.marks[mark] !== undefined) return;
    const atMs = this.#now();
    turn.marks[mark] = atMs - turn.speechEndAtMs;
    if (this.#watchers.length > 0) this.#tell({ type: 'mark', atMs, turn, mark });
  }

  /**
   * Records progress an actor emitted: the filler's and the answer's first audio, each piece of
   * the answer as it is heard, the finer marks of the answer path.
   */
  progress(event: ProgressEvent): void {
    if (this.#watchers.length > 0) this.#tell({ type: 'progress', atMs: this.#now(), event });
    if (event.type === 'filler.started') this.mark('filler');
    else if (event.type === 'answer.audio.started') this.mark('first_answer_audio');
    else if (event.type === 'llm.sentence') this.said(event.text);
    else if (event.type === 'answer.mark') this.markDetail(event.mark);
    else if (event.type === 'tool.finished') {
      const turn = this.#turns.at(-1);
      if (!turn) return;
      turn.tools ??= [];
      turn.tools.push({
        name: event.name,
        status: event.status,
        atMs: this.#now() - turn.speechEndAtMs - event.ms,
        ms: event.ms,
        webhookMs: event.webhookMs,
        ...(event.httpStatus !== undefined ? { httpStatus: event.httpStatus } : {}),
      });
    }
  }

  /**
   * Subscribes to what `actor` emits: the one place the call's progress is read. The runtime
   * follows each child actor of the call as it is created.
   */
  follow(actor: Pick<AnyActorRef, 'on'>): void {
    actor.on('*', (event) => this.progress(event as ProgressEvent));
  }

  /** The caller interrupted the current turn's answer. */
  bargedIn(): void {
    const turn = this.#turns.at(-1);
    if (!turn) return;
    turn.bargeIn = true;
    if (this.#watchers.length > 0) this.#tell({ type: 'barge-in', atMs: this.#now(), turn });
  }

  /** The turns kept, oldest first. */
  turns(): readonly TurnTiming[] {
    return this.#turns;
  }
}
