/**
 * Scripted callers: what a simulated caller says and does, step by step, on the media timeline.
 *
 * A script is a list of steps: say something (synthesized with espeak-ng ahead of the call, or
 * given as audio), pause, press DTMF keys, wait for the bot to finish speaking, barge in while the
 * bot speaks, or hang up. The runner advances 20 ms per frame pulled by the simulated media
 * stream, hears the bot's audio, and records both sides and a timeline.
 *
 * A script with `sendSilence: false` sends no frames while the caller is silent (between its
 * `say` steps), as a real Local channel does between playbacks and a SIP leg with silence
 * suppression or DTX does while its caller is quiet: the media clock still runs, but the app
 * receives nothing until the caller speaks again.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import { FRAME_MS } from '../audio/format.js';
import { CallRecording } from './call-recording.js';
import type { CallerScript, CallerStep, ScriptUtterance } from './caller-steps.js';
import { frameRms, mixEcho, mixNoise, SILENT_FRAME } from './line-audio.js';

export type { CallerScript, CallerStep, ScriptUtterance } from './caller-steps.js';
export { noiseBurst, toneAudio } from './sounds.js';

/** What a step returns to hand the frame to the next step. */
const NEXT = Symbol('next step');
const BOT_END_SILENCE_MS = 200;

interface StepState {
  startedMs: number;
  pos: number;
  speaking: boolean;
  botHeard: boolean;
  /** Loud far-end audio heard since this step began, after music on hold stopped. */
  heardAfterHold: boolean;
  bargeAtMs?: number;
  digitIndex: number;
}

/**
 * Plays a {@link CallerScript} one frame at a time.
 *
 * Events: `dtmf` (digit), `hangup`, `utterance` ({@link ScriptUtterance}), `done`.
 */
