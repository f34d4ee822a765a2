/**
 * What happens to a call's cost and record when the call ends, in one place: the cost metrics,
 * the anomaly check, and the durable write of the call record through the dead-letter queue, so
 * that a briefly unwritable LanceDB or a restart loses nothing.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { DeadLetterQueue } from '../dlq/dead-letter-queue.js';
import type { SubmitResult } from '../dlq/jobs.js';
import type { Logger } from '../telemetry/logger.js';
import { CostAnomalyDetector, type CostVerdict } from './anomaly.js';
import { recordCallCost } from './metrics.js';
import type { CallRecord, CallStore } from './store.js';

/** The dead-letter job kind that writes a call record. */
export const CALL_RECORD_JOB = 'call.record';

/** Options for {@link createCallRecorder}. */
export interface CallRecorderOptions {
  store: CallStore;
  dlq: DeadLetterQueue;
  registry: Registry;
  logger?: Logger;
  /** Seed the anomaly detector with the calls of this many past days (default 7; 0 = none). */
  seedDays?: number;
}

/** Records finished calls. */
export interface CallRecorder {
  /** Counts the cost, checks it for an anomaly, and writes the record (directly or queued). */
  finish(record: CallRecord): Promise<{ verdict: CostVerdict; write: SubmitResult }>;
  readonly detector: CostAnomalyDetector;
}

/**
 * Registers the `call.record` handler on the queue and returns the recorder.
 *
 * @example
 * ```ts
 * const recorder = await createCallRecorder({ store, dlq, registry, logger });
 * // when a call ends:
 * await recorder.finish({ id, startedAt, endedAt, direction, flags, cost: ledger.breakdown(),
 *   turns, endReason, events: log.toJSON() });
 * ```
 */
export async function createCallRecorder(options: CallRecorderOptions): Promise<CallRecorder> {
  const { store, dlq, registry, logger } = options;
  dlq.handle(CALL_RECORD_JOB, (payload) => store.write(payload as CallRecord));
  const days = options.seedDays ?? 7;
  let seed: number[] = [];
  if (days > 0) {
    try {
      const calls = await store.queryCalls({ since: Date.now() - days * 86_400_000 });
      seed = calls.map((c) => c.cost.total);
    } catch (err) {
      logger?.warn(
        { err: (err as Error).message },
        'cost history unavailable; anomaly average starts empty',
      );
    }
  }
  const detector = new CostAnomalyDetector({ registry, ...(logger ? { logger } : {}), seed });
  return {
    detector,
    async finish(record) {
      recordCallCost(registry, record.cost, record.flags);
      const verdict = detector.observe(record.id, record.cost.total);
      const write = await dlq.submit({ kind: CALL_RECORD_JOB, payload: record });
      return { verdict, write };
    },
  };
}
