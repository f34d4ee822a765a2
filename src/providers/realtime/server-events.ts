/**
 * The session events that follow from a server event by itself: the caller's speech and
 * transcript, the model's audio frames and transcript (minus what a barge-in dropped), and rate
 * limits. Events that change the session's state (responses, errors) stay in the session.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { Logger } from '../../telemetry/logger.js';
import type { RealtimeSessionEvents } from './events.js';
import type { OutputTrack } from './output-track.js';

/** What {@link relayServerEvent} needs from its session. */
export interface RelayContext {
  output: OutputTrack;
  /** True while a response is in progress. */
  responding: boolean;
  logger?: Logger | undefined;
}

/** Emits on `target` the session events `event` maps to. */
export function relayServerEvent(
  target: EventEmitter<RealtimeSessionEvents>,
  event: RealtimeServerEvent,
  ctx: RelayContext,
): void {
  switch (event.type) {
    case 'input_audio_buffer.speech_started':
      target.emit('caller.speech.started', {
        audioStartMs: event.audio_start_ms,
        botSpeaking: ctx.responding || ctx.output.speaking,
        itemId: event.item_id,
      });
      break;
    case 'input_audio_buffer.speech_stopped':
      target.emit('caller.speech.stopped', {
        audioEndMs: event.audio_end_ms,
        itemId: event.item_id,
      });
      break;
    case 'conversation.item.input_audio_transcription.completed':
      ctx.logger?.debug({ transcript: event.transcript }, 'realtime caller turn');
      target.emit('caller.transcript', { itemId: event.item_id, text: event.transcript });
      break;
    case 'response.output_audio.delta':
      for (const frame of ctx.output.push(event.item_id, event.delta)) {
        target.emit('bot.audio', frame, event.item_id);
      }
      break;
    case 'response.output_audio.done': {
      const done = ctx.output.done(event.item_id);
      if (!done) break;
      for (const frame of done.frames) target.emit('bot.audio', frame, event.item_id);
      target.emit('bot.audio.done', { itemId: event.item_id, audioMs: done.audioMs });
      break;
    }
    case 'response.output_audio_transcript.delta':
      if (ctx.output.isDropped(event.item_id)) break;
      target.emit('bot.transcript', { itemId: event.item_id, text: event.delta, final: false });
      break;
    case 'response.output_audio_transcript.done':
      ctx.logger?.debug({ transcript: event.transcript }, 'realtime bot turn');
      target.emit('bot.transcript', { itemId: event.item_id, text: event.transcript, final: true });
      break;
    case 'rate_limits.updated':
      target.emit('rate.limits', event.rate_limits);
      break;
    default:
      break;
  }
}
