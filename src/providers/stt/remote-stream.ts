/**
 * The life of one streamed utterance on a remote engine's socket, shared by the streaming
 * engines: audio pushed before the socket is open is held and sent on open; `finish` flushes
 * and waits for the final within a deadline; any failure (connect refused or rejected, socket
 * dropped, no final in time) rejects `finish` and ends the events with an `SttEngineError`;
 * the signal and `close` abandon it. Each engine supplies the protocol.
 *
 * @module
 */
import { AbortedError, SttEngineError } from '../../errors.js';
import { EventQueue } from './event-queue.js';
import { sttFailure } from './failure.js';
import type {
  SttFinishOptions,
  SttResult,
  SttStream,
  SttStreamEvent,
  SttStreamOptions,
} from './stt-engine.js';

/** Deadlines of a remote stream. */
export interface RemoteStreamTimeouts {
  /** Open the connection (and the session, where there is one), ms. */
  connectTimeoutMs: number;
  /** From `finish` to the final transcript, ms. */
  finalTimeoutMs: number;
}

const SAMPLE_RATE = 16_000;

/** Base class of the streaming engines' streams; see the module header. */
export abstract class RemoteSttStream implements SttStream {
  readonly #events = new EventQueue<SttStreamEvent>();
  readonly #pending: Float32Array[] = [];
  readonly #final: Promise<SttResult>;
  #resolveFinal!: (r: SttResult) => void;
  #rejectFinal!: (err: unknown) => void;
  #opened: Promise<void> | undefined;
  #open = false;
  #finishing = false;
  #done = false;
  /** An early flush was sent (see `flush`). */
  #flushed = false;
  #samples = 0;
  #timer: NodeJS.Timeout | undefined;
  #onAbort = () => this.close();

  constructor(
    protected readonly engine: string,
    protected readonly options: SttStreamOptions & RemoteStreamTimeouts,
  ) {
    this.#final = new Promise<SttResult>((resolve, reject) => {
      this.#resolveFinal = resolve;
      this.#rejectFinal = reject;
    });
    this.#final.catch(() => undefined);
  }

  /** Opens the connection; call once from the subclass constructor. */
  protected start(): void {
    const signal = this.options.signal;
    if (signal?.aborted) {
      this.close();
      return;
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SttEngineError(this.engine, 'timeout', 'connect timed out')),
        this.options.connectTimeoutMs,
      );
    });
    this.#opened = Promise.race([this.connect(), deadline]).then(
      () => {
        clearTimeout(timer);
        if (this.#done) return;
        this.#open = true;
        for (const chunk of this.#pending.splice(0)) this.sendAudio(chunk);
        if (this.#finishing) this.#flush();
      },
      (err: unknown) => {
        clearTimeout(timer);
        this.fail(err);
      },
    );
  }

  /** Opens the socket (and session); resolves when audio may be sent. */
  protected abstract connect(): Promise<void>;
  /** Sends 16 kHz audio. */
  protected abstract sendAudio(audio: Float32Array): void;
  /** Asks the engine for the final transcript of what was sent. */
  protected abstract sendFlush(): void;
  /** Closes the socket (idempotent; after a final, a failure or an abort). */
  protected abstract disconnect(): void;

  push(audio: Float32Array): void {
    if (this.#done || this.#finishing) return;
    this.#samples += audio.length;
    if (this.#open) this.sendAudio(audio);
    else this.#pending.push(audio.slice());
  }

  /** Asks for an early final of what was heard (see `SttStream.flush`); once open only. */
  flush(): boolean {
    if (!this.#open || this.#finishing || this.#done || !this.sendEarlyFinal()) return false;
    this.#flushed = true;
    return true;
  }

  /**
   * Sends the engine's request for an early final; returns false when it sent none (an engine
   * without one, or nothing to finalize).
   */
  protected sendEarlyFinal(): boolean {
    return false;
  }

  /**
   * The whole text when every flush sent has been answered (see `SttStream.flush`), else
   * undefined: with `finish({ afterFlush })` it is the final at once.
   */
  protected settledText(): string | undefined {
    return undefined;
  }

  finish(options: SttFinishOptions = {}): Promise<SttResult> {
    if (!this.#finishing && !this.#done) {
      this.#finishing = true;
      if (options.afterFlush && this.#flushed) {
        // The caller was silent since the flush: its answer is the final, nothing more to send.
        const settled = this.settledText();
        if (settled !== undefined) this.final(settled);
        else this.#armFinalDeadline();
      } else if (this.#open) this.#flush();
    }
    return this.#final;
  }

  #flush(): void {
    this.sendFlush();
    this.#armFinalDeadline();
  }

  #armFinalDeadline(): void {
    this.#timer = setTimeout(
      () =>
        this.fail(
          new SttEngineError(
            this.engine,
            'timeout',
            `no final transcript ${this.options.finalTimeoutMs} ms after the end of the utterance`,
          ),
        ),
      this.options.finalTimeoutMs,
    );
  }

  /** True once `finish` was called. */
  protected get finishing(): boolean {
    return this.#finishing;
  }

  /**
   * Reports interim text (the whole utterance so far); `settled` when every flush sent has
   * been answered (see `SttStream.flush`).
   */
  protected partial(text: string, stable = false, settled = false): void {
    if (!this.#done) {
      this.#events.put({ type: 'partial', text, stable, ...(settled ? { settled } : {}) });
    }
  }

  /** Reports the final transcript and ends the stream. */
  protected final(text: string, language?: string): void {
    if (this.#done) return;
    this.#end();
    const result: SttResult = {
      text: text.trim(),
      ...((language ?? this.options.language)
        ? { language: language ?? this.options.language }
        : {}),
      engine: this.engine,
      audioSeconds: this.#samples / SAMPLE_RATE,
    };
    this.#events.put({ type: 'final', result });
    this.#events.end();
    this.#resolveFinal(result);
  }

  /** Ends the stream with the engine's failure. */
  protected fail(err: unknown): void {
    if (this.#done) return;
    this.#end();
    const error = sttFailure(this.engine, err, this.options.signal);
    this.#events.fail(error);
    this.#rejectFinal(error);
  }

  #end(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    this.options.signal?.removeEventListener('abort', this.#onAbort);
    this.#pending.length = 0;
    this.disconnect();
  }

  close(): void {
    if (this.#done) return;
    this.fail(new AbortedError(`stt ${this.engine} stream`));
  }

  /** Resolves when the connection is open or failed (for tests and warm-up). */
  protected get opened(): Promise<void> | undefined {
    return this.#opened;
  }

  [Symbol.asyncIterator](): AsyncIterator<SttStreamEvent> {
    return this.#events[Symbol.asyncIterator]();
  }
}
