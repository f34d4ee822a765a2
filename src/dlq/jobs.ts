/**
 * The jobs of the dead-letter queue: what is submitted, how a handler is called, the envelope
 * stored in Redis (and in the spill file), and how a stored envelope is read back.
 *
 * @module
 */

/** A unit of post-call work. `payload` must survive JSON. */
export interface DeadLetterJob {
  kind: string;
  payload: unknown;
}

/** Runs one job; throws to fail the attempt. */
export type JobHandler = (payload: unknown, info: { id: string; attempt: number }) => Promise<void>;

/** A job as stored in Redis. */
export interface JobEnvelope extends DeadLetterJob {
  id: string;
  /** Attempts made so far. */
  attempts: number;
  createdAt: number;
  lastError?: string;
  failedAt?: number;
}

/** What happened to a submitted job. */
export type SubmitResult = 'done' | 'queued' | 'buffered';

/** Counts of the queue's jobs. */
export interface QueueStats {
  ready: number;
  delayed: number;
  failed: number;
  buffered: number;
}

/** Parses a stored envelope; undefined when it is not JSON or has no string `id` and `kind`. */
export function parseEnvelope(text: string): JobEnvelope | undefined {
  try {
    const v = JSON.parse(text) as JobEnvelope;
    return typeof v?.id === 'string' && typeof v.kind === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The message of a handler's failure, as stored in `lastError`. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
