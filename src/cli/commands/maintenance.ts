/**
 * `voxstate maintenance [--retention-days N] [--recording-retention-days N] [--data-dir DIR]
 * [--json]`: deletes call records older than the retention period (`VOXSTATE_RETENTION_DAYS`,
 * default 30) and compacts the `calls` table; finishes the recordings a crash left open and
 * deletes recordings older than theirs (`VOXSTATE_RECORDING_RETENTION_DAYS`, default 30). Safe
 * to run from cron while the runtime is up (a recording being written is left alone).
 *
 * @module
 */

import { enforceRecordingRetention, repairRecordings } from '../../calllog/recordings.js';
import {
  enforceRetention,
  recordingRetentionDaysFromEnv,
  retentionDaysFromEnv,
} from '../../calllog/retention.js';
import { readEnv } from '../../config/schema.js';
import { openCallStore } from '../../cost/store.js';
import {
  type CommandIo,
  type CommandSpec,
  numberOption,
  parseCommand,
  processIo,
  reportErrors,
  UsageError,
} from '../io.js';

/** The options of `voxstate maintenance` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'maintenance',
  usage: ['voxstate maintenance [options]'],
  options: {
    'retention-days': {
      type: 'string',
      value: '<n>',
      help: 'keep calls of the last n days (default VOXSTATE_RETENTION_DAYS or 30)',
    },
    'recording-retention-days': {
      type: 'string',
      value: '<n>',
      help: 'keep recordings of the last n days (default VOXSTATE_RECORDING_RETENTION_DAYS or 30)',
    },
    'data-dir': {
      type: 'string',
      value: '<dir>',
      help: 'data folder: LanceDB and recordings (default VOXSTATE_DATA_DIR or ./data)',
    },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
} satisfies CommandSpec;

/** Runs `voxstate maintenance`; returns the exit code. */
export async function run(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  return reportErrors('maintenance', io, async () => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const days =
      numberOption(values, 'retention-days', {
        min: Number.MIN_VALUE,
        what: 'a positive number of days',
      }) ?? retentionDaysFromEnv(process.env);
    const recordingDays =
      numberOption(values, 'recording-retention-days', {
        min: Number.MIN_VALUE,
        what: 'a positive number of days',
      }) ?? recordingRetentionDaysFromEnv(process.env);
    const dataDir =
      values['data-dir'] ??
      readEnv(process.env, ['VOXSTATE_DATA_DIR']).VOXSTATE_DATA_DIR ??
      './data';
    const store = await openCallStore({ dataDir });
    try {
      const result = await enforceRetention(store, days);
      const remaining = await store.count();
      const { repaired } = await repairRecordings(dataDir);
      const recordings = await enforceRecordingRetention(dataDir, recordingDays);
      if (values.json) {
        io.out.write(
          `${JSON.stringify({
            days,
            ...result,
            remaining,
            recordings: { days: recordingDays, ...recordings, repaired },
          })}\n`,
        );
      } else {
        io.out.write(
          `retention ${days} days: deleted ${result.deleted} calls that started before ` +
            `${new Date(result.cutoff).toISOString()}; ${remaining} kept\n` +
            `recordings ${recordingDays} days: deleted ${recordings.deleted} last written before ` +
            `${new Date(recordings.cutoff).toISOString()}; ${recordings.kept} kept` +
            `${repaired.length > 0 ? `; finished ${repaired.length} left open by a crash` : ''}\n`,
        );
      }
    } finally {
      store.close();
    }
    return 0;
  });
}
