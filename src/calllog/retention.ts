/**
 * Retention of call records: rows older than `VOXSTATE_RETENTION_DAYS` (default 30) are deleted
 * from the `calls` table and the table is compacted, by `voxstate maintenance` and at start-up.
 *
 * @module
 */

import { type RawEnv, readEnv } from '../config/schema.js';
import { ConfigError } from '../errors.js';

/** Default retention period, days. */
export const DEFAULT_RETENTION_DAYS = 30;

const DAY_MS = 86_400_000;

/** The part of the call store that retention needs. */
export interface RetainableStore {
  deleteStartedBefore(epochMs: number): Promise<number>;
  compact(): Promise<void>;
}

/** What {@link enforceRetention} did. */
export interface RetentionResult {
  /** Calls that started before this epoch ms were deleted. */
  cutoff: number;
  deleted: number;
}

/**
 * The retention period from `VOXSTATE_RETENTION_DAYS` (a positive number of days).
 *
 * @throws ConfigError for a value that is not a positive number (or any other wrong setting).
 */
export function retentionDaysFromEnv(env: RawEnv = process.env): number {
  return readEnv(env).VOXSTATE_RETENTION_DAYS;
}

/**
 * The recordings' retention period from `VOXSTATE_RECORDING_RETENTION_DAYS` (default 30).
 *
 * @throws ConfigError for a value that is not a positive number (or any other wrong setting).
 */
export function recordingRetentionDaysFromEnv(env: RawEnv = process.env): number {
  return readEnv(env).VOXSTATE_RECORDING_RETENTION_DAYS;
}

/**
 * Deletes call records older than `days` and compacts the table when anything was deleted.
 *
 * @example
 * ```ts
 * const { deleted } = await enforceRetention(store, retentionDaysFromEnv());
 * ```
 */
export async function enforceRetention(
  store: RetainableStore,
  days: number,
  now: number = Date.now(),
): Promise<RetentionResult> {
  if (!Number.isFinite(days) || days <= 0) {
    throw new ConfigError(`retention must be a positive number of days, not ${days}`);
  }
  const cutoff = now - days * DAY_MS;
  const deleted = await store.deleteStartedBefore(cutoff);
  if (deleted > 0) await store.compact();
  return { cutoff, deleted };
}
