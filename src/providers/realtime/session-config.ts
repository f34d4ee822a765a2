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
  transcribeModel?: string | undefined;
  tools: readonly RealtimeTool[];
}

/** The session's `turn_detection` for a mode (`null`: voxstate commits turns itself). */
export function turnDetection(mode: RealtimeTurnDetection): RealtimeAudioInputTurnDetection | null {
  if (mode === 'local') return null;
  if (mode === 'semantic_vad') {
    return { type: 'semantic_vad', create_response: true, interrupt_response: true };
  }
  return {
    type: 'server_vad',
    create_response: true,
    interrupt_response: true,
    silence_duration_ms: 500,
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
        turn_detection: turnDetection(shape.turnDetection),
        ...(shape.transcribeModel ? { transcription: { model: shape.transcribeModel } } : {}),
      },
      output: { format, voice: shape.voice },
    },
    tools: sessionTools(shape.tools),
    tool_choice: 'auto',
  };
}
