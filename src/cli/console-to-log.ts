/**
 * Third-party output on the console (ari-client's swagger-client prints "This API is using a
 * deprecated version of Swagger!" with `console.log` when it connects) would break a stream of
 * JSON log lines on stdout, or the one JSON object `voxstate call --json` prints. While a
 * long-running command runs, the console's methods write to its logger instead: `log`, `info`
 * and `debug` at debug level, `warn` and `error` at warn level, each with `source: "console"`.
 *
 * @module
 */
import { format } from 'node:util';
import type { Logger } from '../telemetry/logger.js';

const QUIET = ['log', 'info', 'debug'] as const;
const LOUD = ['warn', 'error'] as const;

/**
 * Routes `console` output to `logger` until the returned function is called.
 *
 * @example
 * ```ts
 * const restore = routeConsoleToLogger(logger);
 * try { await serve(); } finally { restore(); }
 * ```
 */
export function routeConsoleToLogger(logger: Logger): () => void {
  const saved = Object.fromEntries([...QUIET, ...LOUD].map((m) => [m, console[m]]));
  for (const m of QUIET) {
    console[m] = (...args: unknown[]) => logger.debug({ source: 'console' }, format(...args));
  }
  for (const m of LOUD) {
    console[m] = (...args: unknown[]) => logger.warn({ source: 'console' }, format(...args));
  }
  return () => Object.assign(console, saved);
}
