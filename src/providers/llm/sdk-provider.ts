/**
 * The setup the OpenAI and Anthropic providers share: the SDK client built the same way (the
 * SDK's own retries off, since retry and fail-over are the answerer's, with budgets; the SDK's
 * request deadline at the first-token deadline; SDK logging off), the provider's metrics, and
 * each stream run by {@link guardStream} (deadlines that abort the request, the caller's signal,
 * SDK errors mapped to typed errors with `retryable` and `cause`). A provider file only says how
 * to build its client, open its stream and read one event.
 *
 * @module
 */
import { llmMetrics } from './llm-metrics.js';
import type { LlmProvider, LlmProviderOptions, LlmRequest } from './llm-provider.js';
import { guardStream, type InterpretedEvent, streamTimeouts } from './stream-guard.js';

/** Client options both SDKs take, filled the same way for every provider. */
export interface SdkClientOptions {
  apiKey: string;
  baseURL: string | null;
  maxRetries: 0;
  /** The SDK's request deadline, ms: the first-token deadline. */
  timeout: number;
  logLevel: 'off';
}

/** What one completion asks the SDK for. */
export interface SdkCompletion {
  model: string;
  system: string;
  messages: LlmRequest['messages'];
  /** Tools offered (empty: none). */
  tools: NonNullable<LlmRequest['tools']>;
  /** This turn's tool rounds, to append after `messages`. */
  toolRounds: NonNullable<LlmRequest['toolRounds']>;
  maxTokens: number;
  /** Present only when the request sets it. */
  sampling: { temperature?: number };
}

/** How one SDK is used: its client, its stream and its events. */
export interface SdkBinding<C, E> {
  /** Provider label when the options give none (`openai`, `anthropic`). */
  defaultName: string;
  client(options: SdkClientOptions): C;
  /** Opens the stream; passes `signal` to the SDK so that aborting closes the socket. */
  open(client: C, completion: SdkCompletion, signal: AbortSignal): Promise<AsyncIterable<E>>;
  /** Reads one stream event. */
  interpret(event: E): InterpretedEvent | undefined;
}

/**
 * Creates a streaming provider on one SDK.
 *
 * @example
 * ```ts
 * const llm = createSdkProvider(options, {
 *   defaultName: 'openai',
 *   client: (o) => new OpenAI(o),
 *   open: (client, c, signal) => client.chat.completions.create({ ... }, { signal }),
 *   interpret: (chunk) => ({ text: chunk.choices[0]?.delta?.content ?? undefined }),
 * });
 * ```
 */
export function createSdkProvider<C, E>(
  options: LlmProviderOptions,
  binding: SdkBinding<C, E>,
): LlmProvider {
  const timeouts = streamTimeouts(options);
  const name = options.name ?? binding.defaultName;
  const client = binding.client({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    timeout: timeouts.firstTokenMs,
    logLevel: 'off',
  });
  const metrics = options.registry ? llmMetrics(options.registry) : undefined;
  const model = options.model;
  return {
    provider: name,
    model,
    stream: (request) =>
      guardStream<E>({
        provider: name,
        model,
        request,
        timeouts,
        metrics,
        open: (signal) =>
          binding.open(
            client,
            {
              model,
              system: request.system,
              messages: request.messages,
              tools: request.tools ?? [],
              toolRounds: request.toolRounds ?? [],
              maxTokens: request.maxTokens ?? options.maxTokens ?? 300,
              sampling:
                request.temperature !== undefined ? { temperature: request.temperature } : {},
            },
            signal,
          ),
        interpret: binding.interpret,
      }),
  };
}
