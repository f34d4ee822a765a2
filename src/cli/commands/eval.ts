/**
 * `voxstate eval <suite>`: runs an eval suite of scripted calls on the simulated Asterisk against
 * the configured bot (offline without keys, in its own data folder `.voxstate/eval`), prints a
 * table of the calls with the failed checks and the cost against the baseline, writes JUnit XML
 * with `--junit` and the whole result as JSON with `--json`, and exits 1 when any check failed.
 * Progress goes to stderr: one line rewritten in place on a terminal, a line per call otherwise.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import { formatJunit, formatTable, progressLine } from '../../evals/report.js';
import { EVAL_DATA_DIR, runEval } from '../../evals/run-eval.js';
import { selectCalls } from '../../evals/select.js';
import { loadSuite } from '../../evals/suite.js';
import type { SttChoice } from '../../runtime/config.js';
import {
  type CommandIo,
  type CommandSpec,
  commandLogger,
  numberOption,
  parseCommand,
  processIo,
  reportErrors,
  UsageError,
} from '../io.js';

/** The options of `voxstate eval` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'eval',
  usage: ['voxstate eval <suite.json|suite.yaml> [options]'],
  description:
    'Scripted calls on the simulated Asterisk, checked turn by turn (answers, latency budgets,\n' +
    `outcome) with their cost against the baseline; data in ${EVAL_DATA_DIR}. Exit 1 on a failure.`,
  options: {
    junit: {
      type: 'string',
      value: '<file>',
      help: 'write JUnit XML (one test case per checked turn)',
    },
    json: { type: 'boolean', help: 'print only the result, as one JSON object' },
    concurrency: {
      type: 'string',
      value: '<n>',
      help: "calls at once (default the suite's, else 4)",
    },
    stt: {
      type: 'string',
      value: '<engine>',
      help: 'whisper | script (default: whisper when its model is present, else script)',
    },
    only: {
      type: 'string',
      multiple: true,
      value: '<pattern>',
      help: 'run only these calls: a number (7), a range (3-7), part of a name, or a glob (ru:*); repeat or comma-separate',
    },
    lang: {
      type: 'string',
      multiple: true,
      value: '<code>',
      help: 'run only the calls in these languages (en, ru...); repeat or comma-separate',
    },
    'data-dir': {
      type: 'string',
      value: '<dir>',
      help: `the eval's data folder (default ${EVAL_DATA_DIR})`,
    },
  },
} satisfies CommandSpec;

/** `voxstate eval`; resolves with the exit code. */
export async function run(
  argv: string[],
  io: CommandIo = processIo(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  return reportErrors(
    'eval',
    io,
    async () => {
      const [suitePath, extra] = positionals;
      if (suitePath === undefined) throw new UsageError('expected a suite file');
      if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
      const { stt } = values;
      if (stt !== undefined && stt !== 'whisper' && stt !== 'script') {
        throw new UsageError(`--stt must be "whisper" or "script", got "${stt}"`);
      }
      const concurrency = numberOption(values, 'concurrency', { min: 1, max: 64, integer: true });
      const whole = await loadSuite(suitePath);
      let suite: typeof whole;
      try {
        suite = selectCalls(whole, { only: values.only ?? [], languages: values.lang ?? [] });
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(err.message);
        throw err;
      }
      const tty = io.err.isTTY === true;
      let progress = '';
      const result = await runEval(suite, {
        env,
        logger: commandLogger(io, env),
        ...(stt ? { stt: stt as SttChoice } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
        onStart: (info) =>
          io.err.write(
            `voxstate eval: ${info.calls}${suite.calls.length < whole.calls.length ? ` of ${whole.calls.length}` : ''} calls of ${suite.name}, ${concurrency ?? suite.concurrency} at a time (stt ${info.stt}, answers ${info.answerer})\n`,
          ),
        onCall: (call, done, total) => {
          const line = progressLine(call, done, total);
          if (tty) {
            io.err.write(`\r\x1b[2K${line}`);
            progress = line;
            if (!call.passed) io.err.write('\n');
          } else {
            io.err.write(`${line}\n`);
          }
        },
      });
      if (tty && progress) io.err.write('\n');
      if (values.junit) {
        const file = resolve(values.junit);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, formatJunit(result));
      }
      io.out.write(values.json === true ? `${JSON.stringify(result)}\n` : formatTable(result));
      return result.passed ? 0 : 1;
    },
    env,
  );
}
