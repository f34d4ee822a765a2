/**
 * `voxstate maintenance [--retention-days N] [--data-dir DIR] [--json]`: deletes call records
 * older than the retention period (`VOXSTATE_RETENTION_DAYS`, default 30) and compacts the
 * `calls` table. Safe to run from cron while the runtime is up.
 *
 * @module
 */

import { enforceRetention, retentionDaysFromEnv } from '../../calllog/retention.js';
import { openCallStore } from '../../cost/store.js';
import { VoxstateError } from '../../errors.js';
import { type CommandIo, parseCommand, processIo } from '../io.js';

const USAGE = `usage: voxstate maintenance [options]

  --retention-days <n>  keep calls of the last n days (default VOXSTATE_RETENTION_DAYS or 30)
  --data-dir <dir>      LanceDB folder (default VOXSTATE_DATA_DIR or ./data)
  --json                print the result as JSON
  -h, --help            show this help
`;

/** Runs `voxstate maintenance`; returns the exit code. */
export async function run(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const parsed = parseCommand(
    'maintenance',
    argv,
    {
      'retention-days': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
    },
    io,
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 0) {
    io.err.write(`voxstate maintenance: unexpected argument "${positionals[0]}"\n`);
    return 1;
  }
  try {
    const days = retentionDaysFromEnv(
      values['retention-days'] !== undefined
        ? { VOXSTATE_RETENTION_DAYS: values['retention-days'] }
        : process.env,
    );
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
  } catch (err) {
    if (!(err instanceof VoxstateError)) throw err;
    io.err.write(`voxstate maintenance: ${err.message}\n`);
    return 1;
  }
}
