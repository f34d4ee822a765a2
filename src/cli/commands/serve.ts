/**
 * `voxstate serve`: answers calls from Asterisk until SIGTERM or SIGINT. Every setting comes
 * from the environment (docs/configuration.md; secrets only there); `--inspect` turns the
 * Stately inspector on. A wrong setting prints one line naming the variable and exits 1; a
 * shutdown drains calls in progress (`VOXSTATE_DRAIN_MS`), flushes call records and exits 0.
 *
 * Logs are JSON lines on stdout for log collectors; pino-pretty's readable form when stdout is
 * a terminal, with `--pretty` or `VOXSTATE_LOG_PRETTY=1` (`VOXSTATE_LOG_PRETTY=0` forces JSON).
 * Third-party console output goes through the logger, so stdout stays JSON.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import { type RawEnv, readEnv } from '../../config/schema.js';
import { serve } from '../../runtime/serve.js';
import { createLogger, type LogFormat } from '../../telemetry/logger.js';
import { routeConsoleToLogger } from '../console-to-log.js';
import { type CommandSpec, parseCommand, reportErrors } from '../io.js';

/** The options of `voxstate serve` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'serve',
  usage: ['voxstate serve [options]'],
  description:
    'Answers calls from Asterisk (ARI) until SIGTERM/SIGINT, with the operations server\n' +
    '(/metrics, /healthz, /readyz, /calls). Configuration: environment variables, see\n' +
    'docs/configuration.md (VOXSTATE_ARI_URL, VOXSTATE_ARI_USER, VOXSTATE_ARI_PASSWORD,\n' +
    'VOXSTATE_ARI_APP, VOXSTATE_OPS_HOST, VOXSTATE_OPS_PORT, VOXSTATE_OPS_TOKEN, VOXSTATE_DRAIN_MS...).',
  options: {
    inspect: {
      type: 'boolean',
      value: '[=port]',
      optionalValue: true,
      help: 'watch live calls in the Stately inspector (default port 8080, loopback)',
    },
    'inspect-pii': {
      type: 'boolean',
      help: 'let transcripts and phone numbers through to the inspector (dev only)',
    },
    pretty: {
      type: 'boolean',
      help: 'readable logs instead of JSON lines (default when stdout is a terminal)',
    },
  },
} satisfies CommandSpec;

/** Where `voxstate serve` writes and what it reads; tests pass their own. */
export interface ServeCommandIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Source of SIGTERM/SIGINT; default `process`. */
  emitter?: EventEmitter;
}

/** JSON lines, or pino-pretty's form on a terminal, with `--pretty` or `VOXSTATE_LOG_PRETTY`. */
export function serveLogFormat(pretty: boolean, env: RawEnv, out: { isTTY?: boolean }): LogFormat {
  const flag = readEnv(env, ['VOXSTATE_LOG_PRETTY']).VOXSTATE_LOG_PRETTY;
  if (pretty || flag === true) return 'pretty';
  if (flag === false) return 'json';
  return out.isTTY === true ? 'pretty' : 'json';
}

/** `voxstate serve`; resolves with the exit code once the server has shut down. */
export async function run(
  argv: string[],
  io: ServeCommandIo = { out: process.stdout, err: process.stderr, env: process.env },
): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  return reportErrors(
    'serve',
    io,
    async () => {
      // Every setting is checked here, before anything starts: one error lists every wrong value.
      const config = readEnv(io.env);
      const logger = createLogger({
        level: config.VOXSTATE_LOG_LEVEL ?? 'info',
        redact: !config.VOXSTATE_LOG_PII,
        format: serveLogFormat(parsed.values.pretty === true, io.env, io.out),
        destination: io.out,
      });
      const restoreConsole = routeConsoleToLogger(logger);
      try {
        const server = await serve({
          env: io.env,
          argv,
          logger,
          ...(io.emitter ? { emitter: io.emitter } : {}),
        });
        let failed = false;
        server.telephony.catch((err: unknown) => {
          failed = true;
          io.err.write(`voxstate serve: ${(err as Error).message}\n`);
        });
        const result = await server.done;
        return failed || Object.values(result.flushed).some((v) => v !== 'ok') ? 1 : 0;
      } finally {
        restoreConsole();
      }
    },
    io.env,
  );
}