export class CallerScriptRunner extends EventEmitter<{
  dtmf: [digit: string];
  hangup: [];
  utterance: [utterance: ScriptUtterance];
  done: [];
}> {
  readonly recording = new CallRecording();
  readonly utterances: ScriptUtterance[] = [];
  readonly #steps: CallerStep[];
  readonly #audio: ReadonlyMap<number, Int16Array>;
  readonly #threshold: number;
  readonly #sendSilence: boolean;
  readonly #echo: { gain: number; delayMs: number } | undefined;
  readonly #noise: Int16Array | undefined;
  #index = 0;
  #nowMs = 0;
  #state: StepState = {
    startedMs: 0,
    pos: 0,
    speaking: false,
    botHeard: false,
    heardAfterHold: false,
    digitIndex: 0,
  };
  #botSpeaking = false;
  #lastBotLoudMs = -1;
  #finished = false;
  /** Music on hold: `playing` while it plays, `ended` once it stopped (until the next hold). */
  #hold: 'none' | 'playing' | 'ended' = 'none';
  /** DTMF digits the far end sent to this person, in order. */
  #dtmfReceived = '';
  /** Received digits a `waitForDtmf` step already matched (digits sent early still count). */
  #dtmfUsed = 0;

  /** `audio` holds the 16 kHz samples of each `say` step, by step index. */
  constructor(script: CallerScript, audio: ReadonlyMap<number, Int16Array>) {
    super();
    this.#steps = script.steps;
    this.#audio = audio;
    this.#threshold = script.botSpeechRms ?? 200;
    this.#sendSilence = script.sendSilence ?? true;
    this.#echo = script.echo
      ? { gain: 10 ** (script.echo.gainDb / 20), delayMs: script.echo.delayMs ?? 120 }
      : undefined;
    this.#noise = script.noise;
  }

  /** Media time in ms (20 ms per frame pulled). */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** True once every step has run (or the caller hung up). */
  get finished(): boolean {
    return this.#finished;
  }

  /** The scripted text being spoken at media time `atMs`, if any. */
  textAt(atMs: number): string | undefined {
    return this.utterances.find((u) => atMs >= u.startMs && atMs < u.endMs)?.text;
  }

  /**
   * The next 20 ms of the caller's line (slin16 LE, 640 bytes), or undefined when the caller is
   * silent and sends nothing (`sendSilence: false`); advances time by 20 ms either way.
   */
  pull(): Buffer | undefined {
    const voice = this.#produce();
    this.recording.addCaller(voice ?? SILENT_FRAME, this.#nowMs);
    const line = this.#withEcho(voice);
    const frame = this.#noise ? mixNoise(line, this.#noise, (this.#nowMs / FRAME_MS) * 320) : line;
    this.#advance();
    return frame ?? (this.#sendSilence ? SILENT_FRAME : undefined);
  }

  /** The caller's voice plus the bot's echo on the line; undefined when both are silent. */
  #withEcho(voice: Buffer | undefined): Buffer | undefined {
    const echo = this.#echo;
    const bot = echo ? this.recording.botFrameAt(this.#nowMs - echo.delayMs) : undefined;
    return echo && bot ? mixEcho(voice, bot, echo.gain) : voice;
  }

  /** The next 20 ms the caller sends, silence as zeros (see {@link pull}); advances 20 ms. */
  nextFrame(): Buffer {
    return this.pull() ?? SILENT_FRAME;
  }

  #advance(): void {
    this.#nowMs += FRAME_MS;
    if (this.#botSpeaking && this.#nowMs - this.#lastBotLoudMs > BOT_END_SILENCE_MS) {
      this.#botSpeaking = false;
      this.recording.mark('bot.audio.end', this.#lastBotLoudMs + FRAME_MS);
    }
  }

  /** Bot audio that reached the caller (slin16 LE). */
  hear(pcm: Buffer): void {
    this.recording.addBot(pcm, this.#nowMs);
    if (frameRms(pcm) < this.#threshold) return;
    this.#lastBotLoudMs = this.#nowMs;
    this.#state.botHeard = true;
    if (this.#hold === 'ended') this.#state.heardAfterHold = true;
    if (!this.#botSpeaking) {
      this.#botSpeaking = true;
      this.recording.mark('bot.audio.start', this.#nowMs);
    }
  }

  /**
   * The person is put on music on hold of `mohClass` (`channels/{id}/moh`): what they hear
   * (through {@link hear}) is the music until {@link stopHold}.
   */
  startHold(mohClass: string): void {
    this.#hold = 'playing';
    this.recording.mark('moh.start', this.#nowMs, { text: mohClass });
  }

  /** The music on hold of `mohClass` stopped. */
  stopHold(mohClass: string): void {
    this.#hold = 'ended';
    this.recording.mark('moh.stop', this.#nowMs, { text: mohClass });
  }

  /** A DTMF digit the far end sent (`channels/{id}/dtmf`); a `waitForDtmf` step waits for it. */
  receiveDtmf(digit: string): void {
    this.#dtmfReceived += digit;
    this.recording.mark('caller.dtmf.received', this.#nowMs, { digit });
  }

  /** DTMF digits the far end sent to this person, in order. */
  get dtmfReceived(): string {
    return this.#dtmfReceived;
  }

  /** Stops the script (the call ended). */
  stop(): void {
    if (!this.#finished) this.recording.mark('call.end', this.#nowMs);
    this.#finished = true;
  }

  #next(): void {
    this.#index++;
    this.#state = {
      startedMs: this.#nowMs,
      pos: 0,
      speaking: false,
      botHeard: false,
      heardAfterHold: false,
      digitIndex: 0,
    };
  }

  /** The caller's audio for this frame, or undefined while the caller is silent. */
  #produce(): Buffer | undefined {
    for (let guard = 0; guard < 1000 && !this.#finished; guard++) {
      const step = this.#steps[this.#index];
      if (step === undefined) {
        this.#finished = true;
        this.emit('done');
        break;
      }
      const frame = this.#run(step);
      if (frame !== NEXT) return frame;
    }
    return undefined;
  }

  /**
   * Runs `step` for this frame; returns its audio, undefined while the caller is silent, or
   * {@link NEXT} to move straight on to the next step.
   */
  #run(step: CallerStep): Buffer | undefined | typeof NEXT {
    const s = this.#state;
    const now = this.#nowMs;
    if ('say' in step) {
      if (step.interruptAfterMs !== undefined && !s.speaking) {
        if (s.bargeAtMs === undefined) {
          const botTalkingNow =
            this.#lastBotLoudMs >= s.startedMs && now - this.#lastBotLoudMs <= 2 * FRAME_MS;
          if (!botTalkingNow)
            return now - s.startedMs > 30_000 ? this.#startSpeech(step) : undefined;
          s.bargeAtMs = now + step.interruptAfterMs;
        }
        if (now < s.bargeAtMs) return undefined;
      }
      if (!s.speaking) return this.#startSpeech(step);
      return this.#speak(step);
    }
    if ('sound' in step) {
      if (s.pos === 0) {
        this.recording.mark('caller.sound.start', now, { text: step.label ?? 'sound' });
      }
      if (s.pos >= step.sound.length) {
        this.#next();
        return NEXT;
      }
      return this.#frameOf(step.sound);
    }
    if ('pause' in step) {
      if (now - s.startedMs < step.pause) return undefined;
      this.#next();
      return NEXT;
    }
    if ('dtmf' in step) {
      const gap = step.gapMs ?? 150;
      if (s.digitIndex < step.dtmf.length && now - s.startedMs >= s.digitIndex * gap) {
        const digit = step.dtmf[s.digitIndex++]!;
        this.recording.mark('caller.dtmf', now, { digit });
        this.emit('dtmf', digit);
      }
      if (s.digitIndex >= step.dtmf.length) this.#next();
      return undefined;
    }
    if ('hangup' in step) {
      this.recording.mark('caller.hangup', now);
      this.#finished = true;
      this.#next();
      this.emit('hangup');
      return undefined;
    }
    if ('waitForDtmf' in step) {
      const { digits, timeoutMs = 30_000 } = step.waitForDtmf;
      const at = this.#dtmfReceived.indexOf(digits, this.#dtmfUsed);
      if (at >= 0 || now - s.startedMs >= timeoutMs) {
        if (at >= 0) this.#dtmfUsed = at + digits.length;
        this.#next();
        return NEXT;
      }
      return undefined;
    }
    const { silenceMs = 800, timeoutMs = 30_000, afterHold = false } = step.waitForBot;
    const quietFor = now - Math.max(this.#lastBotLoudMs, s.startedMs);
    const heard = afterHold ? s.heardAfterHold : s.botHeard;
    if ((heard && quietFor >= silenceMs) || now - s.startedMs >= timeoutMs) {
      this.#next();
      return NEXT;
    }
    return undefined;
  }

  #startSpeech(step: Extract<CallerStep, { say: string }>): Buffer | undefined {
    this.#state.speaking = true;
    this.#state.pos = 0;
    this.#state.startedMs = this.#nowMs;
    this.recording.mark('caller.speech.start', this.#nowMs, { text: step.say });
    return this.#speak(step);
  }

  #speak(step: Extract<CallerStep, { say: string }>): Buffer | undefined {
    const audio = this.#audio.get(this.#index) ?? step.audio ?? new Int16Array(0);
    const s = this.#state;
    if (s.pos >= audio.length) {
      const utterance = { text: step.say, startMs: s.startedMs, endMs: this.#nowMs };
      this.utterances.push(utterance);
      this.recording.mark('caller.speech.end', this.#nowMs, { text: step.say });
      this.emit('utterance', utterance);
      this.#next();
      return this.#produce();
    }
    return this.#frameOf(audio);
  }

  /** The next 20 ms of `audio` from the step's position (zero-padded), advancing it. */
  #frameOf(audio: Int16Array): Buffer {
    const s = this.#state;
    const frame = Buffer.alloc(640);
    const n = Math.min(320, audio.length - s.pos);
    for (let i = 0; i < n; i++) frame.writeInt16LE(audio[s.pos + i]!, i * 2);
    s.pos += n;
    return frame;
  }
}
