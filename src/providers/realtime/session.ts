/**
 * One call's speech-to-speech session over the OpenAI Realtime API, through the `openai` SDK's
 * WebSocket client. It opens with the compact instructions so that the greeting comes at once
 * ({@link RealtimeSession.respond} lets the bot speak first), and {@link RealtimeSession.upgrade}
 * sends the full instructions with `session.update` once the greeting is spoken, as the seed's
 * compact-to-full design does. Caller frames go in resampled to 24 kHz, the model's speech comes
 * out as 16 kHz frames for the playback queue, turns end by the session's VAD or by
 * {@link RealtimeSession.commit}, a barge-in cancels the response and truncates the item at the
 * audio the caller heard, tool calls are run and answered, and each response's usage goes to the
 * cost ledger. Every wait is bounded; a dead session emits `failed` with a typed error so that
 * the call can carry on in cascade mode.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type OpenAI from 'openai';
import type { OpenAIRealtimeError } from 'openai/realtime/internal-base';
import type { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type {
  ConversationItemTruncatedEvent,
  RealtimeClientEvent,
  RealtimeConversationItemFunctionCall,
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
  ResponseCreatedEvent,
  SessionUpdatedEvent,
} from 'openai/resources/realtime/realtime';
import type { Registry } from 'prom-client';
import type { ClientOptions } from 'ws';
import type { CostLedger } from '../../cost/ledger.js';
import { AbortedError, isAbortError, ProviderError, RealtimeSessionError } from '../../errors.js';
import type { Logger } from '../../telemetry/logger.js';
import { RealtimeAudioIn, RealtimeAudioOut } from './audio.js';
import type { RealtimeTurnDetection } from './config.js';
import { connectRealtime } from './connect.js';
import type { RealtimeSessionEvents } from './events.js';
import { countFailure, countSession, countToolCall } from './metrics.js';
import { sessionConfig } from './session-config.js';
import { type RealtimeTool, runToolCall } from './tools.js';
import { realtimeUsage } from './usage.js';
import { SERVER_ERROR, waitForEvent } from './wait.js';

/** Options of {@link RealtimeSession.open}. */
export interface RealtimeSessionOptions {
  model: string;
  voice: string;
  /** The compact instructions the session starts with. */
  instructions: string;
  turnDetection: RealtimeTurnDetection;
  /** Model that transcribes the caller; undefined: no caller transcript. */
  transcribeModel?: string | undefined;
  /** Tools the model may call (`searchKnowledgeTool(...)`, actions). */
  tools?: readonly RealtimeTool[];
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  /** A ready client; `apiKey` and `baseUrl` are then ignored. */
  client?: OpenAI;
  /** WebSocket options, such as `ca` for a private certificate authority. */
  wsOptions?: ClientOptions;
  /** Deadline to connect and configure, ms (default 3000). */
  connectTimeoutMs?: number;
  /** Deadline for the session to acknowledge a request, ms (default 5000). */
  responseTimeoutMs?: number;
  /** Deadline of one tool call, ms (default 3000). */
  toolTimeoutMs?: number;
  /** Where each response's usage is recorded. */
  ledger?: CostLedger;
  /** Where the session's metrics are counted (docs/operations/README.md). */
  registry?: Registry;
  logger?: Logger;
  /** Aborts opening, and closes the session later (hang-up). */
  signal?: AbortSignal;
}

/** Where a barge-in cut the model's speech. */
export interface Interruption {
  itemId: string;
  /** The audio the caller heard, ms: the item is truncated there. */
  audioEndMs: number;
}

/** The state of a session. */
export type RealtimeSessionState = 'open' | 'failed' | 'closed';

/** A Realtime session for one call. */
export class RealtimeSession extends EventEmitter<RealtimeSessionEvents> {
  readonly model: string;
  readonly #rt: OpenAIRealtimeWS;
  readonly #options: RealtimeSessionOptions;
  readonly #tools: readonly RealtimeTool[];
  readonly #bus = new EventEmitter();
  readonly #controller = new AbortController();
  readonly #in = new RealtimeAudioIn();
  readonly #dropped = new Set<string>();
  readonly #responseTimeoutMs: number;
  #state: RealtimeSessionState = 'open';
  #instructions: 'compact' | 'full' = 'compact';
  #activeResponse: string | undefined;
  #out: RealtimeAudioOut | undefined;
  #lastOut: RealtimeAudioOut | undefined;
  #failure: RealtimeSessionError | undefined;
  #sent = 0;

