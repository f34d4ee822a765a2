/**
 * The OpenAI chat-completions streaming provider. Works with the OpenAI API and with any
 * OpenAI-compatible server (llama.cpp, vLLM, Ollama) through `baseURL`.
 *
 * @module
 */
import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { LlmProvider, LlmProviderOptions, ToolRound } from './llm-provider.js';
import { createSdkProvider } from './sdk-provider.js';
import type { InterpretedEvent } from './stream-guard.js';

/** Options of {@link createOpenAiProvider}. */
export type OpenAiProviderOptions = LlmProviderOptions;

/**
 * Creates an OpenAI (or OpenAI-compatible) streaming provider on the shared SDK setup
 * ({@link createSdkProvider}: SDK retries off, deadlines, typed errors).
 *
 * @example
 * ```ts
 * const llm = createOpenAiProvider({ model: 'gpt-4o-mini', apiKey: process.env.OPENAI_API_KEY! });
 * for await (const chunk of llm.stream({ system, messages, signal })) {
 *   if (chunk.type === 'text') speak(chunk.text);
 * }
 * ```
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): LlmProvider {
  return createSdkProvider<OpenAI, ChatCompletionChunk>(options, {
    defaultName: 'openai',
    client: (clientOptions) => new OpenAI(clientOptions),
    open: (client, c, signal) => {
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: c.system },
        ...c.messages.map((m) => ({ role: m.role, content: m.content })),
        ...c.toolRounds.flatMap(openAiRound),
      ];
      return client.chat.completions.create(
        {
          model: c.model,
          messages,
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: c.maxTokens,
          ...(c.tools.length > 0
            ? {
                tools: c.tools.map((t) => ({
                  type: 'function' as const,
                  function: { name: t.name, description: t.description, parameters: t.parameters },
                })),
              }
            : {}),
          ...c.sampling,
        },
        { signal },
      );
    },
    interpret: interpretOpenAiChunk,
  });
}

/** One tool round as OpenAI messages: the assistant's `tool_calls`, then one `tool` message each. */
function openAiRound(round: ToolRound): ChatCompletionMessageParam[] {
  return [
    {
      role: 'assistant',
      content: round.text || null,
      tool_calls: round.calls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    },
    ...round.results.map((r) => ({
      role: 'tool' as const,
      tool_call_id: r.id,
      content: r.content,
    })),
  ];
}

/** Reads one OpenAI chat-completions stream chunk. */
export function interpretOpenAiChunk(chunk: ChatCompletionChunk): InterpretedEvent {
  const choice = chunk.choices[0];
  const delta = choice?.delta;
  const tool = delta?.tool_calls?.[0];
  return {
    ...(tool
      ? {
          tool: {
            index: tool.index,
            ...(tool.id ? { id: tool.id } : {}),
            ...(tool.function?.name ? { name: tool.function.name } : {}),
            ...(tool.function?.arguments ? { arguments: tool.function.arguments } : {}),
          },
        }
      : {}),
    ...(delta?.content ? { text: delta.content } : {}),
    ...(delta?.refusal ? { refusal: delta.refusal } : {}),
    ...(choice?.finish_reason === 'content_filter' ? { refusal: 'content_filter' } : {}),
    ...(chunk.usage
      ? { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens }
      : {}),
  };
}
