/**
 * The per-call resources that cannot live in the call machine's context: the media
 * connection, the playback queue, utterance audio waiting for transcription, the system prompts,
 * the timeline, the cost ledger, the call's event log and its turn log. The runtime provides the
 * call's actors with its session (`createCallActors(session, shared)`), so each actor closes over
 * the parts of its own call and never looks a call up.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import { CallEventLog } from '../calllog/call-log.js';
import { CostLedger } from '../cost/ledger.js';
import type { PriceTable } from '../cost/prices.js';
import type { MediaConnection } from '../media/media-connection.js';
import { PlaybackQueue } from '../media/playback-queue.js';
import type { CallPrompts } from '../prompts/call-prompts.js';
import type { SttStream } from '../providers/stt/stt-engine.js';
import type { Logger } from '../telemetry/logger.js';
import { CallTimeline } from './timeline.js';
import type { TransferLine } from './transfer-line.js';
import { TurnLog } from './turn-log.js';

/** The telephony side of a call, as the runtime needs it (a `PhoneCall` satisfies it). */
export interface CallEndpoint
  extends EventEmitter<{ dtmf: [digit: string]; hangup: [reason: string] }> {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly language: string;
  /** Personal data. */
  readonly callerNumber: string;
  readonly media: MediaConnection;
  readonly ended: boolean;
  /**
   * `performance.now()` when the call was answered (the caller's StasisStart), before its
   * set-up; the greeting latency counts from here. Absent: from when the runtime got the call.
   */
  readonly answeredAt?: number;
  /** Transfer to a person (blind and attended); absent on a line that cannot transfer. */
  readonly transfer?: TransferLine;
  /**
   * Sends DTMF digits to the far end (`0-9*#A-D`, `w` a half-second pause); absent on a line
   * that cannot. The `send_dtmf` tool is offered on outbound calls whose line has it.
   */
  sendDtmf?(digits: string, signal?: AbortSignal): Promise<void>;
  hangup(): Promise<void>;
}

/** Audio of one utterance, held until it is transcribed. */
export interface Utterance {
  audio: Float32Array;
  /** Position on the call's audio clock, ms. */
  startMs: number;
  endMs: number;
  /**
   * Where its frames sit in the audio received so far (ms of audio, not of time: a late frame
   * adds no gap here). The simulator's script text is looked up by this range.
   */
  received?: { startMs: number; endMs: number };
  /**
   * The stream the utterance's audio went to while the caller spoke (a streaming STT engine);
   * the transcribe actor finishes it instead of sending the audio again.
   */
  live?: SttStream;
  /**
   * The live stream was flushed at the pause that ended the utterance and heard only silence
   * after: the flush's result is the final (see `SttFinishOptions.afterFlush`).
   */
  liveAfterFlush?: boolean;
}

/** Options for {@link CallSession}. */
export interface CallSessionOptions {
  endpoint: CallEndpoint;
  /** The call's system prompts (the compact one already built). */
  prompts: CallPrompts;
  /** The business name the greeting speaks. */
  businessName?: string;
  prices: PriceTable;
  flags: Record<string, string>;
  registry?: Registry;
  logger?: Logger;
  /** Builds the call's playback queue around a frame sink (the runtime's speech config). */
  createPlayback?: (sink: (frame: Buffer) => void) => PlaybackQueue;
  echoCooldownMs?: number;
  /** Keep each turn's transcript and answer in the call event log (default false). */
  logTranscripts?: boolean;
  /**
   * Personal data may be logged (default false): the turn log lines carry the words, and the call
   * event log keeps phone numbers.
   */
  logPii?: boolean;
  /**
   * Simulator only: the text the scripted caller spoke in a range of the audio received (ms of
   * audio received, see `Utterance.received`), for `--stt=script`.
   */
  scriptText?: (startMs: number, endMs: number) => string | undefined;
}

const MAX_UTTERANCES = 4;

/**
 * One call's resources.
 *
 * @example
 * ```ts
 * const session = new CallSession({ endpoint: phoneCall, prompts, prices, flags, registry });
 * const machine = callMachine.provide({ actors: createCallActors(session, shared) });
 * session.close();
 * ```
 */
export class CallSession {
  readonly id: string;
  readonly endpoint: CallEndpoint;
  readonly playback: PlaybackQueue;
  readonly prompts: CallPrompts;
  readonly businessName: string | undefined;
  readonly timeline: CallTimeline;
  readonly ledger: CostLedger;
  readonly log: CallEventLog;
  /** Each turn's words, outcome and latencies, into {@link log} and the logs. */
  readonly turns: TurnLog;
  readonly flags: Record<string, string>;
  readonly startedAt = Date.now();
  readonly scriptText: CallSessionOptions['scriptText'];
  /**
   * Where the call's recording is, relative to the data folder, while it is kept (set by the
   * runtime's recordings when recording starts, cleared on an opt-out).
   */
  recordingPath: string | undefined;
  readonly #utterances = new Map<string, Utterance>();
  readonly #closing = new AbortController();
  #nextUtterance = 0;
  #closed = false;

  constructor(options: CallSessionOptions) {
    this.endpoint = options.endpoint;
    this.id = options.endpoint.id;
    this.prompts = options.prompts;
    this.businessName = options.businessName;
    this.flags = options.flags;
    this.scriptText = options.scriptText;
    const media = options.endpoint.media;
    this.timeline = new CallTimeline({ registry: options.registry });
    const sink = (frame: Buffer) => {
      if (!media.closed) media.send(frame);
    };
    this.playback =
      options.createPlayback?.(sink) ??
      new PlaybackQueue({
        format: 'slin16',
        sink,
        echoCooldownMs: options.echoCooldownMs,
        logger: options.logger,
      });
    this.playback.on('item.started', (item) => {
      if (item.label === 'greeting') this.timeline.greetingAudio();
    });
    this.ledger = new CostLedger({ prices: options.prices, logger: options.logger });
    this.log = new CallEventLog({
      registry: options.registry,
      includeTranscripts: options.logTranscripts ?? false,
      includePhoneNumbers: options.logPii ?? false,
    });
    this.turns = new TurnLog({
      callId: this.id,
      timeline: this.timeline,
      log: this.log,
      ...(options.logger ? { logger: options.logger } : {}),
      logText: options.logPii ?? false,
    });
  }

  /** True once {@link close} ran. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Aborted when the session closes (the call ended): for resources that live as long as the call. */
  get signal(): AbortSignal {
    return this.#closing.signal;
  }

  /** Stores an utterance's audio and returns its id; old ones are dropped past a bound. */
  putUtterance(utterance: Utterance): string {
    const id = `${this.id}:u${++this.#nextUtterance}`;
    this.#utterances.set(id, utterance);
    if (this.#utterances.size > MAX_UTTERANCES) {
      const oldest = this.#utterances.keys().next().value;
      if (oldest !== undefined) {
        this.#utterances.get(oldest)?.live?.close();
        this.#utterances.delete(oldest);
      }
    }
    return id;
  }

  /** Takes (and forgets) an utterance's audio. */
  takeUtterance(id: string): Utterance | undefined {
    const u = this.#utterances.get(id);
    this.#utterances.delete(id);
    return u;
  }

  /** Stops playback and drops held audio. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    this.playback.close();
    for (const u of this.#utterances.values()) u.live?.close();
    this.#utterances.clear();
  }
}
