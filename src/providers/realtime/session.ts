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
import type { OpenAIRealtimeError } from 'openai/realtime/internal-base';
import type { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type {
  ConversationItemTruncatedEvent,
  RealtimeServerEvent,
  RealtimeSessionCreateRequest,
  ResponseCreatedEvent,
  SessionUpdatedEvent,
} from 'openai/resources/realtime/realtime';
import { AbortedError, isAbortError, ProviderError, RealtimeSessionError } from '../../errors.js';
import { RealtimeAudioIn } from './audio.js';
import { configureError, connectRealtime } from './connect.js';
import type { RealtimeSessionEvents } from './events.js';
import { countFailure, countSession } from './metrics.js';
import { OutputTrack } from './output-track.js';
import { RequestChannel } from './request-channel.js';
import { finishResponse } from './response-done.js';
import { relayServerEvent } from './server-events.js';
import { sessionConfig } from './session-config.js';
import type {
  Interruption,
  RealtimeSessionOptions,
  RealtimeSessionState,
} from './session-options.js';
import type { RealtimeTool } from './tools.js';

export type {
  Interruption,
  RealtimeSessionOptions,
  RealtimeSessionState,
} from './session-options.js';

/** A Realtime session for one call. */
export class RealtimeSession extends EventEmitter<RealtimeSessionEvents> {
  readonly model: string;
  readonly #rt: OpenAIRealtimeWS;
  readonly #options: RealtimeSessionOptions;
  readonly #tools: readonly RealtimeTool[];
  readonly #channel: RequestChannel;
  readonly #controller = new AbortController();
  readonly #in = new RealtimeAudioIn();
  readonly #output = new OutputTrack();
  readonly #responseTimeoutMs: number;
  #state: RealtimeSessionState = 'open';
  #instructions: 'compact' | 'full' = 'compact';
  #activeResponse: string | undefined;
  #failure: RealtimeSessionError | undefined;

  private constructor(rt: OpenAIRealtimeWS, options: RealtimeSessionOptions) {
    super();
    this.model = options.model;
    this.#rt = rt;
    this.#options = options;
    this.#tools = options.tools ?? [];
    this.#responseTimeoutMs = options.responseTimeoutMs ?? 5000;
    this.#channel = new RequestChannel(
      (event) => rt.send(event),
      this.#controller.signal,
      this.#responseTimeoutMs,
    );
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
          vadResponds: options.vadResponds,
          transcribeModel: options.transcribeModel,
          tools: session.#tools,
        }),
        left,
      );
    } catch (err) {
      const error = configureError(err, timeoutMs);
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
    if (audio) this.#channel.send({ type: 'input_audio_buffer.append', audio });
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
    try {
      const created = await this.#channel.request<ResponseCreatedEvent>(
        { type: 'response.create', ...(instructions ? { response: { instructions } } : {}) },
        'response.created',
      );
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
    this.#channel.send({ type: 'input_audio_buffer.commit' });
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
   * `heardMs`, the audio the caller heard of it (or `heard`: the item they were hearing, when a
   * response spoke several), so the model knows what was said. Its remaining audio is dropped.
   *
   * @throws TimeoutError when the server does not confirm the truncation in time.
   */
  async interrupt(
    heardMs: number,
    heard?: { itemId: string; receivedMs: number },
  ): Promise<Interruption | undefined> {
    this.#assertOpen();
    if (this.#activeResponse) this.#channel.send({ type: 'response.cancel' });
    const latest = this.#output.cut();
    const out = heard ?? latest;
    if (!out) return undefined;
    const audioEndMs = Math.max(0, Math.min(Math.floor(heardMs), Math.floor(out.receivedMs)));
    await this.#channel.request<ConversationItemTruncatedEvent>(
      {
        type: 'conversation.item.truncate',
        item_id: out.itemId,
        content_index: 0,
        audio_end_ms: audioEndMs,
      },
      'conversation.item.truncated',
      { match: (e) => e.item_id === out.itemId },
    );
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
    await this.#channel.request<SessionUpdatedEvent>(
      { type: 'session.update', session },
      'session.updated',
      {
        timeoutMs,
        match: (e) =>
          session.instructions === undefined ||
          (e.session as { instructions?: string }).instructions === session.instructions,
      },
    );
  }

  #assertOpen(): void {
    if (this.#state === 'open') return;
    throw this.#failure ?? new AbortedError('realtime session');
  }

  #onEvent(event: RealtimeServerEvent): void {
    this.#channel.deliver(event);
    if (event.type === 'response.created') {
      this.#activeResponse = event.response.id;
      this.emit('response.started', { responseId: event.response.id ?? '' });
    } else if (event.type === 'response.done') {
      this.#activeResponse = undefined;
      finishResponse(this, event.response, {
        model: this.model,
        tools: this.#tools,
        toolTimeoutMs: this.#options.toolTimeoutMs ?? 3000,
        signal: this.#controller.signal,
        ledger: this.#options.ledger,
        registry: this.#options.registry,
        logger: this.#options.logger,
        send: (e) => this.#channel.send(e),
        respond: () => this.respond(),
        idle: () => this.#state === 'open' && !this.#activeResponse,
      });
    } else {
      relayServerEvent(this, event, {
        output: this.#output,
        responding: this.#activeResponse !== undefined,
        logger: this.#options.logger,
      });
    }
  }

  #onError(err: OpenAIRealtimeError): void {
    if (err.error) {
      if (err.error.type === 'invalid_request_error') {
        this.#channel.refused(err.error);
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
