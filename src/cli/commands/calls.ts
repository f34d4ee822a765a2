/**
 * `voxstate calls list [--limit N] [--since 7d] [--json]` and `voxstate calls show <id>
 * [--json]`: the stored calls (the `calls` table in the data folder), newest first, and one
 * call's timeline from its event log, its transcript (when `VOXSTATE_LOG_TRANSCRIPTS` allows),
 * its recording and its cost. The caller's number is shown only with `VOXSTATE_LOG_PII`.
 *
 * @module
 */
import { findRecording } from '../../calllog/recordings.js';
import { readEnv } from '../../config/schema.js';
import { parseSince } from '../../cost/report.js';
import { openCallStore } from '../../cost/store.js';
import { ConfigError } from '../../errors.js';
import { detailOf, formatDetail, formatList, summarize, type ViewPolicy } from '../call-view.js';
import {
  type CommandIo,
  type CommandSpec,
  numberOption,
  parseCommand,
  processIo,
  reportErrors,
  UsageError,
} from '../io.js';

/** The options of `voxstate calls` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'calls',
  usage: ['voxstate calls list [options]', 'voxstate calls show <id> [options]'],
  subcommands: ['list', 'show'],
  options: {
    limit: {
      type: 'string',
      value: '<n>',
      help: 'list: at most n calls, newest first (default 20)',
    },
    since: {
      type: 'string',
      value: '<date|duration>',
      help: 'list: calls started since 2026-11-01, or in the last 7d / 24h (default all)',
    },
    json: { type: 'boolean', help: 'print JSON (list: one array; show: one object)' },
    'data-dir': {
      type: 'string',
      value: '<dir>',
      help: 'data folder (default VOXSTATE_DATA_DIR or ./data)',
    },
  },
} satisfies CommandSpec;

/** Runs `voxstate calls ...`; returns the exit code. */
export async function run(
  argv: string[],
  io: CommandIo = processIo(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  return reportErrors('calls', io, async () => {
    const [sub, id, extra] = positionals;
    if (sub === 'show' && id === undefined) throw new UsageError('show needs a call id');
    const unexpected = sub === 'show' ? extra : id;
    if (unexpected !== undefined) throw new UsageError(`unexpected argument "${unexpected}"`);
    const limit =
      numberOption(values, 'limit', { min: 1, integer: true, what: 'a positive integer' }) ?? 20;
    let since: number | undefined;
    if (values.since !== undefined) {
      try {
        since = parseSince(values.since);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
    }
    const settings = readEnv(env, [
      'VOXSTATE_DATA_DIR',
      'VOXSTATE_LOG_PII',
      'VOXSTATE_LOG_TRANSCRIPTS',
    ]);
    const dataDir = values['data-dir'] ?? settings.VOXSTATE_DATA_DIR ?? './data';
    const policy: ViewPolicy = {
      pii: settings.VOXSTATE_LOG_PII,
      transcripts: settings.VOXSTATE_LOG_TRANSCRIPTS,
    };
    const store = await openCallStore({ dataDir });
    try {
      if (sub === 'show') {
        const record = await store.getCall(id!);
        if (!record) throw new ConfigError(`no call "${id}" in ${dataDir}`);
        const file = record.recordingPath
          ? await findRecording(dataDir, record.id, record.recordingPath).catch(() => undefined)
          : undefined;
        const detail = detailOf(record, policy, file);
        io.out.write(values.json ? `${JSON.stringify(detail)}\n` : formatDetail(detail));
        return 0;
      }
      const calls = (await store.queryCalls(since !== undefined ? { since } : {}))
        .sort((a, b) => b.startedAt - a.startedAt)
        .slice(0, limit)
        .map((r) => summarize(r, policy));
      io.out.write(values.json ? `${JSON.stringify(calls)}\n` : formatList(calls));
    } finally {
      store.close();
    }
    return 0;
  });
}
