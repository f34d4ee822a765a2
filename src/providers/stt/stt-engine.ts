/**
 * The speech-to-text engine interface. Engines are chosen per call by a feature flag.
 *
 * @module
 */

/** One utterance to transcribe: 16 kHz mono Float32 samples in [-1, 1]. */
export interface SttRequest {
  audio: Float32Array;
  /** ISO 639-1 code, or undefined to detect. */
  language?: string;
  signal?: AbortSignal;
  /**
   * Text known for this audio (simulator `--stt=script` only). Engines other than `script`
   * ignore it.
   */
  scriptText?: string;
}

/** A final transcript. */
export interface SttResult {
  text: string;
  language?: string;
  /** Name of the engine that produced it, for metrics and the cost ledger. */
  engine: string;
  /** Seconds of audio billed (for the cost ledger). */
  audioSeconds: number;
}

/** Turns an utterance into text. */
export interface SttEngine {
  readonly name: string;
  transcribe(request: SttRequest): Promise<SttResult>;
}

/** Options of one streamed utterance. */
export interface SttStreamOptions {
  /** ISO 639-1 code, or undefined to detect. */
  language?: string;
  /** Aborts the stream: the connection is closed, `finish` and the iteration reject. */
  signal?: AbortSignal;
  /** A label for the provider's usage reports (the call id), where the engine takes one. */
  tag?: string;
}

/**
 * What a stream yields: interim text while the caller speaks (each one replaces the previous,
 * it is not appended), then one final transcript.
 */
export type SttStreamEvent =
  | {
      type: 'partial';
      text: string;
      /** True when the engine says the text will not change any more (a stable segment). */
      stable: boolean;
      /**
       * True when the engine answered every {@link SttStream.flush} so far: the text covers all
       * the audio sent up to the last flush (at a pause, the caller's words up to the pause).
       */
      settled?: boolean;
    }
  | { type: 'final'; result: SttResult };

/** How an utterance's stream is finished. */
export interface SttFinishOptions extends Pick<SttRequest, 'scriptText'> {
  /**
   * The caller said nothing after the last {@link SttStream.flush} (the endpointer heard only
   * silence since): that flush's result is the final transcript, so no new flush is sent and
   * its result, when it is already in, is the final at once. Ignored when nothing was flushed.
   */
  afterFlush?: boolean;
}

/**
 * One utterance streamed to an engine while the caller speaks.
 *
 * Audio is pushed as it arrives (16 kHz mono Float32 in [-1, 1], any chunk size); `finish` is
 * the end of the utterance: it flushes the engine and resolves with the final transcript. The
 * stream is an async iterable of {@link SttStreamEvent}s that ends after the final one and
 * throws the engine's error. `close` (or the signal) abandons it at any time.
 *
 * @example
 * ```ts
 * const stream = engine.openStream({ language: 'en', signal });
 * media.on('frame', (f) => stream.push(f));
 * (async () => { for await (const e of stream) if (e.type === 'partial') show(e.text) })();
 * const { text } = await stream.finish(); // at end of speech
 * ```
 */
export interface SttStream extends AsyncIterable<SttStreamEvent> {
  /** Sends audio; ignored after `finish` or `close`. */
  push(audio: Float32Array): void;
  /**
   * End of utterance: flushes the engine and resolves with the final transcript. `request`
   * carries what a fallback engine may need beside the audio (the simulator's script text) and
   * whether the last flush already covers the utterance ({@link SttFinishOptions.afterFlush}).
   *
   * @throws SttEngineError when the engine fails or sends no final within its deadline.
   */
  finish(request?: SttFinishOptions): Promise<SttResult>;
  /**
   * An end-of-turn candidate (the caller went silent): asks the engine to finalize what it has
   * heard so far (Deepgram `Finalize`, OpenAI `input_audio_buffer.commit`), so the last words
   * arrive as a settled partial at once instead of trailing. The stream goes on; `finish` still
   * gives the whole utterance. Returns true when a flush was sent (its answer will be a partial
   * with `settled`); engines without one return false.
   */
  flush?(): boolean;
  /** Abandons the stream and closes its connection (idempotent). */
  close(): void;
}

/** An engine that also transcribes while the caller speaks. */
export interface StreamingSttEngine extends SttEngine {
  openStream(options?: SttStreamOptions): SttStream;
}

/** True when `engine` can stream. */
export function isStreamingEngine(engine: SttEngine): engine is StreamingSttEngine {
  return typeof (engine as Partial<StreamingSttEngine>).openStream === 'function';
}
