/**
 * The speech-to-speech brain of one call: its Realtime session, opened once (lazily, by the first
 * actor that needs it: the greeting), fed with the caller's audio, asked for responses whose audio
 * plays as one playback item each, interrupted at the audio the caller heard, and given up for
 * cascade mode when it cannot be opened or fails mid-call. Who ends the caller's turns is
 * `VOXSTATE_REALTIME_TURN_DETECTION`: voxstate's own endpointer (`local`, the default: the session
 * only commits when told) or the session's voice detection (`server_vad`, `semantic_vad`: its
 * speech events become the machine's events, see realtime-turns.ts). Either way the session never
 * answers or cancels by itself: the call machine asks for each response and decides barge-in, so
 * it keeps its states (a goodbye is never talked over, a reprompt is not answered twice).
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type { ClientOptions } from 'ws';
import type { ToolAction, ToolRunner } from '../answer/tool-runner.js';
import type { CallSession } from '../calls/session.js';
import { AbortedError, errorKind, isAbortError } from '../errors.js';
import type { PlaybackEndReason, PlaybackItem, PlaybackKind } from '../media/playback-queue.js';
import type { RealtimeConfig } from '../providers/realtime/config.js';
import { openRealtimeForCall } from '../providers/realtime/open-for-call.js';
import type { RealtimeSession } from '../providers/realtime/session.js';
import { type RetrieveFn, searchKnowledgeTool } from '../providers/realtime/tools.js';
import type { Logger } from '../telemetry/logger.js';
import { RealtimeInput } from './realtime-input.js';
import { type ResponseProgress, ResponseTrack } from './realtime-response.js';
import { finalOnBargeIn, realtimeToolsOf } from './realtime-tools.js';
import { CallerTranscripts } from './realtime-transcripts.js';

/** Duration of one playback frame, ms. */
const FRAME_MS = 20;

/** Dependencies of {@link RealtimeBrain}. */
export interface RealtimeBrainOptions {
  session: CallSession;
  config: RealtimeConfig;
  /** The knowledge base, as the model's `search_knowledge` tool. */
  retrieve?: RetrieveFn;
  /** The business's tools (webhooks, built-ins), run by the same runner as in cascade mode. */
  tools?: ToolRunner;
  /** WebSocket options (a private certificate authority). */
  wsOptions?: ClientOptions;
  /** Speaks a filler phrase into `item` (a slow business tool while the model is silent). */
  speakFiller?: (item: PlaybackItem, signal: AbortSignal) => Promise<void>;
  /** Echo level of the line for the session-VAD echo gate (the endpointer's `bargeInEchoLossDb`). */
  echoLossDb?: number;
  registry?: import('prom-client').Registry;
  logger?: Logger;
}

/** What one response played: its text and how its playback ended. */
export interface ResponseResult {
  /** Everything the model said (its transcripts). */
  text: string;
  /** The words the caller heard: all of `text` unless the playback was stopped. */
  heardText: string;
  ended: PlaybackEndReason;
  /** Audio of it the caller heard, ms. */
  heardMs: number;
}

/** One response in progress: its playback item and its end. */
export interface ResponseHandle {
  item: PlaybackItem;
  /** Resolves when its audio has played (or was stopped); rejects when the session fails. */
  done: Promise<ResponseResult>;
  /** The caller's transcript of the turn that asked for it, when the session sends one. */
  callerText: Promise<string | undefined>;
  /** Set when a built-in tool decided the turn (end the call, transfer it). */
  action?: ToolAction;
  /** Its tool calls and tool filler, for the timeline (past ones replayed to a new listener). */
  onProgress(listener: (event: ResponseProgress) => void): () => void;
}

/** A call's Realtime session and its fall-back to cascade. */
export class RealtimeBrain extends EventEmitter<{ fallback: [] }> {
  readonly #options: RealtimeBrainOptions;
  readonly #session: CallSession;
  #opening: Promise<RealtimeSession | undefined> | undefined;
  #rt: RealtimeSession | undefined;
  #fellBack = false;
  #current: ResponseHandle | undefined;
  #active: ResponseHandle | undefined;
  #turn = new AbortController();
  #track: ResponseTrack | undefined;
  readonly #tracks = new WeakMap<ResponseHandle, ResponseTrack>();
  #input: RealtimeInput | undefined;
  /** The session's transcripts of the caller's turns (and the item of each session turn). */
  readonly transcripts = new CallerTranscripts();
  readonly #turnSignal = () => this.#turn.signal;
  readonly #onAudio = (frame: Buffer) =>
    this.#rt?.appendAudio(this.#input ? this.#input.push(frame) : frame);