  private constructor(rt: OpenAIRealtimeWS, options: RealtimeSessionOptions) {
    super();
    this.#bus.setMaxListeners(0);
    this.model = options.model;
    this.#rt = rt;
    this.#options = options;
    this.#tools = options.tools ?? [];
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 5000;
    rt.on('event', (event) => this.#onEvent(event));
    rt.on('error', (err) => this.#onError(err));
    rt.socket.on('close', (code) => this.#onClose(code));
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  /**
   * Connects, configures the session with the compact instructions, tools and audio formats, and
   * returns it once the server has applied them.
   *
   * @throws RealtimeSessionError when the session cannot be opened in time; AbortedError on abort.
   * @example
   * ```ts
   * const session = await RealtimeSession.open({ model: 'gpt-realtime', voice: 'marin', apiKey,
   *   instructions: compactPrompt, turnDetection: 'server_vad', tools: [searchKnowledgeTool(retrieve)],
   *   ledger, signal });
   * session.on('bot.audio', (frame) => answer.append(frame));
   * await session.respond(); // outbound: the bot speaks first
   * ```
   */
  static async open(options: RealtimeSessionOptions): Promise<RealtimeSession> {
    try {
      const session = await RealtimeSession.#start(options);
      countSession(options.registry, 'opened');
      return session;
    } catch (err) {
      countSession(options.registry, isAbortError(err) ? 'aborted' : 'failed');
      if (err instanceof RealtimeSessionError) countFailure(options.registry, err.failure, 'open');
      throw err;
    }
  }

  static async #start(options: RealtimeSessionOptions): Promise<RealtimeSession> {
    const timeoutMs = options.connectTimeoutMs ?? 3000;
    const startedAt = performance.now();
    const { rt } = await connectRealtime({
      model: options.model,
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      ...(options.client ? { client: options.client } : {}),
      ...(options.wsOptions ? { wsOptions: options.wsOptions } : {}),
      timeoutMs,
      signal: options.signal,
    });
    const session = new RealtimeSession(rt, options);
    const left = Math.max(1, timeoutMs - (performance.now() - startedAt));
    try {
      await session.#update(
        sessionConfig({
          instructions: options.instructions,
          voice: options.voice,
          turnDetection: options.turnDetection,
          transcribeModel: options.transcribeModel,
          tools: session.#tools,
        }),
        left,
      );
    } catch (err) {
      const error =
        err instanceof RealtimeSessionError || isAbortError(err)
          ? err
          : err instanceof ProviderError
            ? new RealtimeSessionError(
                'server',
                `the session configuration was refused: ${err.message}`,
                {
                  retryable: false,
                  cause: err,
                },
              )
            : new RealtimeSessionError(
                'timeout',
                `the session was not configured within ${timeoutMs} ms`,
                {
                  cause: err,
                },
              );
      session.#shutdown();
      throw error;
    }
    return session;
  }

  /** `open` until it fails or is closed. */
  get state(): RealtimeSessionState {
    return this.#state;
  }

  /** Which instructions the session has: `compact` until {@link upgrade} succeeds. */
  get instructions(): 'compact' | 'full' {
    return this.#instructions;
  }

  /** True while a response is in progress. */
  get responding(): boolean {
    return this.#activeResponse !== undefined;
  }

  /** Sends one chunk of caller audio (16 kHz `slin16`, usually a 20 ms frame). */
  appendAudio(frame: Uint8Array): void {
    if (this.#state !== 'open') return;
    const audio = this.#in.push(frame);
    if (audio) this.#send({ type: 'input_audio_buffer.append', audio });
  }

  /**
   * Asks for a response now (the greeting, or an answer after {@link commit}); resolves with its
   * id once the server has started it.
   *
   * @throws ProviderError (retryable) when a response is already in progress; RealtimeSessionError
   * when the server does not start one in time (the session has then failed).
   */
  async respond(instructions?: string): Promise<string> {
    this.#assertOpen();
    if (this.#activeResponse) {
      throw new ProviderError('realtime', 'a response is already in progress', { retryable: true });
    }
    const causedBy = this.#send({
      type: 'response.create',
      ...(instructions ? { response: { instructions } } : {}),
    });
    try {
      const created = await this.#wait<ResponseCreatedEvent>('response.created', { causedBy });
      return created.response.id ?? '';
    } catch (err) {
      if (err instanceof ProviderError || isAbortError(err)) throw err;
      throw this.#fail(
        new RealtimeSessionError('timeout', `no response within ${this.#responseTimeoutMs} ms`, {
          cause: err,
        }),
      );
    }
  }

  /** Ends the caller's turn when voxstate detects turns itself (`local`): commit, then respond. */
  async commit(): Promise<string> {
    this.#assertOpen();
    this.#send({ type: 'input_audio_buffer.commit' });
    return this.respond();
  }

