/**
 * Requests to a Realtime session and their acknowledgements: every client event goes out with a
 * fresh `event_id`, and a request waits, within its deadline and the session's signal, for the
 * server event that acknowledges it, or fails at once on a server error that names its
 * `event_id` (a refused request), never on someone else's.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type { RealtimeClientEvent, RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { ProviderError } from '../../errors.js';
import { SERVER_ERROR, type ServerErrorLike, waitForEvent } from './wait.js';

/** The client events of one session. */
export class RequestChannel {
  readonly #send: (event: RealtimeClientEvent) => void;
  readonly #signal: AbortSignal;
  readonly #timeoutMs: number;
  readonly #bus = new EventEmitter();
  #sent = 0;

  /**
   * @param send sends an event on the socket.
   * @param signal the session's signal: aborting it ends every wait with its reason.
   * @param timeoutMs the default deadline of a request, ms.
   */
  constructor(send: (event: RealtimeClientEvent) => void, signal: AbortSignal, timeoutMs: number) {
    this.#send = send;
    this.#signal = signal;
    this.#timeoutMs = timeoutMs;
    this.#bus.setMaxListeners(0);
  }

  /** Sends `event` with a fresh `event_id`, and returns it. */
  send(event: RealtimeClientEvent): string {
    const eventId = `vx_${++this.#sent}`;
    this.#send({ ...event, event_id: eventId });
    return eventId;
  }

  /**
   * Sends `event` and resolves with the first server event of `type` that `match`es.
   *
   * @throws ProviderError (not retryable) when the server refuses the event; TimeoutError at the
   * deadline; the signal's reason when the session ends.
   */
  request<E>(
    event: RealtimeClientEvent,
    type: string,
    options: { match?: (e: E) => boolean; timeoutMs?: number } = {},
  ): Promise<E> {
    const waiting = waitForEvent<E>(this.#bus, type, {
      what: `realtime ${type}`,
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
      signal: this.#signal,
      ...(options.match ? { match: options.match } : {}),
      causedBy: `vx_${this.#sent + 1}`,
      onServerError: (e) =>
        new ProviderError('realtime', `refused (${e.code ?? 'error'}): ${e.message}`, {
          retryable: false,
        }),
    });
    this.send(event);
    return waiting;
  }

  /** Hands a server event to the waiting requests. */
  deliver(event: RealtimeServerEvent): void {
    if (event.type !== 'error') this.#bus.emit(event.type, event);
  }

  /** Hands a refused request's error to the waiting requests. */
  refused(error: ServerErrorLike): void {
    this.#bus.emit(SERVER_ERROR, error);
  }
}