  constructor(options: RealtimeBrainOptions) {
    super();
    this.#options = options;
    this.#session = options.session;
  }

  /** The open session, or undefined once the call has fallen back to cascade (or before open). */
  get live(): RealtimeSession | undefined {
    return !this.#fellBack && this.#rt?.state === 'open' ? this.#rt : undefined;
  }

  /** True when the session's voice detection ends the caller's turns (not `local`). */
  get serverTurns(): boolean {
    return this.#options.config.turnDetection !== 'local';
  }

  /** Who ends the caller's turns (`VOXSTATE_REALTIME_TURN_DETECTION`). */
  get turnDetection(): RealtimeConfig['turnDetection'] {
    return this.#options.config.turnDetection;
  }

  /** The caller's audio as sent to the session (server turns only). */
  get input(): RealtimeInput | undefined {
    return this.#input;
  }

  /** True once the call answers in cascade mode. */
  get fellBack(): boolean {
    return this.#fellBack;
  }

  /** Opens the session once; undefined when it cannot be opened (the call falls back). */
  ready(): Promise<RealtimeSession | undefined> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<RealtimeSession | undefined> {
    const { session, config, logger } = { ...this.#options, session: this.#session };
    try {
      const rt = await openRealtimeForCall(config, {
        vadResponds: false,
        compactPrompt: session.prompts.compact,
        tools: [
          ...(this.#options.retrieve
            ? [finalOnBargeIn(searchKnowledgeTool(this.#options.retrieve), this.#turnSignal)]
            : []),
          ...(this.#options.tools ? this.#tools(this.#options.tools) : []),
        ],
        ledger: session.ledger,
        signal: session.signal,
        ...(this.#options.wsOptions ? { wsOptions: this.#options.wsOptions } : {}),
        ...(this.#options.registry ? { registry: this.#options.registry } : {}),
        ...(logger ? { logger: logger.child({ callId: session.id }) } : {}),
      });
      if (session.closed) {
        await rt.close();
        return undefined;
      }
      this.#rt = rt;
      rt.on('failed', (err) => this.fallBack('call', err));
      this.transcripts.follow(rt);
      if (this.serverTurns) {
        this.#input = new RealtimeInput({
          playback: session.playback,
          ...(this.#options.echoLossDb !== undefined
            ? { echoLossDb: this.#options.echoLossDb }
            : {}),
        });
      }
      session.endpoint.media.on('audio', this.#onAudio);
      session.signal.addEventListener('abort', () => this.#detach(), { once: true });
      session.log.add('brain', { brain: 'realtime', model: rt.model });
      return rt;
    } catch (err) {
      if (!isAbortError(err)) this.fallBack('open', err);
      return undefined;
    }
  }

  #tools(runner: ToolRunner) {
    return realtimeToolsOf(runner, {
      turnSignal: this.#turnSignal,
      onAction: (action) => {
        const handle = this.#active;
        if (!handle) return;
        handle.action = action;
        handle.item.end();
      },
      onOutcome: (name, outcome, ms) => {
        this.#track?.toolOutcome(name, outcome);
        this.#session.log.add('tool', { name, status: outcome.status, ms: Math.round(ms) });
      },
    });
  }

  /**
   * Gives the session up: the call answers in cascade mode from now on. Logged, and kept in the
   * call log as a `fallback` event; the session counts its own failure. Idempotent.
   */
  fallBack(phase: 'open' | 'call', err: unknown): void {
    if (this.#fellBack) return;
    this.#fellBack = true;
    const message = err instanceof Error ? err.message : String(err);
    this.#options.logger?.warn(
      { callId: this.#session.id, phase, kind: errorKind(err), err: message },
      'realtime brain failed; answering in cascade mode',
    );
    this.#session.log.add('fallback', { from: 'realtime', to: 'cascade', phase, error: message });
    this.#current?.item.cancel();
    this.#detach();
    this.emit('fallback');
  }

  #detach(): void {
    this.#session.endpoint.media.off('audio', this.#onAudio);
    this.#input?.close();
    const rt = this.#rt;
    if (rt && rt.state === 'open') void rt.close();
  }

  /** Takes the latest response that no actor has taken over yet (the answer of a turn). */
  take(): ResponseHandle | undefined {
    const handle = this.#current;
    this.#current = undefined;
    return handle;
  }

  /**
   * Starts a response (`commit`: end of the caller's turn; else the bot speaks first) and plays
   * its audio, and the audio of the responses that follow its tool calls, as one playback item.
   * At the end of a turn it commits the caller's audio (`local`) or, when the session's voice
   * detection ended the turn and committed it (`turnItem`), only asks for the response.
   */
  respond(
    rt: RealtimeSession,
    options: {
      kind: PlaybackKind;
      label: string;
      interruptible?: boolean;
      commit?: boolean;
      turnItem?: string | undefined;
    },
  ): ResponseHandle {
    this.#turn = new AbortController();
    let onEnd: (reason: PlaybackEndReason) => void = () => {};
    const ended = new Promise<PlaybackEndReason>((resolve) => (onEnd = resolve));
    const timeline = this.#session.timeline;
    const playback = this.#session.playback;
    const item = playback.open(options.kind, {
      label: options.label,
      interruptible: options.interruptible ?? true,
      onEnd,
      ...(options.commit ? { onStart: () => timeline.mark('first_answer_audio') } : {}),
    });
    const runner = this.#options.tools;
    const track = new ResponseTrack({
      playback,
      ...(runner ? { fillerAfterMs: (name: string) => runner.fillerAfterMs(name) } : {}),
      ...(this.#options.speakFiller ? { speakFiller: this.#options.speakFiller } : {}),
    });
    this.#track = track;
    const waited = new AbortController();
    const callerText = options.commit
      ? this.transcripts.next(rt, options.turnItem, waited.signal)
      : Promise.resolve(undefined);
    const onAudio = (frame: Buffer, itemId: string) => {
      if (item.state === 'ended') return;
      item.append(frame);
      track.audio(itemId);
    };
    const onText = (t: { itemId: string; text: string; final: boolean }) =>
      track.transcript(t.itemId, t.text, t.final);
    const onToolStart = ({ name }: { name: string }) => track.toolStarted(name);
    const onToolDone = (t: { name: string; ok: boolean; durationMs: number }) =>
      track.toolDone(t.name, t.ok, t.durationMs);
    let fail: (err: unknown) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {});
    const onDone = ({ toolCalls }: { toolCalls: number }) => {
      if (toolCalls === 0) item.end();
    };
    const onFailed = (err: Error) => {
      fail(err);
      item.cancel();
    };
    rt.on('bot.audio', onAudio);
    rt.on('bot.transcript', onText);
    rt.on('tool.started', onToolStart);
    rt.on('tool.done', onToolDone);
    rt.on('response.done', onDone);
    rt.on('failed', onFailed);
    const started = options.commit && !this.serverTurns ? rt.commit() : rt.respond();
    started.catch((err: unknown) => onFailed(err instanceof Error ? err : new Error(String(err))));
    const done = Promise.race([ended, failed])
      .then((reason) => {
        const text = track.text();
        const heardText = reason === 'played' ? text : track.heard(item.framesPlayed).text;
        return { text, heardText, ended: reason, heardMs: item.framesPlayed * FRAME_MS };
      })
      .finally(() => {
        rt.off('bot.audio', onAudio);
        rt.off('bot.transcript', onText);
        rt.off('tool.started', onToolStart);
        rt.off('tool.done', onToolDone);
        rt.off('response.done', onDone);
        rt.off('failed', onFailed);
        track.close(item.state === 'ended' && item.framesPlayed === 0);
        // No transcript came before the response ended: nobody waits for it any more.
        waited.abort();
      });
    const handle: ResponseHandle = {
      item,
      done,
      callerText,
      onProgress: (listener) => track.onProgress(listener),
    };
    this.#tracks.set(handle, track);
    this.#current = handle;
    this.#active = handle;
    return handle;
  }

  /**
   * Barge-in: stops the response's audio and tells the session how much of it the caller heard
   * (cancel, and truncate the item they were hearing at that position). Never throws.
   */
  async interrupt(handle: ResponseHandle): Promise<void> {
    const heardMs = handle.item.framesPlayed * FRAME_MS;
    const heard = this.#tracks.get(handle)?.heard(handle.item.framesPlayed);
    handle.item.cancel();
    if (handle === this.#active) this.#turn.abort(new AbortedError('realtime turn'));
    const rt = this.live;
    if (!rt) return;
    try {
      if (heard?.itemId !== undefined && heard.heardInItemMs !== undefined) {
        await rt.interrupt(heard.heardInItemMs, {
          itemId: heard.itemId,
          receivedMs: heard.itemMs ?? heard.heardInItemMs,
        });
      } else {
        await rt.interrupt(heardMs);
      }
    } catch (err) {
      this.#options.logger?.warn(
        { callId: this.#session.id, heardMs, err: (err as Error).message },
        'realtime interrupt failed',
      );
    }
  }
}
