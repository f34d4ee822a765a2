/**
 * What a {@link RealtimeSession} tells its owner, as typed Node events. Progress (audio frames,
 * transcripts, usage) is for the playback queue, the call log and the timeline; the decisive ones
 * for the call machine are `caller.speech.started` (barge-in), `caller.speech.stopped` (end of
 * turn), `response.done` and `failed` (fall back to cascade).
 *
 * @module
 */
import type { RateLimitsUpdatedEvent } from 'openai/resources/realtime/realtime';
import type { RealtimeUsage } from '../../cost/ledger.js';
import type { RealtimeSessionError } from '../../errors.js';

/** Events of a {@link RealtimeSession}. */
export interface RealtimeSessionEvents {
  /** One 20 ms, 640-byte 16 kHz `slin16` frame of the model's speech, ready for playback. */
  'bot.audio': [frame: Buffer, itemId: string];
  /** The model finished speaking item `itemId`; `audioMs` of audio came for it. */
  'bot.audio.done': [info: { itemId: string; audioMs: number }];
  /** Text of the model's speech: deltas (`final: false`), then the whole (`final: true`). */
  'bot.transcript': [info: { itemId: string; text: string; final: boolean }];
  /** The session's VAD heard the caller start; `botSpeaking`: the model's audio was coming. */
  'caller.speech.started': [info: { audioStartMs: number; botSpeaking: boolean; itemId: string }];
  /**
   * The session's VAD heard the caller stop (`audioEndMs` into the input audio); the turn's audio
   * is committed as item `itemId` (a response follows when the session responds by itself).
   */
  'caller.speech.stopped': [info: { audioEndMs: number; itemId: string }];
  /** The session's transcript of one caller turn. */
  'caller.transcript': [info: { itemId: string; text: string }];
  'response.started': [info: { responseId: string }];
  /** A response ended (`completed`, `cancelled`, ...); `toolCalls` it asked for are being run. */
  'response.done': [info: { responseId: string; status: string; toolCalls: number }];
  /** A tool call started (`name`, `callId`). */
  'tool.started': [info: { name: string; callId: string }];
  /** A tool call was answered. */
  'tool.done': [info: { name: string; callId: string; ok: boolean; durationMs: number }];
  /** Token usage of one response, and its cost as recorded in the ledger (0 without one). */
  usage: [usage: RealtimeUsage, cost: number];
  'rate.limits': [limits: RateLimitsUpdatedEvent.RateLimit[]];
  /** The session is unusable (closed, dropped, fatal server error, no answer in time). */
  failed: [error: RealtimeSessionError];
  /** The session was closed by its owner. */
  closed: [];
}
