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
import { VoxstateError } from '../../errors.js';
import { type CommandIo, parseCommand, processIo } from '../io.js';

const USAGE = `usage: voxstate report costs [options]

  --since <date|duration>  calls started since 2026-11-01, or in the last 7d / 24h (default 30d)
  --by <day|model>         one line per UTC day (default) or per component:model
  --json                   print the report as JSON
  --data-dir <dir>         LanceDB folder (default VOXSTATE_DATA_DIR or ./data)
  -h, --help               show this help
`;

/** Runs `voxstate report ...`; returns the exit code. */
export async function run(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const parsed = parseCommand(
    'report',
    argv,
    {
      since: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    io,
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals[0] !== 'costs' || positionals.length > 1) {
    io.err.write(`voxstate report: expected "costs"\n${USAGE}`);
    return 1;
  }
  if (values.by !== undefined && values.by !== 'day' && values.by !== 'model') {
    io.err.write('voxstate report: --by must be "day" or "model"\n');
    return 1;
  }
  try {
    const since = parseSince(values.since ?? '30d');
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
  } catch (err) {
    if (!(err instanceof VoxstateError)) throw err;
    io.err.write(`voxstate report: ${err.message}\n`);
    return 1;
  }
}

export type { CommandIo } from '../io.js';
