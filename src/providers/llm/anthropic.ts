/**
 * The Anthropic Messages streaming provider (`@anthropic-ai/sdk`), with usage read from
 * `message_start` (input) and `message_delta` (output).
 *
 * @module
 */
import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { type LlmMetrics, llmMetrics } from './llm-metrics.js';
import type { LlmChunk, LlmProvider, LlmProviderOptions, LlmRequest } from './llm-provider.js';
import { guardStream, type InterpretedEvent, streamTimeouts } from './stream-guard.js';

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
 * Creates an Anthropic streaming provider. The SDK's own retries are off: retry and fail-over
 * are done by the answerer, with budgets.
 *
 * @example
 * ```ts
 * const llm = createAnthropicProvider({ model: 'claude-haiku-4-5', apiKey });
 * for await (const chunk of llm.stream({ system, messages, signal })) { ... }
 * ```
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): LlmProvider {
  const timeouts = streamTimeouts(options);
  const name = options.name ?? 'anthropic';
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    timeout: timeouts.firstTokenMs,
    logLevel: 'off',
    openTelemetry: false,
  });
  const metrics: LlmMetrics | undefined = options.registry
    ? llmMetrics(options.registry)
    : undefined;

  return {
    provider: name,
    model: options.model,
    stream(request: LlmRequest): AsyncIterable<LlmChunk> {
      return guardStream<RawMessageStreamEvent>({
        provider: name,
        model: options.model,
        request,
        timeouts,
        metrics,
        open: (signal) =>
          client.messages.create(
            {
              model: options.model,
              system: request.system,
              messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
              max_tokens: request.maxTokens ?? options.maxTokens ?? 300,
              stream: true,
              ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            },
            { signal },
          ),
        interpret: interpretAnthropicEvent,
      });
    },
  };
}
