/**
 * How log lines look on the way out. The logger always produces pino's JSON entries; this
 * module turns them into:
 *
 * - `json`: unchanged, one JSON object per line (what log collectors read; `voxstate serve`
 *   when its output is not a terminal);
 * - `pretty`: pino-pretty's multi-line form with time, level and every field (`voxstate serve`
 *   on a terminal, `--pretty` or `VOXSTATE_LOG_PRETTY=1`);
 * - `human`: one short line per entry, `warning: <message>`, for the interactive commands
 *   (`demo`, `kb`, `models`, `report`, `dlq`, `maintenance`, `call`), written to stderr so that
 *   their stdout carries only their result.
 *
 * Formatting is pino-pretty's, run in-process and synchronously (no worker thread), so a
 * command's last lines are written before it exits.
 *
 * @module
 */
import type { DestinationStream } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';

/** The shapes a log line can take, see the module header. */
export type LogFormat = 'json' | 'pretty' | 'human';

/** A stream that may be a terminal. */
export type LogDestination = NodeJS.WritableStream & { isTTY?: boolean };

/** What people read in place of pino's level numbers. */
function humanLevel(level: unknown): string {
  const n = Number(level);
  return n >= 50 ? 'error' : n >= 40 ? 'warning' : n >= 30 ? 'info' : n >= 20 ? 'debug' : 'trace';
}

/** `err` fields the logger writes (a message string, or pino's serialized error). */
function errText(err: unknown): string | undefined {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string')
    return (err as { message: string }).message;
  return undefined;
}

/**
 * A pino destination writing `format` (`pretty` or `human`) to `destination`.
 *
 * @example
 * ```ts
 * const log = pino({}, formattedDestination('human', process.stderr));
 * log.warn('no LLM provider configured'); // "warning: no LLM provider configured"
 * ```
 */
export function formattedDestination(
  format: Exclude<LogFormat, 'json'>,
  destination: LogDestination,
): DestinationStream {
  const colorize = isColorSupported && destination.isTTY === true;
  const prettify =
    format === 'pretty'
      ? prettyFactory({
          colorize,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,app',
        })
      : prettyFactory({
          colorize,
          ignore: 'time,pid,hostname,app,name',
          hideObject: true,
          // The one field a short line keeps: why it failed.
          messageFormat: (log, messageKey) => {
            const message = String(log[messageKey] ?? '');
            const err = errText(log.err);
            return err && !message.includes(err) ? `${message}: ${err}` : message;
          },
          customPrettifiers: {
            level: (level) => humanLevel(level),
          },
        });
  return {
    write(line: string): void {
      destination.write(prettify(line));
    },
  };
}
