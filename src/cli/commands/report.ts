/**
 * `voxstate report costs [--since 2026-11-01|7d] [--by day|model] [--json] [--data-dir DIR]`:
 * daily (or per-model) cost totals of the stored calls, the average per call, the saving from
 * routing and caches against the all-strong-model, no-cache baseline, the cost per flag variant,
 * and the calls that cost more than 200% of the average.
 *
 * @module
 */

import { buildCostReport, formatCostReport, parseSince } from '../../cost/report.js';
import { openCallStore } from '../../cost/store.js';
import { ConfigError } from '../../errors.js';
import {
  type CommandIo,
  type CommandSpec,
  parseCommand,
  processIo,
  reportErrors,
  UsageError,
} from '../io.js';

/** The options of `voxstate report` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'report',
  usage: ['voxstate report costs [options]'],
  subcommands: ['costs'],
  options: {
    since: {
      type: 'string',
      value: '<date|duration>',
      help: 'calls started since 2026-11-01, or in the last 7d / 24h (default 30d)',
    },
    by: {
      type: 'string',
      value: '<day|model>',
      help: 'one line per UTC day (default) or per component:model',
    },
    json: { type: 'boolean', help: 'print the report as JSON' },
    'data-dir': {
      type: 'string',
      value: '<dir>',
      help: 'LanceDB folder (default VOXSTATE_DATA_DIR or ./data)',
    },
  },
} satisfies CommandSpec;

/** Runs `voxstate report ...`; returns the exit code. */
export async function run(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  return reportErrors('report', io, async () => {
    if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    if (values.by !== undefined && values.by !== 'day' && values.by !== 'model') {
      throw new UsageError(`--by must be "day" or "model", got "${values.by}"`);
    }
    let since: number;
    try {
      since = parseSince(values.since ?? '30d');
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(err.message);
      throw err;
    }
    const store = await openCallStore(values['data-dir'] ? { dataDir: values['data-dir'] } : {});
    try {
      const calls = await store.queryCalls({ since });
      const report = buildCostReport(calls, { by: values.by === 'model' ? 'model' : 'day' });
      if (values.json) {
        io.out.write(`${JSON.stringify({ since: new Date(since).toISOString(), ...report })}\n`);
      } else {
        io.out.write(`costs since ${new Date(since).toISOString().slice(0, 10)} (UTC)\n\n`);
        io.out.write(formatCostReport(report));
      }
    } finally {
      store.close();
    }
    return 0;
  });
}

export type { CommandIo } from '../io.js';
