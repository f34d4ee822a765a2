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
import { type LlmMetrics, llmMetrics } from './llm-metrics.js';
import type { LlmChunk, LlmProvider, LlmProviderOptions, LlmRequest } from './llm-provider.js';
import { guardStream, streamTimeouts } from './stream-guard.js';

/** Options of {@link createOpenAiProvider}. */
export type OpenAiProviderOptions = LlmProviderOptions;

/**
 * Creates an OpenAI (or OpenAI-compatible) streaming provider. The SDK's own retries are off:
 * retry and fail-over are done by the answerer, with budgets.
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
  const timeouts = streamTimeouts(options);
  const name = options.name ?? 'openai';
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    timeout: timeouts.firstTokenMs,
    logLevel: 'off',
  });
  const metrics: LlmMetrics | undefined = options.registry
    ? llmMetrics(options.registry)
    : undefined;

  return {
    provider: name,
    model: options.model,
    stream(request: LlmRequest): AsyncIterable<LlmChunk> {
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: request.system },
        ...request.messages.map((m) => ({ role: m.role, content: m.content })),
      ];
      return guardStream<ChatCompletionChunk>({
        provider: name,
        model: options.model,
        request,
        timeouts,
        metrics,
        open: (signal) =>
          client.chat.completions.create(
            {
              model: options.model,
              messages,
              stream: true,
              stream_options: { include_usage: true },
              max_tokens: request.maxTokens ?? options.maxTokens ?? 300,
              ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            },
            { signal },
          ),
        interpret: (chunk) => {
          const choice = chunk.choices[0];
          const delta = choice?.delta;
          return {
            ...(delta?.content ? { text: delta.content } : {}),
            ...(delta?.refusal ? { refusal: delta.refusal } : {}),
            ...(choice?.finish_reason === 'content_filter' ? { refusal: 'content_filter' } : {}),
            ...(chunk.usage
              ? {
                  inputTokens: chunk.usage.prompt_tokens,
                  outputTokens: chunk.usage.completion_tokens,
                }
              : {}),
          };
        },
      });
    },
  };
}
