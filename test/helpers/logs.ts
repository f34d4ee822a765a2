/**
 * A log capture for tests: the real logger (with its redaction) writing into memory, every line
 * kept as parsed JSON.
 *
 * @module
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger, type LoggerOptions } from '../../src/telemetry/logger.js';

/** Every log line as parsed JSON, and the logger that writes them. */
export interface LogCapture {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  /** Lines whose message is `msg` or matches it. */
  find(msg: string | RegExp): Array<Record<string, unknown>>;
}

/**
 * A logger (debug level unless `options` say otherwise) that records every line.
 *
 * @example
 * ```ts
 * const logs = captureLogs();
 * await ingest(files, { store, logger: logs.logger });
 * expect(logs.find(/no embedding model/)).toHaveLength(1);
 * ```
 */
export function captureLogs(options: Omit<LoggerOptions, 'destination'> = {}): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n'))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', ...options, destination }),
    lines,
    find: (msg) =>
      lines.filter((l) =>
        typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg ?? '')),
      ),
  };
}
