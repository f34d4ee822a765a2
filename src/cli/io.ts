/**
 * What every `voxstate` command shares: its output streams (replaceable in tests) and the
 * parsing of its arguments, with one error line for a wrong option and the usage for `--help`.
 *
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Output streams, replaceable in tests. */
export interface CommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** The process's own stdout and stderr. */
export function processIo(): CommandIo {
  return { out: process.stdout, err: process.stderr };
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments of a command. */
export type ParsedCommand<O extends Options> = {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
  positionals: string[];
};

/**
 * Parses `argv` for `voxstate <command>`. Returns the parsed arguments, or the exit code when
 * the command is done already: 0 after printing `usage` for `--help`/`-h`, 1 after one line on
 * stderr for a wrong option.
 *
 * @example
 * ```ts
 * const parsed = parseCommand('report', argv, { json: { type: 'boolean' } }, io, USAGE);
 * if (typeof parsed === 'number') return parsed;
 * ```
 */
export function parseCommand<const O extends Options>(
  command: string,
  argv: string[],
  options: O,
  io: CommandIo,
  usage: string,
): ParsedCommand<O> | number {
  let parsed: ParsedCommand<O>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }) as ParsedCommand<O>;
  } catch (err) {
    io.err.write(`voxstate ${command}: ${(err as Error).message}\n`);
    return 1;
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out.write(usage);
    return 0;
  }
  return parsed;
}
