/**
 * What a simulated caller heard and said: both sides of the audio on one media timeline, and a
 * timeline of events (speech start/end, first bot audio, DTMF, hang-up) from which the demo prints
 * its per-turn latencies.
 *
 * Times are media milliseconds: 20 ms per frame since the caller's audio started flowing, which is
 * also what the app counts when it counts received frames.
 *
 * @module
 */

import { FRAME_MS } from '../audio/format.js';
import { writeWav } from '../audio/wav.js';

const FRAME_SAMPLES = 320;

/** Kinds of timeline events. */
export type TimelineKind =
  | 'caller.speech.start'
  | 'caller.speech.end'
  | 'caller.dtmf'
  | 'caller.sound.start'
  | 'caller.hangup'
  | 'caller.dtmf.received'
  | 'moh.start'
  | 'moh.stop'
  | 'bot.audio.start'
  | 'bot.audio.end'
  | 'call.end';

/** One timeline entry. */
export interface TimelineEvent {
  kind: TimelineKind;
  /** Media time in ms. */
  atMs: number;
  /** Wall clock (`Date.now()`) when it was recorded. */
  wallMs: number;
  /** The scripted text, for caller speech; the label, for a sound. */
  text?: string;
  /** The digit, for DTMF. */
  digit?: string;
}

/** One caller turn and how long the bot took to answer it. */
export interface Turn {
  text: string;
  speechStartMs: number;
  speechEndMs: number;
  /** Media time of the first bot audio after the end of speech, if any came. */
  firstBotAudioMs?: number;
  /** `firstBotAudioMs - speechEndMs`. */
  latencyMs?: number;
}

/** Two-sided recording and event timeline of one simulated call. */
export class CallRecording {
  readonly #caller: Array<Buffer | undefined> = [];
  readonly #bot: Array<Buffer | undefined> = [];
  #botCursor = 0;
  readonly timeline: TimelineEvent[] = [];

  /** Records one 20 ms caller frame at media time `atMs`. */
  addCaller(frame: Buffer, atMs: number): void {
    this.#caller[Math.floor(atMs / FRAME_MS)] = frame;
  }

  /** Records bot audio (slin16 LE) that arrived at media time `atMs`, after earlier bot audio. */
  addBot(pcm: Buffer, atMs: number): void {
    let slot = Math.max(this.#botCursor, Math.floor(atMs / FRAME_MS));
    for (let off = 0; off < pcm.length; off += FRAME_SAMPLES * 2) {
      this.#bot[slot++] = pcm.subarray(off, Math.min(pcm.length, off + FRAME_SAMPLES * 2));
    }
    this.#botCursor = slot;
  }

  /** The bot audio heard in the 20 ms slot at media time `atMs` (slin16 LE), if any. */
  botFrameAt(atMs: number): Buffer | undefined {
    return atMs < 0 ? undefined : this.#bot[Math.floor(atMs / FRAME_MS)];
  }

  /** Appends a timeline event. */
  mark(kind: TimelineKind, atMs: number, extra: { text?: string; digit?: string } = {}): void {
    this.timeline.push({ kind, atMs, wallMs: Date.now(), ...extra });
  }

  /** Caller turns with the latency to the first bot audio after each. */
  turns(): Turn[] {
    const turns: Turn[] = [];
    let open: { text: string; start: number } | undefined;
    for (const e of this.timeline) {
      if (e.kind === 'caller.speech.start') open = { text: e.text ?? '', start: e.atMs };
      if (e.kind === 'caller.speech.end' && open) {
        turns.push({ text: open.text, speechStartMs: open.start, speechEndMs: e.atMs });
        open = undefined;
      }
    }
    for (const turn of turns) {
      const first = this.timeline.find(
        (e) => e.kind === 'bot.audio.start' && e.atMs >= turn.speechEndMs,
      );
      if (first) {
        turn.firstBotAudioMs = first.atMs;
        turn.latencyMs = first.atMs - turn.speechEndMs;
      }
    }
    return turns;
  }

  /** Duration covered so far, in ms. */
  get durationMs(): number {
    return Math.max(this.#caller.length, this.#bot.length) * FRAME_MS;
  }

  /** Samples of one side (`caller`, `bot`) or both mixed (`mix`), 16 kHz. */
  samples(side: 'caller' | 'bot' | 'mix' = 'mix'): Int16Array {
    const slots = Math.max(this.#caller.length, this.#bot.length);
    const out = new Int16Array(slots * FRAME_SAMPLES);
    const add = (track: Array<Buffer | undefined>) => {
      track.forEach((frame, slot) => {
        if (!frame) return;
        const base = slot * FRAME_SAMPLES;
        for (let i = 0; i < frame.length >> 1; i++) {
          const v = out[base + i]! + frame.readInt16LE(i * 2);
          out[base + i] = Math.min(32767, Math.max(-32768, v));
        }
      });
    };
    if (side !== 'bot') add(this.#caller);
    if (side !== 'caller') add(this.#bot);
    return out;
  }

  /** A 16 kHz mono WAV of one side or both mixed. */
  toWav(side: 'caller' | 'bot' | 'mix' = 'mix'): Buffer {
    return writeWav(this.samples(side), 16_000);
  }
}
