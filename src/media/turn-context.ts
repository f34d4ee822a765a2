/**
 * What the {@link Endpointer} (`./endpointer.ts`) knows about the turn in progress beyond the
 * voice itself (the call's language, the utterance's latest partial transcript) and how it asks
 * its {@link EndOfTurnPolicy} for the required silence.
 *
 * @module
 */
import type { Language } from '../text/language.js';
import type { EndOfTurnPolicy, UtteranceProgress } from './endpointer-types.js';

const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** The voice of the utterance in progress, ms on the call's clock. */
export interface VoiceSpan {
  startMs: number;
  voicedFromMs: number;
  voicedEndMs: number;
}

/** The endpointer's end-of-turn knowledge and its policy. */
export class TurnContext {
  /** The utterance's latest partial transcript and the end of the voice it was given at. */
  #partial: { text: string; voicedEndMs: number } | undefined;
  /** End of the voice of the pause whose flush the engine has not answered yet. */
  #flushedAtVoiceEndMs: number | undefined;
  /** The settled words of the current pause (the engine's answer to its flush). */
  #settled: { words: number; voicedEndMs: number } | undefined;
  #language: Language | undefined;

  constructor(private readonly policy: EndOfTurnPolicy) {}

  /** Sets the call's language (kept across utterances). */
  setLanguage(language: Language | undefined): void {
    this.#language = language;
  }

  /**
   * The latest partial transcript, given when the voice heard ended at `voicedEndMs`;
   * `settled` when the engine answered every flush (see {@link flushed}).
   */
  setPartial(text: string, voicedEndMs: number, settled = false): void {
    this.#partial = { text, voicedEndMs };
    if (settled) {
      this.#flushedAtVoiceEndMs = undefined;
      this.#settled = { words: wordCount(text), voicedEndMs };
    }
    this.policy.onPartial?.(text, this.#language);
  }

  /**
   * True when `text` has words beyond those the engine settled in the pause after
   * `voicedEndMs`: they were said after the pause began, so the caller speaks again (the voice
   * detector, which lags, has not caught up yet).
   */
  resumes(text: string, voicedEndMs: number): boolean {
    const s = this.#settled;
    return s !== undefined && s.voicedEndMs === voicedEndMs && wordCount(text) > s.words;
  }

  /** The engine was asked to finalize the words up to the pause after `voicedEndMs`. */
  flushed(voicedEndMs: number): void {
    this.#flushedAtVoiceEndMs = voicedEndMs;
  }

  /** The utterance ended: its partial goes with it. */
  clear(): void {
    this.#partial = undefined;
    this.#flushedAtVoiceEndMs = undefined;
    this.#settled = undefined;
  }

  /** The silence that ends the utterance `voice`, `pauseMs` into its current pause. */
  requiredSilenceMs(voice: VoiceSpan, pauseMs: number): number {
    const u: UtteranceProgress = {
      startMs: voice.startMs,
      voicedMs: voice.voicedEndMs - voice.voicedFromMs,
      voicedEndMs: voice.voicedEndMs,
      pauseMs,
    };
    const partial = this.#partial;
    if (partial) {
      const voicedAfterMs = Math.max(0, voice.voicedEndMs - partial.voicedEndMs);
      u.partial = { text: partial.text, voicedAfterMs };
      // Only a flush of this very pause: once the caller spoke again, a later pause gets its own.
      if (this.#flushedAtVoiceEndMs === voice.voicedEndMs) u.partial.settling = true;
    }
    if (this.#language) u.language = this.#language;
    return this.policy.requiredSilenceMs(u);
  }
}
