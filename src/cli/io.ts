/**
 * What every `voxstate` command shares: its output streams (replaceable in tests), its option
 * table (one per command, read by its parser, its `--help` and the docs test), the parsing of
 * its arguments with one line and exit code 2 for a usage error, and the logger of the
 * interactive commands (short `warning: ...` lines on stderr).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { readEnv } from '../config/schema.js';
import { VoxstateError } from '../errors.js';
import { createLogger, type Logger } from '../telemetry/logger.js';

/** Output streams, replaceable in tests. */
export interface CommandIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The process's own stdout and stderr. */
export function processIo(): CommandIo {
  return { out: process.stdout, err: process.stderr };
}

/** Exit code of a wrong command line (unknown option, bad option value, missing argument). */
export const USAGE_EXIT = 2;

/** A wrong command line: printed as one line, exit code {@link USAGE_EXIT}. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in `--help`, e.g. `<file>`; `[=port]` for an optional value. */
  value?: string;
  /** One line for `--help`. */
  help: string;
  /**
   * The value may be attached (`--inspect=9000`) or left out (`--inspect`); such options are
   * taken out of the arguments before parsing and read by the command from `argv`.
   */
  optionalValue?: boolean;
  /** A `string` option that may be given more than once; its value is then a list. */
  multiple?: boolean;
}

/** A command's options, by long name (without the dashes). */
export type OptionTable = Record<string, OptionSpec>;

/** Everything `--help` prints and the parser checks, for one command. */
export interface CommandSpec {
  name: string;
  /** Synopsis lines, without the leading `usage: `, e.g. `voxstate kb search "<text>"`. */
  usage: readonly string[];
  /** Sub-commands, when the first positional argument is one (`kb ingest`, `dlq list`). */
  subcommands?: readonly string[];
  /** A paragraph printed after the synopsis. */
  description?: string;
  options: OptionTable;
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };

/** The `--help` text of a command, generated from its spec. */
export function helpText(spec: CommandSpec): string {
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}`;
    const value = o.value ? (o.optionalValue ? o.value : ` ${o.value}`) : '';
    return [`${flag}${value}`, o.help] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  const [first, ...rest] = spec.usage;
  return [
    `usage: ${first}`,
    ...rest.map((u) => `       ${u}`),
    '',
    ...(spec.description ? [spec.description, ''] : []),
    ...rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`),
    '',
  ].join('\n');
}

/** The values of a command's options: strings for `string` options, booleans for the rest. */
export type OptionValues<T extends OptionTable = OptionTable> = {
  [K in keyof T]?: T[K]['type'] extends 'string'
    ? T[K] extends { multiple: true }
      ? string[]
      : string
    : boolean;
} & { help?: boolean };

/** Parsed arguments: option values by name, and the positionals. */
export interface ParsedCommand<T extends OptionTable = OptionTable> {
  values: OptionValues<T>;
  positionals: string[];
}

/**
 * Parses `argv` against `spec`. Returns the parsed arguments, or the exit code when the command
 * is done already: 0 after printing the help for `--help`/`-h`, {@link USAGE_EXIT} after one line
 * on stderr for an unknown option, a missing value or an unknown sub-command.
 *
 * @example
 * ```ts
 * const parsed = parseCommand(SPEC, argv, io);
 * if (typeof parsed === 'number') return parsed;
 * ```
 */
export function parseCommand<const S extends CommandSpec>(
  spec: S,
  argv: string[],
  io: Pick<CommandIo, 'out' | 'err'>,
): ParsedCommand<S['options']> | number {
  const optional = Object.entries(spec.options)
    .filter(([, o]) => o.optionalValue)
    .map(([name]) => name);
  const isOptional = (a: string) => optional.some((n) => a === `--${n}` || a.startsWith(`--${n}=`));
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options)) {
    if (!o.optionalValue)
      options[name] = {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.multiple ? { multiple: true } : {}),
      };
  }
  let parsed: ParsedCommand<S['options']>;
  try {
    parsed = parseArgs({
      args: argv.filter((a) => !isOptional(a)),
      allowPositionals: true,
      options,
    }) as ParsedCommand<S['options']>;
  } catch (err) {
    return usageFailure(spec, io, (err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  if (parsed.values.help) {
    io.out.write(helpText(spec));
    return 0;
  }
  const sub = parsed.positionals[0];
  if (spec.subcommands && (sub === undefined || !spec.subcommands.includes(sub))) {
    const expected = spec.subcommands.map((s) => `"${s}"`).join(' or ');
    return usageFailure(
      spec,
      io,
      sub === undefined
        ? `expected ${expected}`
        : `unknown sub-command "${sub}", expected ${expected}`,
    );
  }
  return parsed;
}

function usageFailure(spec: CommandSpec, io: Pick<CommandIo, 'err'>, message: string): number {
  io.err.write(`voxstate ${spec.name}: ${message} (voxstate ${spec.name} --help)\n`);
  return USAGE_EXIT;
}

/**
 * A number given with `--<flag>`: undefined when absent, else a finite number within the
 * bounds, or a {@link UsageError} naming the flag.
 */
export function numberOption(
  values: Record<string, string | string[] | boolean | undefined>,
  flag: string,
  bounds: { min?: number; max?: number; integer?: boolean; what?: string } = {},
): number | undefined {
  const raw = values[flag];
  if (raw === undefined || typeof raw !== 'string') return undefined;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  const ok =
    Number.isFinite(n) &&
    (bounds.integer !== true || Number.isInteger(n)) &&
    (bounds.min === undefined || n >= bounds.min) &&
    (bounds.max === undefined || n <= bounds.max);
  if (!ok) {
    const range =
      bounds.min !== undefined && bounds.max !== undefined
        ? ` from ${bounds.min} to ${bounds.max}`
        : bounds.min !== undefined
          ? ` of at least ${bounds.min}`
          : '';
    throw new UsageError(
      `--${flag} must be ${bounds.what ?? `a${bounds.integer ? 'n integer' : ' number'}${range}`}, got "${raw}"`,
    );
  }
  return n;
}

/**
 * Runs a command body, turning the errors a user can cause into one line on stderr: a
 * {@link UsageError} exits {@link USAGE_EXIT}, a `VoxstateError` (configuration, I/O, a
 * service) exits 1. Anything else is a bug and is re-thrown with its stack.
 */
export async function reportErrors(
  command: string,
  io: Pick<CommandIo, 'err'>,
  body: () => Promise<number>,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.err.write(`voxstate ${command}: ${err.message}\n`);
      return USAGE_EXIT;
    }
    if (err instanceof VoxstateError && !readEnv(env, ['VOXSTATE_DEBUG']).VOXSTATE_DEBUG) {
      io.err.write(`voxstate ${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

/**
 * The logger of an interactive command: `warning: <message>` lines on `io.err` (level
 * `VOXSTATE_LOG_LEVEL`, default `warn`), so that stdout carries only the command's result.
 */
export function commandLogger(
  io: Pick<CommandIo, 'err'>,
  env: Record<string, string | undefined>,
): Logger {
  const config = readEnv(env, ['VOXSTATE_LOG_LEVEL', 'VOXSTATE_LOG_PII']);
  return createLogger({
    level: config.VOXSTATE_LOG_LEVEL ?? 'warn',
    redact: !config.VOXSTATE_LOG_PII,
    format: 'human',
    destination: io.err,
  });
}
