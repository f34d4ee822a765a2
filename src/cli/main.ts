/**
 * The `voxstate` command line: `voxstate <command> [options]`.
 *
 * Each command lives in `src/cli/commands/<command>.ts` and exports its option table `SPEC` and
 * `run(argv: string[]): Promise<number>`; this entry only dispatches, loading a command's
 * module when it is used so that `voxstate --help` starts at once.
 *
 * @module
 */
import { readEnv } from '../config/schema.js';
import { VoxstateError } from '../errors.js';
import { exitWhenDone } from './exit.js';
import { type CommandSpec, USAGE_EXIT, UsageError } from './io.js';

/** A command's module: its option table (also read by `--help` and the docs test) and `run`. */
export interface CommandModule {
  SPEC: CommandSpec;
  run(argv: string[]): Promise<number>;
}

/** The commands, with a one-line summary each. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  serve: {
    summary: 'answer calls from Asterisk (ARI) with the ops server, until SIGTERM',
    load: () => import('./commands/serve.js'),
  },
  call: {
    summary: 'place one outbound call through Asterisk and print its outcome',
    load: () => import('./commands/call.js'),
  },
  demo: {
    summary: 'one scripted call on the simulated Asterisk, with a per-turn timeline and a WAV',
    load: () => import('./commands/demo.js'),
  },
  eval: {
    summary: 'run an eval suite of scripted calls: answers, latency budgets, outcome and cost',
    load: () => import('./commands/eval.js'),
  },
  kb: {
    summary: 'ingest and search the knowledge base',
    load: () => import('./commands/kb.js'),
  },
  models: {
    summary: 'list local models, or pull them into the model folder',
    load: () => import('./commands/models.js'),
  },
  report: {
    summary: 'cost report: daily totals, savings against the baseline, anomalies',
    load: () => import('./commands/report.js'),
  },
  dlq: {
    summary: 'list or retry failed background work in the dead-letter queue',
    load: () => import('./commands/dlq.js'),
  },
  calls: {
    summary: "list the stored calls, or show one call's timeline, transcript and recording",
    load: () => import('./commands/calls.js'),
  },
  maintenance: {
    summary: 'enforce the retention of call records and recordings',
    load: () => import('./commands/maintenance.js'),
  },
};

/** The help text. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`,
  );
  return [
    'voxstate: a voice-bot runtime for Asterisk',
    '',
    'usage: voxstate <command> [options]   (voxstate <command> --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`voxstate: unknown command "${name}" (voxstate --help)\n`);
    return USAGE_EXIT;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`voxstate ${name}: ${err.message}\n`);
      return USAGE_EXIT;
    }
    if (err instanceof VoxstateError && !readEnv(process.env, ['VOXSTATE_DEBUG']).VOXSTATE_DEBUG) {
      process.stderr.write(`voxstate ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

const entry = process.argv[1] ?? '';
if (/(?:^|[\\/])(?:main\.[jt]s|voxstate(?:\.js)?)$/.test(entry)) {
  main(process.argv.slice(2)).then(
    (code) => exitWhenDone(code),
    (err: unknown) => {
      console.error(err);
      exitWhenDone(1);
    },
  );
}
