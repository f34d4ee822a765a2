/**
 * `voxstate maintenance [--retention-days N] [--data-dir DIR] [--json]`: deletes call records
 * older than the retention period (`VOXSTATE_RETENTION_DAYS`, default 30) and compacts the
 * `calls` table. Safe to run from cron while the runtime is up.
 *
 * @module
 */

import { enforceRetention, retentionDaysFromEnv } from '../../calllog/retention.js';
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
    'data-dir': {
      type: 'string',
      value: '<dir>',
      help: 'LanceDB folder (default VOXSTATE_DATA_DIR or ./data)',
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
    const store = await openCallStore(values['data-dir'] ? { dataDir: values['data-dir'] } : {});
    try {
      const result = await enforceRetention(store, days);
      const remaining = await store.count();
      if (values.json) io.out.write(`${JSON.stringify({ days, ...result, remaining })}\n`);
      else {
        io.out.write(
          `retention ${days} days: deleted ${result.deleted} calls that started before ` +
            `${new Date(result.cutoff).toISOString()}; ${remaining} kept\n`,
        );
      }
    } finally {
      store.close();
    }
    return 0;
  });
}
