/**
 * LLM-specific failures (a refused or empty answer) and the mapping of OpenAI / Anthropic SDK
 * errors onto voxstate's typed errors.
 *
 * @module
 */
import { AbortedError, ProviderError, TimeoutError, type VoxstateError } from '../../errors.js';

/** The model declined to answer (a provider refusal signal or a refusal-shaped opening). */
export class RefusalError extends ProviderError {
  /** The refusal text, when the provider sent one. */
  readonly refusal: string;
  constructor(provider: string, refusal: string) {
    super(provider, 'the model refused to answer', { retryable: true });
    this.refusal = refusal;
  }
}

/** The stream ended without any text. */
export class EmptyAnswerError extends ProviderError {
  constructor(provider: string) {
    super(provider, 'the model returned an empty answer', { retryable: true });
  }
}

/** The shape shared by both SDKs' `APIError`. */
interface SdkApiErrorLike {
  name: string;
  message: string;
  status?: number | undefined;
}

/**
 * Maps an error thrown by the OpenAI or Anthropic SDK to a voxstate error: user aborts to
 * {@link AbortedError}, SDK timeouts to {@link TimeoutError}, HTTP and connection failures to
 * {@link ProviderError} with `status` and `retryable` (429, 408, 409, 5xx and connection errors
 * are retryable; other 4xx are not).
 */
export function mapSdkError(provider: string, err: unknown, timeoutMs: number): VoxstateError {
  if (err instanceof ProviderError || err instanceof TimeoutError || err instanceof AbortedError) {
    return err;
  }
  const e = err as SdkApiErrorLike;
  const name = typeof e?.name === 'string' ? e.name : '';
  if (name === 'APIUserAbortError' || name === 'AbortError') {
    return new AbortedError(`${provider} stream`, { cause: err });
  }
  if (name === 'APIConnectionTimeoutError') {
    return new TimeoutError(`${provider} request`, timeoutMs, { cause: err });
  }
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const retryable =
    status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  return new ProviderError(provider, message, { status, retryable, cause: err });
}

/**
 * True when `err` says the provider itself is unavailable (connection failure, 5xx, 529
 * overloaded, 429 rate limit, or a first-token timeout), so that a fail-over to another provider
 * makes sense. Refusals and empty answers are answers, not outages.
 */
export function isProviderDown(err: unknown): boolean {
  if (err instanceof RefusalError || err instanceof EmptyAnswerError) return false;
  if (err instanceof TimeoutError) return true;
  if (err instanceof ProviderError) {
    return err.status === undefined || err.status === 429 || err.status >= 500;
  }
  return false;
}
