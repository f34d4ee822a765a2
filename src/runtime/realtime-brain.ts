/**
 * The speech-to-speech brain of one call: its Realtime session, opened once (lazily, by the first
 * actor that needs it: the greeting), fed with the caller's audio, asked for responses whose audio
 * plays as one playback item each, interrupted at the audio the caller heard, and given up for
 * cascade mode when it cannot be opened or fails mid-call. Voxstate's own endpointing ends the
 * caller's turns (the session's turn detection is `local`), so the call machine keeps its states
 * and its barge-in handling in both modes.
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
import type { RetrieveFn } from '../providers/realtime/tools.js';
import type { Logger } from '../telemetry/logger.js';
import { realtimeToolsOf } from './realtime-tools.js';

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
  registry?: import('prom-client').Registry;
  logger?: Logger;
}

/** What one response played: its text and how its playback ended. */
export interface ResponseResult {
  text: string;
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
  readonly #onAudio = (frame: Buffer) => this.#rt?.appendAudio(frame);

  constructor(options: RealtimeBrainOptions) {
    super();
    this.#options = options;
    this.#session = options.session;
  }

  /** The open session, or undefined once the call has fallen back to cascade (or before open). */
  get live(): RealtimeSession | undefined {
    return !this.#fellBack && this.#rt?.state === 'open' ? this.#rt : undefined;
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
      const rt = await openRealtimeForCall(
        { ...config, turnDetection: 'local' },
        {
          compactPrompt: session.prompts.compact,
          ...(this.#options.retrieve ? { retrieve: this.#options.retrieve } : {}),
          ...(this.#options.tools ? { tools: this.#tools(this.#options.tools) } : {}),
          ledger: session.ledger,
          signal: session.signal,
          ...(this.#options.wsOptions ? { wsOptions: this.#options.wsOptions } : {}),
          ...(this.#options.registry ? { registry: this.#options.registry } : {}),
          ...(logger ? { logger: logger.child({ callId: session.id }) } : {}),
        },
      );
      if (session.closed) {
        await rt.close();
        return undefined;
      }
      this.#rt = rt;
      rt.on('failed', (err) => this.fallBack('call', err));
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
      turnSignal: () => this.#turn.signal,
      onAction: (action) => {
        const handle = this.#active;
        if (!handle) return;
        handle.action = action;
        handle.item.end();
      },
      onOutcome: (name, outcome, ms) =>
        this.#session.log.add('tool', { name, status: outcome.status, ms: Math.round(ms) }),
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
   */
  respond(
    rt: RealtimeSession,
    options: { kind: PlaybackKind; label: string; interruptible?: boolean; commit?: boolean },
  ): ResponseHandle {
    this.#turn = new AbortController();
    let onEnd: (reason: PlaybackEndReason) => void = () => {};
    const ended = new Promise<PlaybackEndReason>((resolve) => (onEnd = resolve));
    const timeline = this.#session.timeline;
    const item = this.#session.playback.open(options.kind, {
      label: options.label,
      interruptible: options.interruptible ?? true,
      onEnd,
      ...(options.commit ? { onStart: () => timeline.mark('first_answer_audio') } : {}),
    });
    const texts: string[] = [];
    let resolveCaller: (text: string | undefined) => void = () => {};
    const callerText = new Promise<string | undefined>((resolve) => (resolveCaller = resolve));
    const onCaller = ({ text }: { text: string }) => resolveCaller(text);
    const onAudio = (frame: Buffer) => {
      if (item.state !== 'ended') item.append(frame);
    };
    const onText = ({ text, final }: { text: string; final: boolean }) => {
      if (final && text.trim()) texts.push(text.trim());
    };
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
    rt.on('response.done', onDone);
    rt.on('failed', onFailed);
    if (options.commit) rt.once('caller.transcript', onCaller);
    const started = options.commit ? rt.commit() : rt.respond();
    started.catch((err: unknown) => onFailed(err instanceof Error ? err : new Error(String(err))));
    const done = Promise.race([ended, failed])
      .then((reason) => ({
        text: texts.join(' '),
        ended: reason,
        heardMs: item.framesPlayed * FRAME_MS,
      }))
      .finally(() => {
        rt.off('bot.audio', onAudio);
        rt.off('bot.transcript', onText);
        rt.off('response.done', onDone);
        rt.off('failed', onFailed);
        rt.off('caller.transcript', onCaller);
        resolveCaller(undefined);
      });
    const handle: ResponseHandle = { item, done, callerText };
    this.#current = handle;
    this.#active = handle;
    return handle;
  }

  /**
   * Barge-in: stops the response's audio and tells the session how much of it the caller heard
   * (cancel + truncate). Never throws.
   */
  async interrupt(handle: ResponseHandle): Promise<void> {
    const heardMs = handle.item.framesPlayed * FRAME_MS;
    handle.item.cancel();
    if (handle === this.#active) this.#turn.abort(new AbortedError('realtime turn'));
    const rt = this.live;
    if (!rt) return;
    try {
      await rt.interrupt(heardMs);
    } catch (err) {
      this.#options.logger?.warn(
        { callId: this.#session.id, heardMs, err: (err as Error).message },
        'realtime interrupt failed',
      );
    }
  }
}
