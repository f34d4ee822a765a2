/**
 * The Anthropic Messages streaming provider (`@anthropic-ai/sdk`), with usage read from
 * `message_start` (input) and `message_delta` (output).
 *
 * @module
 */
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { LlmProvider, LlmProviderOptions, ToolRound } from './llm-provider.js';
import { createSdkProvider } from './sdk-provider.js';
import type { InterpretedEvent } from './stream-guard.js';

/** Options of {@link createAnthropicProvider}. */
export type AnthropicProviderOptions = LlmProviderOptions;

/** The arguments of a call as an object (a call whose JSON did not parse was not run: `{}`). */
function inputOf(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One tool round as Anthropic messages: `tool_use` blocks, then the user's `tool_result`s. */
function anthropicRound(round: ToolRound): MessageParam[] {
  return [
    {
      role: 'assistant',
      content: [
        ...(round.text ? [{ type: 'text' as const, text: round.text }] : []),
        ...round.calls.map((call) => ({
          type: 'tool_use' as const,
          id: call.id,
          name: call.name,
          input: inputOf(call.arguments),
        })),
      ],
    },
    {
      role: 'user',
      content: round.results.map((r) => ({
        type: 'tool_result' as const,
        tool_use_id: r.id,
        content: r.content,
        ...(r.isError ? { is_error: true } : {}),
      })),
    },
  ];
}

/** Reads one Anthropic stream event. */
export function interpretAnthropicEvent(
  event: RawMessageStreamEvent,
): InterpretedEvent | undefined {
  switch (event.type) {
    case 'message_start': {
      const u = event.message.usage;
      return { inputTokens: u.input_tokens, outputTokens: u.output_tokens };
    }
    case 'content_block_start':
      return event.content_block.type === 'tool_use'
        ? {
            tool: {
              index: event.index,
              id: event.content_block.id,
              name: event.content_block.name,
            },
          }
        : undefined;
    case 'content_block_delta':
      if (event.delta.type === 'input_json_delta') {
        return { tool: { index: event.index, arguments: event.delta.partial_json } };
      }
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
          messages: [
            ...c.messages.map((m): MessageParam => ({ role: m.role, content: m.content })),
            ...c.toolRounds.flatMap(anthropicRound),
          ],
          ...(c.tools.length > 0
            ? {
                tools: c.tools.map((t) => ({
                  name: t.name,
                  description: t.description,
                  input_schema: t.parameters as Anthropic.Tool.InputSchema,
                })),
              }
            : {}),
          max_tokens: c.maxTokens,
          stream: true,
          ...c.sampling,
        },
        { signal },
      ),
    interpret: interpretAnthropicEvent,
  });
}
