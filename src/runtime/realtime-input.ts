/**
 * The caller's audio on its way into a call's Realtime session when the session's own voice
 * detection takes the turns (`server_vad`, `semantic_vad`): each frame is kept against the
 * session's input position (the session's `audio_start_ms`/`audio_end_ms` count the audio sent),
 * so that a turn's audio can still be transcribed by the cascade if the session fails, and the
 * bot's own echo is kept from the session's voice detection: while the bot speaks, a caller frame
 * that the {@link EchoGate} takes for echo (not louder than the bot's echo could be) is sent as
 * silence. No voice activity model runs for this: the session decides the turns.
 *
 * @module
 */
import { int16ToFloat32 } from '../audio/pcm.js';
import { EchoGate, frameEnergy, samplesEnergy } from '../media/echo-gate.js';
import type { PlaybackQueue } from '../media/playback-queue.js';

/** Caller audio kept, ms (longer than the longest turn the session may report). */
const KEEP_MS = 30_000;
/** Samples per ms of the call's 16 kHz audio. */
const SAMPLES_PER_MS = 16;

interface Kept {
  startMs: number;
  endMs: number;
  samples: Float32Array;
}

/** Options of {@link RealtimeInput}. */
export interface RealtimeInputOptions {
  playback: PlaybackQueue;
  /** Send frames taken for the bot's echo as silence (default true). */
  gateEcho?: boolean;
  /** Caller audio this many dB under the bot's recent level is echo (the endpointer's setting). */
  echoLossDb?: number;
}

/** One call's caller audio for its session. */
export class RealtimeInput {
  readonly #playback: PlaybackQueue;
  readonly #echo: EchoGate | undefined;
  readonly #kept: Kept[] = [];
  #positionMs = 0;
  /** Frames sent as silence because they were the bot's echo. */
  gated = 0;
  readonly #onBotFrame = (frame: Buffer, atMs: number) =>
    this.#echo?.bot(atMs, frameEnergy(frame, this.#playback.format));

  constructor(options: RealtimeInputOptions) {
    this.#playback = options.playback;
    if (options.gateEcho ?? true) {
      this.#echo = new EchoGate(
        options.echoLossDb !== undefined ? { echoLossDb: options.echoLossDb } : {},
      );
      this.#playback.on('frame', this.#onBotFrame);
    }
  }

  /** Audio sent to the session so far, ms: the session's input position. */
  get positionMs(): number {
    return this.#positionMs;
  }

  /**
   * Keeps one 16 kHz `slin16` caller frame and returns what to send to the session: the frame,
   * or silence of the same length when it is the bot's echo.
   */
  push(frame: Buffer): Buffer {
    const samples = int16ToFloat32(frame);
    const startMs = this.#positionMs;
    this.#positionMs += samples.length / SAMPLES_PER_MS;
    this.#kept.push({ startMs, endMs: this.#positionMs, samples });
    while ((this.#kept[0]?.endMs ?? Number.POSITIVE_INFINITY) < this.#positionMs - KEEP_MS) {
      this.#kept.shift();
    }
    const echo = this.#echo;
    if (!echo) return frame;
    const now = this.#playback.now();
    echo.caller(now, samplesEnergy(samples));
    if (echo.nearEnd(now)) return frame;
    this.gated++;
    return Buffer.alloc(frame.length);
  }

  /** The caller's audio between two input positions, ms (what the session heard as one turn). */
  audio(startMs: number, endMs: number): Float32Array {
    const parts = this.#kept.filter((k) => k.endMs > startMs && k.startMs < endMs);
    const out = new Float32Array(parts.reduce((n, k) => n + k.samples.length, 0));
    let offset = 0;
    for (const k of parts) {
      out.set(k.samples, offset);
      offset += k.samples.length;
    }
    return out;
  }

  /** Stops following the bot's audio and forgets the kept audio. */
  close(): void {
    this.#playback.off('frame', this.#onBotFrame);
    this.#kept.length = 0;
  }
}
