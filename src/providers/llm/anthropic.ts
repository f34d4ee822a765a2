/**
 * The Anthropic Messages streaming provider (`@anthropic-ai/sdk`), with usage read from
 * `message_start` (input) and `message_delta` (output).
 *
 * @module
 */
import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { LlmProvider, LlmProviderOptions } from './llm-provider.js';
import { createSdkProvider } from './sdk-provider.js';
import type { InterpretedEvent } from './stream-guard.js';

/** Options of {@link createAnthropicProvider}. */
export type AnthropicProviderOptions = LlmProviderOptions;

/** Reads one Anthropic stream event. */
export function interpretAnthropicEvent(
  event: RawMessageStreamEvent,
): InterpretedEvent | undefined {
  switch (event.type) {
    case 'message_start': {
      const u = event.message.usage;
      return { inputTokens: u.input_tokens, outputTokens: u.output_tokens };
    }
    case 'content_block_delta':
      return event.delta.type === 'text_delta' ? { text: event.delta.text } : undefined;
    case 'message_delta': {
      const out: InterpretedEvent = {};
      if (typeof event.usage.output_tokens === 'number')
        out.outputTokens = event.usage.output_tokens;
      if (typeof event.usage.input_tokens === 'number') out.inputTokens = event.usage.input_tokens;
      if (event.delta.stop_reason === 'refusal') out.refusal = 'refusal';
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * Creates an Anthropic streaming provider on the shared SDK setup ({@link createSdkProvider}:
 * SDK retries off, deadlines, typed errors).
 *
 * @example
 * ```ts
 * const llm = createAnthropicProvider({ model: 'claude-haiku-4-5', apiKey });
 * for await (const chunk of llm.stream({ system, messages, signal })) { ... }
 * ```
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): LlmProvider {
  return createSdkProvider<Anthropic, RawMessageStreamEvent>(options, {
    defaultName: 'anthropic',
    client: (clientOptions) => new Anthropic({ ...clientOptions, openTelemetry: false }),
    open: (client, c, signal) =>
      client.messages.create(
        {
          model: c.model,
          system: c.system,
          messages: c.messages.map((m) => ({ role: m.role, content: m.content })),
          max_tokens: c.maxTokens,
          stream: true,
          ...c.sampling,
        },
        { signal },
      ),
    interpret: interpretAnthropicEvent,
  });
}