  /**
   * Replaces the compact instructions with the full ones (`session.update`), after the greeting.
   * A failure leaves the compact instructions in place and the session usable.
   *
   * @throws TimeoutError or RealtimeSessionError when the server does not apply them.
   */
  async upgrade(fullInstructions: string): Promise<void> {
    this.#assertOpen();
    await this.#update(
      { type: 'realtime', instructions: fullInstructions },
      this.#responseTimeoutMs,
    );
    this.#instructions = 'full';
  }

  /**
   * Barge-in: cancels the response in progress and truncates the model's latest audio item at
   * `heardMs`, the audio the caller actually heard of it, so that the model knows what was said.
   * Audio of that item still arriving is dropped. Undefined when no audio had come.
   *
   * @throws TimeoutError when the server does not confirm the truncation in time.
   */
  async interrupt(heardMs: number): Promise<Interruption | undefined> {
    this.#assertOpen();
    if (this.#activeResponse) this.#send({ type: 'response.cancel' });
    const out = this.#out ?? this.#lastOut;
    this.#out = undefined;
    this.#lastOut = undefined;
    if (!out) return undefined;
    this.#dropped.add(out.itemId);
    const audioEndMs = Math.max(0, Math.min(Math.floor(heardMs), Math.floor(out.receivedMs)));
    const causedBy = this.#send({
      type: 'conversation.item.truncate',
      item_id: out.itemId,
      content_index: 0,
      audio_end_ms: audioEndMs,
    });
    await this.#wait<ConversationItemTruncatedEvent>('conversation.item.truncated', {
      match: (e) => e.item_id === out.itemId,
      causedBy,
    });
    return { itemId: out.itemId, audioEndMs };
  }

  /** Closes the session (hang-up, fall-back); waits up to 1 s for the socket to close. */
  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    this.#controller.abort(new AbortedError('realtime session'));
    const closed = new Promise<void>((resolve) => {
      if (this.#rt.socket.readyState === this.#rt.socket.CLOSED) resolve();
      else this.#rt.socket.once('close', () => resolve());
    });
    this.#rt.close({ code: 1000, reason: 'call ended' });
    const timer = setTimeout(() => this.#rt.socket.terminate(), 1000);
    await closed;
    clearTimeout(timer);
    this.emit('closed');
  }

  async #update(session: RealtimeSessionCreateRequest, timeoutMs: number): Promise<void> {
    const causedBy = this.#send({ type: 'session.update', session });
    await this.#wait<SessionUpdatedEvent>('session.updated', {
      timeoutMs,
      causedBy,
      match: (e) =>
        session.instructions === undefined ||
        (e.session as { instructions?: string }).instructions === session.instructions,
    });
  }

  #wait<E>(
    type: string,
    extra: { timeoutMs?: number; match?: (e: E) => boolean; causedBy?: string },
  ): Promise<E> {
    return waitForEvent<E>(this.#bus, type, {
      what: `realtime ${type}`,
      timeoutMs: extra.timeoutMs ?? this.#responseTimeoutMs,
      signal: this.#controller.signal,
      ...(extra.match ? { match: extra.match } : {}),
      ...(extra.causedBy ? { causedBy: extra.causedBy } : {}),
      onServerError: (e) =>
        new ProviderError('realtime', `refused (${e.code ?? 'error'}): ${e.message}`, {
          retryable: false,
        }),
    });
  }

  /** Sends a client event with a fresh `event_id`, which server errors it causes refer to. */
  #send(event: RealtimeClientEvent): string {
    const eventId = `vx_${++this.#sent}`;
    this.#rt.send({ ...event, event_id: eventId });
    return eventId;
  }

  #assertOpen(): void {
    if (this.#state === 'open') return;
    throw this.#failure ?? new AbortedError('realtime session');
  }

  #onEvent(event: RealtimeServerEvent): void {
    if (event.type !== 'error') this.#bus.emit(event.type, event);
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.emit('caller.speech.started', {
          audioStartMs: event.audio_start_ms,
          botSpeaking: this.#activeResponse !== undefined || this.#out !== undefined,
        });
        break;
      case 'input_audio_buffer.speech_stopped':
        this.emit('caller.speech.stopped', { audioEndMs: event.audio_end_ms });
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.#options.logger?.debug({ transcript: event.transcript }, 'realtime caller turn');
        this.emit('caller.transcript', { itemId: event.item_id, text: event.transcript });
        break;
      case 'response.created':
        this.#activeResponse = event.response.id;
        this.emit('response.started', { responseId: event.response.id ?? '' });
        break;
      case 'response.output_audio.delta':
        this.#onAudio(event.item_id, event.delta);
        break;
      case 'response.output_audio.done':
        this.#onAudioDone(event.item_id);
        break;
      case 'response.output_audio_transcript.delta':
        if (this.#dropped.has(event.item_id)) break;
        this.emit('bot.transcript', { itemId: event.item_id, text: event.delta, final: false });
        break;
      case 'response.output_audio_transcript.done':
        this.#options.logger?.debug({ transcript: event.transcript }, 'realtime bot turn');
        this.emit('bot.transcript', { itemId: event.item_id, text: event.transcript, final: true });
        break;
      case 'response.done':
        this.#onResponseDone(event.response);
        break;
      case 'rate_limits.updated':
        this.emit('rate.limits', event.rate_limits);
        break;
      default:
        break;
    }
  }

  #onAudio(itemId: string, delta: string): void {
    if (this.#dropped.has(itemId)) return;
    if (this.#out?.itemId !== itemId) this.#out = new RealtimeAudioOut(itemId);
    for (const frame of this.#out.push(delta)) this.emit('bot.audio', frame, itemId);
  }

  #onAudioDone(itemId: string): void {
    const out = this.#out;
    if (!out || out.itemId !== itemId || this.#dropped.has(itemId)) return;
    for (const frame of out.flush()) this.emit('bot.audio', frame, itemId);
    this.#out = undefined;
    this.#lastOut = out;
    this.emit('bot.audio.done', { itemId, audioMs: out.receivedMs });
  }

  #onResponseDone(
    response: Extract<RealtimeServerEvent, { type: 'response.done' }>['response'],
  ): void {
    this.#activeResponse = undefined;
    const responseId = response.id ?? '';
    if (response.usage) {
      const usage = realtimeUsage(this.model, response.usage);
      const cost = this.#options.ledger?.record('realtime', usage) ?? 0;
      this.emit('usage', usage, cost);
    }
    const calls = (response.output ?? []).filter(
      (item): item is RealtimeConversationItemFunctionCall => item.type === 'function_call',
    );
    const run = response.status === 'completed' ? calls : [];
    this.emit('response.done', {
      responseId,
      status: response.status ?? 'completed',
      toolCalls: run.length,
    });
    if (run.length > 0) void this.#answerTools(run);
  }

  async #answerTools(calls: RealtimeConversationItemFunctionCall[]): Promise<void> {
    const timeoutMs = this.#options.toolTimeoutMs ?? 3000;
    try {
      await Promise.all(
        calls.map(async (call) => {
          const callId = call.call_id ?? '';
          const result = await runToolCall(
            this.#tools,
            call.name,
            call.arguments,
            timeoutMs,
            this.#controller.signal,
          );
          this.#options.logger?.debug(
            { tool: call.name, ok: result.ok, durationMs: Math.round(result.durationMs) },
            'realtime tool call',
          );
          countToolCall(this.#options.registry, call.name, result.ok);
          this.emit('tool.done', {
            name: call.name,
            callId,
            ok: result.ok,
            durationMs: result.durationMs,
          });
          this.#send({
            type: 'conversation.item.create',
            item: { type: 'function_call_output', call_id: callId, output: result.output },
          });
        }),
      );
      if (this.#state === 'open' && !this.#activeResponse) await this.respond();
    } catch (err) {
      if (isAbortError(err) || this.#state !== 'open') return;
      this.#options.logger?.warn({ err: (err as Error).message }, 'realtime tool answer not sent');
    }
  }

  #onError(err: OpenAIRealtimeError): void {
    if (err.error) {
      if (err.error.type === 'invalid_request_error') {
        this.#bus.emit(SERVER_ERROR, err.error);
        this.#options.logger?.warn(
          { code: err.error.code, err: err.error.message },
          'realtime request refused',
        );
        return;
      }
      this.#fail(new RealtimeSessionError('server', err.error.message, { cause: err }));
      return;
    }
    this.#fail(new RealtimeSessionError('closed', `socket error: ${err.message}`, { cause: err }));
  }

  #onClose(code: number): void {
    if (this.#state !== 'open') return;
    this.#fail(new RealtimeSessionError('closed', `the socket closed mid-session (code ${code})`));
  }

  #fail(error: RealtimeSessionError): RealtimeSessionError {
    if (this.#state !== 'open') return this.#failure ?? error;
    this.#state = 'failed';
    this.#failure = error;
    countFailure(this.#options.registry, error.failure, 'call');
    this.#controller.abort(error);
    this.#shutdown();
    this.#options.logger?.warn(
      { failure: error.failure, retryable: error.retryable, err: error.message },
      'realtime session failed',
    );
    this.emit('failed', error);
    return error;
  }

  #shutdown(): void {
    if (this.#state === 'open') {
      this.#state = 'closed';
      this.#controller.abort(new AbortedError('realtime session'));
    }
    this.#rt.socket.terminate();
  }
}
