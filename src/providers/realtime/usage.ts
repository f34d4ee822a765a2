/**
 * The usage of a Realtime response (`response.done`) as a cost-ledger entry of the `realtime`
 * component: audio and text tokens in and out, with the cached input apart.
 *
 * @module
 */
import type { RealtimeResponseUsage } from 'openai/resources/realtime/realtime';
import type { RealtimeUsage } from '../../cost/ledger.js';

/** The ledger entry for one response's usage of `model`. */
export function realtimeUsage(model: string, usage: RealtimeResponseUsage): RealtimeUsage {
  const input = usage.input_token_details ?? {};
  const output = usage.output_token_details ?? {};
  const cached = input.cached_tokens_details ?? {};
  return {
    model,
    audioInputTokens: input.audio_tokens ?? 0,
    cachedAudioInputTokens: cached.audio_tokens ?? 0,
    audioOutputTokens: output.audio_tokens ?? 0,
    textInputTokens: input.text_tokens ?? 0,
    cachedTextInputTokens: cached.text_tokens ?? 0,
    textOutputTokens: output.text_tokens ?? 0,
  };
}
