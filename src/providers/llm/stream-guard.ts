/**
 * The part every streaming LLM provider shares: first-token and idle (stall) timeouts that
 * really abort the HTTP request, cancellation from the caller's signal, refusal and empty-answer
 * detection, usage accounting, metrics, and error mapping. A provider only says how to open its
 * SDK stream and how to read one SDK event.
 *
 * @module
 */
import { AbortedError, errorKind, TimeoutError } from '../../errors.js';
import { EmptyAnswerError, mapSdkError, RefusalError } from './llm-errors.js';
import type { LlmMetrics } from './llm-metrics.js';
import type { LlmChunk, LlmRequest, LlmUsage, ToolCall } from './llm-provider.js';

/** Deadlines of one streamed completion, ms. */
export interface StreamTimeouts {
  /** From the request to the first text delta. */
  firstTokenMs: number;
  /** Longest silence between two events once the stream has started. */
  idleMs: number;
}

/** A provider's stream deadlines from its options (5 s each unless set). */
export function streamTimeouts(options: {
  firstTokenTimeoutMs?: number;
  idleTimeoutMs?: number;
}): StreamTimeouts {
  return {
    firstTokenMs: options.firstTokenTimeoutMs ?? 5000,
    idleMs: options.idleTimeoutMs ?? 5000,
  };
}

/** What one SDK event means for us. */
export interface InterpretedEvent {
  text?: string;
  /** A piece of a tool call: the block `index`, its id and name once, its JSON arguments in parts. */
  tool?: { index: number; id?: string; name?: string; arguments?: string };
  refusal?: string;
  inputTokens?: number;
  outputTokens?: number;
}

/** Inputs of {@link guardStream}. */
export interface GuardOptions<E> {
  provider: string;
  model: string;
  request: LlmRequest;
  timeouts: StreamTimeouts;
  metrics?: LlmMetrics | undefined;
  /** Opens the SDK stream; must pass `signal` to the SDK so that aborting closes the socket. */
  open: (signal: AbortSignal) => Promise<AsyncIterable<E>>;
  /** Reads one SDK event. */
  interpret: (event: E) => InterpretedEvent | undefined;
  now?: () => number;
}

/** Rough token estimate (4 characters a token) for servers that report no usage. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/**
 * Runs one guarded streaming completion and yields voxstate {@link LlmChunk}s: text deltas, then
 * usage once. Throws {@link TimeoutError}, {@link AbortedError}, {@link RefusalError},
 * {@link EmptyAnswerError} or a mapped `ProviderError`. Breaking out of the iteration aborts the
 * HTTP request.
 */
export async function* guardStream<E>(options: GuardOptions<E>): AsyncGenerator<LlmChunk> {
  const { provider, model, request, timeouts, metrics } = options;
  const now = options.now ?? performance.now.bind(performance);
  const inner = new AbortController();
  const callerSignal = request.signal;
  const onCallerAbort = () => inner.abort(callerSignal?.reason);
  if (callerSignal?.aborted) throw new AbortedError(`${provider} stream`);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

  let timedOut: TimeoutError | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (what: string, ms: number) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = new TimeoutError(`${provider} ${model} ${what}`, ms);
      inner.abort(timedOut);
    }, ms);
  };

  const started = now();
  let sawText = false;
  let text = '';
  const tools = new Map<number, ToolCall>();
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  const promptChars =
    request.system.length +
    request.messages.reduce((n, m) => n + m.content.length, 0) +
    (request.toolRounds ?? []).reduce(
      (n, r) => n + r.text.length + r.results.reduce((k, x) => k + x.content.length, 0),
      0,
    );

  try {
    arm('first token', timeouts.firstTokenMs);
    const events = await options.open(inner.signal);
    for await (const event of events) {
      const got = options.interpret(event);
      if (!got) continue;
      if (got.inputTokens !== undefined) inputTokens = got.inputTokens;
      if (got.outputTokens !== undefined) outputTokens = got.outputTokens;
      if (got.refusal !== undefined) throw new RefusalError(provider, got.refusal);
      if (got.tool) {
        const t = got.tool;
        const call = tools.get(t.index) ?? { id: '', name: '', arguments: '' };
        if (t.id) call.id = t.id;
        if (t.name) call.name = t.name;
        if (t.arguments) call.arguments += t.arguments;
        tools.set(t.index, call);
        if (!sawText) {
          sawText = true;
          metrics?.firstToken.observe({ provider, model }, (now() - started) / 1000);
        }
        arm('stream idle', timeouts.idleMs);
      } else if (got.text) {
        if (!sawText) {
          sawText = true;
          metrics?.firstToken.observe({ provider, model }, (now() - started) / 1000);
        }
        text += got.text;
        // The clock stops while the consumer holds the chunk (a slow consumer is not a stall).
        if (timer !== undefined) clearTimeout(timer);
        yield { type: 'text', text: got.text };
        arm('stream idle', timeouts.idleMs);
      } else if (sawText) {
        arm('stream idle', timeouts.idleMs);
      }
    }
    if (timedOut) throw timedOut;
    if (callerSignal?.aborted) throw new AbortedError(`${provider} stream`);
    if (text.trim() === '' && tools.size === 0) throw new EmptyAnswerError(provider);
    for (const call of [...tools.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c)) {
      yield { type: 'tool_call', call };
    }
    const usage: LlmUsage = {
      inputTokens: inputTokens ?? estimateTokens(promptChars),
      outputTokens: outputTokens ?? estimateTokens(text.length),
      ...(inputTokens === undefined || outputTokens === undefined ? { estimated: true } : {}),
    };
    metrics?.tokens.inc({ provider, model, direction: 'input' }, usage.inputTokens);
    metrics?.tokens.inc({ provider, model, direction: 'output' }, usage.outputTokens);
    yield { type: 'usage', usage };
  } catch (err) {
    let mapped = timedOut ?? mapSdkError(provider, err, timeouts.firstTokenMs);
    if (!timedOut && callerSignal?.aborted) mapped = new AbortedError(`${provider} stream`);
    if (!(mapped instanceof AbortedError)) {
      metrics?.errors.inc({ provider, model, kind: errorKind(mapped) });
    }
    throw mapped;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
    if (!inner.signal.aborted) inner.abort();
  }
}
