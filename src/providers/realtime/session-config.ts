/**
 * The `session` object of `session.update`: GA shape (`type: 'realtime'`, `audio.input` /
 * `audio.output` with 24 kHz `audio/pcm`), instructions, voice, turn detection, caller
 * transcription and tools.
 *
 * @module
 */
import type {
  RealtimeAudioInputTurnDetection,
  RealtimeSessionCreateRequest,
} from 'openai/resources/realtime/realtime';
import { REALTIME_RATE } from './audio.js';
import type { RealtimeTurnDetection } from './config.js';
import { type RealtimeTool, sessionTools } from './tools.js';

/** What the first `session.update` of a call sets. */
export interface SessionShape {
  instructions: string;
  voice: string;
  turnDetection: RealtimeTurnDetection;
  /**
   * With `server_vad`/`semantic_vad`: the session starts a response when the caller stops and
   * cancels one when they start (default true); false: it only reports speech and commits the
   * turn's audio, and its owner asks for responses and handles barge-in (the call machine).
   */
  vadResponds?: boolean | undefined;
  transcribeModel?: string | undefined;
  tools: readonly RealtimeTool[];
}

/** Silence after which `server_vad` ends the caller's turn, ms. */
export const SERVER_VAD_SILENCE_MS = 500;

/**
 * The session's `turn_detection` for a mode (`null`: voxstate commits turns itself);
 * `responds: false` leaves responses and their cancellation to the owner.
 */
export function turnDetection(
  mode: RealtimeTurnDetection,
  responds = true,
): RealtimeAudioInputTurnDetection | null {
  if (mode === 'local') return null;
  const own = { create_response: responds, interrupt_response: responds };
  if (mode === 'semantic_vad') return { type: 'semantic_vad', ...own };
  return {
    type: 'server_vad',
    ...own,
    silence_duration_ms: SERVER_VAD_SILENCE_MS,
    prefix_padding_ms: 300,
  };
}

/** The full session configuration of a call. */
export function sessionConfig(shape: SessionShape): RealtimeSessionCreateRequest {
  const format = { type: 'audio/pcm' as const, rate: REALTIME_RATE as 24_000 };
  return {
    type: 'realtime',
    output_modalities: ['audio'],
    instructions: shape.instructions,
    audio: {
      input: {
        format,
        turn_detection: turnDetection(shape.turnDetection, shape.vadResponds ?? true),
        ...(shape.transcribeModel ? { transcription: { model: shape.transcribeModel } } : {}),
      },
      output: { format, voice: shape.voice },
    },
    tools: sessionTools(shape.tools),
    tool_choice: 'auto',
  };
}
