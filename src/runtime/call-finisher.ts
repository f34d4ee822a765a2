/**
 * What happens to a call after it ends: its cost breakdown and event log become one call
 * record, counted in Prometheus, checked for a cost anomaly, and written to the `calls` table.
 * With Redis the write goes through the dead-letter queue (retried, never lost); without it the
 * record is written directly and a failed write is logged and counted.
 *
 * @module
 */
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { CallSession } from '../calls/session.js';
import { CostAnomalyDetector } from '../cost/anomaly.js';
import { recordCallCost } from '../cost/metrics.js';
import { type CallRecorder, createCallRecorder } from '../cost/recorder.js';
import { type CallRecord, type CallStore, openCallStore } from '../cost/store.js';
import { DeadLetterQueue, type DeadLetterQueueOptions } from '../dlq/dead-letter-queue.js';
import { errorKind } from '../errors.js';
import type { CallOutput } from '../machines/call.types.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';

/** Records finished calls. */
export interface CallFinisher {
  finish(session: CallSession, output: CallOutput): void;
  /** Records a call that ended without a call machine (answering-machine detection). */
  finishRecord(record: CallRecord): void;
  /** Waits for pending writes and stops the queue worker. */
  close(): Promise<void>;
}

/** Options of {@link createCallFinisher}. */
export interface CallFinisherOptions {
  /** False records metrics only (no table). */
  enabled: boolean;
  dataDir: string;
  redis: Redis | undefined;
  registry: Registry;
  logger: Logger;
  /** Retry timing of the dead-letter queue (defaults: 60 s backoff, 1 s poll). */
  deadLetter?: Pick<DeadLetterQueueOptions, 'baseDelayMs' | 'pollMs'>;
}

/** The call record of a finished call. */
export function callRecord(session: CallSession, output: CallOutput): CallRecord {
  return {
    id: session.id,
    startedAt: session.startedAt,
    endedAt: Date.now(),
    direction: session.endpoint.direction,
    flags: session.flags,
    cost: session.ledger.breakdown(),
    turns: output.turns,
    endReason: output.endReason,
    events: session.log.toJSON(),
    ...(session.recordingPath ? { recordingPath: session.recordingPath } : {}),
  };
}

/** Creates the finisher for a runtime. */
export async function createCallFinisher(options: CallFinisherOptions): Promise<CallFinisher> {
  const { registry, logger } = options;
  const errors = catalogCounter(registry, 'voxstate_errors_total');
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  let store: CallStore | undefined;
  let dlq: DeadLetterQueue | undefined;
  let recorder: CallRecorder | undefined;
  if (options.enabled) {
    store = await openCallStore({ dataDir: options.dataDir });
    if (options.redis) {
      dlq = new DeadLetterQueue({
        redis: options.redis,
        registry,
        logger,
        spillFile: join(options.dataDir, 'dlq-spill.jsonl'),
        ...options.deadLetter,
      });
      recorder = await createCallRecorder({ store, dlq, registry, logger });
      dlq.start();
    }
  }
  const detector = recorder?.detector ?? new CostAnomalyDetector({ registry, logger });
  const finisher: CallFinisher = {
    finish(session, output) {
      finisher.finishRecord(callRecord(session, output));
    },
    finishRecord(record) {
      if (recorder) {
        track(
          recorder.finish(record).catch((err: unknown) => {
            errors.inc({ kind: errorKind(err), component: 'call_record' });
            logger.error({ callId: record.id, err: (err as Error).message }, 'call record lost');
          }),
        );
        return;
      }
      recordCallCost(registry, record.cost, record.flags);
      detector.observe(record.id, record.cost.total);
      if (!store) return;
      const s = store;
      track(
        s.write(record).catch((err: unknown) => {
          errors.inc({ kind: errorKind(err), component: 'call_record' });
          logger.error(
            { callId: record.id, err: (err as Error).message },
            'call record not written (no Redis for the dead-letter queue)',
          );
        }),
      );
    },
    async close() {
      await Promise.allSettled([...pending]);
      await dlq?.stop();
      store?.close();
    },
  };
  return finisher;
}
