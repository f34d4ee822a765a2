/**
 * Tells the caller's voice from the bot's own echo while the bot speaks.
 *
 * A phone line can carry the bot's audio back (a hybrid or a handset without echo
 * cancellation); to a voice detector that echo is speech like any other. But echo is the bot's
 * audio made quieter: its level stays at least the line's echo return loss under what the bot
 * sent in the last few hundred ms (the echo path's delay). The gate compares the caller's energy
 * over a short span with the loudest bot frame that could have come back in it; audio more than
 * `echoLossDb` under that level is taken for echo. With the bot silent, everything is the
 * caller's.
 *
 * Times are media ms on the call's clock; energies are mean squares of 16-bit samples.
 *
 * @module
 */

import type { MediaFormat } from '../audio/format.js';
import { ulawDecode } from '../audio/g711.js';

/** Options of {@link EchoGate}. */
export interface EchoGateOptions {
  /** Caller audio this many dB or more under the bot's recent level is echo. Default 18. */
  echoLossDb?: number;
  /** Longest echo path delay considered, ms. Default 400. */
  echoSpanMs?: number;
  /** Caller energy is averaged over this span, ms. Default 120. */
  smoothMs?: number;
  /**
   * Longest span `callerEnergy` is asked for, ms (the caller's energy is kept that long).
   * Default `smoothMs`.
   */
  callerSpanMs?: number;
}

interface Level {
  atMs: number;
  energy: number;
}

/** Mean square of one frame of bot audio in the call's wire format. */
export function frameEnergy(frame: Buffer, format: MediaFormat): number {
  let sum = 0;
  let n = 0;
  if (format === 'ulaw') {
    const pcm = ulawDecode(frame);
    for (const v of pcm) sum += v * v;
    n = pcm.length;
  } else {
    n = frame.length >> 1;
    for (let i = 0; i < n; i++) {
      const v = frame.readInt16LE(i * 2);
      sum += v * v;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Mean square of float samples in [-1, 1], in 16-bit units. */
export function samplesEnergy(samples: Float32Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return samples.length === 0 ? 0 : (sum / samples.length) * 32768 * 32768;
}

/**
 * The echo gate of one call.
 *
 * @example
 * ```ts
 * const gate = new EchoGate();
 * playback.on('frame', (frame, atMs) => gate.bot(toMedia(atMs), frameEnergy(frame, 'slin16')));
 * gate.caller(frameEndMs, samplesEnergy(samples));
 * endpointer.push(p, windowStartMs, gate.nearEnd(windowEndMs));
 * ```
 */
export class EchoGate {
  readonly #ratio: number;
  readonly #spanMs: number;
  readonly #smoothMs: number;
  readonly #callerSpanMs: number;
  readonly #bot: Level[] = [];
  readonly #caller: Level[] = [];

  constructor(options: EchoGateOptions = {}) {
    this.#ratio = 10 ** (-(options.echoLossDb ?? 18) / 10);
    this.#spanMs = options.echoSpanMs ?? 400;
    this.#smoothMs = options.smoothMs ?? 120;
    this.#callerSpanMs = Math.max(this.#smoothMs, options.callerSpanMs ?? 0);
  }

  /** The bot sent a frame of this energy at `atMs`. */
  bot(atMs: number, energy: number): void {
    this.#bot.push({ atMs, energy });
    this.#prune(this.#bot, atMs - this.#spanMs - this.#smoothMs - 1_000);
  }

  /** A caller frame of this energy ended at `atMs`. */
  caller(atMs: number, energy: number): void {
    this.#caller.push({ atMs, energy });
    this.#prune(this.#caller, atMs - this.#callerSpanMs - 1_000);
  }

  /**
   * True when the caller's audio up to `atMs` is louder than the bot's echo could be (or the bot
   * was silent): it is the caller's voice, not the bot's.
   */
  nearEnd(atMs: number): boolean {
    const from = atMs - this.#smoothMs;
    let echo = 0;
    for (const l of this.#bot) {
      if (l.atMs >= from - this.#spanMs && l.atMs <= atMs) echo = Math.max(echo, l.energy);
    }
    if (echo === 0) return true;
    const caller = this.callerEnergy(atMs);
    return caller !== undefined && caller >= echo * this.#ratio;
  }

  /**
   * The caller's mean energy over `spanMs` (default the smoothing span) up to `atMs`; undefined
   * if nothing was heard.
   */
  callerEnergy(atMs: number, spanMs = this.#smoothMs): number | undefined {
    const from = atMs - spanMs;
    let sum = 0;
    let n = 0;
    for (const l of this.#caller) {
      if (l.atMs > from && l.atMs <= atMs) {
        sum += l.energy;
        n++;
      }
    }
    return n > 0 ? sum / n : undefined;
  }

  #prune(levels: Level[], beforeMs: number): void {
    while (levels.length > 0 && (levels[0] as Level).atMs < beforeMs) levels.shift();
  }
}
