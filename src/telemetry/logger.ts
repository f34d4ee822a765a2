/**
 * Structured logging with pino.
 *
 * Transcripts, phone numbers and secrets only ever go into named fields, and those fields are
 * redacted by default. Set `redact: false` (or `VOXSTATE_LOG_PII=1`) only on a development
 * machine.
 *
 * @module
 */
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that hold personal data or secrets. Log them only under these names, so that
 * redaction catches them.
 */
export const SENSITIVE_FIELDS = [
  'transcript',
  'text',
  'utterance',
  'answer',
  'callerNumber',
  'calledNumber',
  'callerId',
  'phone',
  'apiKey',
  'password',
  'token',
  'authorization',
] as const;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** pino level; defaults to `VOXSTATE_LOG_LEVEL` or `info`. */
  level?: string;
  /** Redact personal data fields; defaults to true. */
  redact?: boolean;
  /** Where to write; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/** The redaction paths for {@link SENSITIVE_FIELDS}, at the top level and one level deep. */
export function redactPaths(): string[] {
  return SENSITIVE_FIELDS.flatMap((f) => [f, `*.${f}`]);
}

/**
 * Creates the runtime's logger.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'debug' });
 * log.info({ callId, transcript }, 'stt final'); // transcript is logged as [redacted]
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = options.redact ?? process.env.VOXSTATE_LOG_PII !== '1';
  const level = options.level ?? process.env.VOXSTATE_LOG_LEVEL ?? 'info';
  const opts = {
    level,
    base: { app: 'voxstate' },
    ...(redact ? { redact: { paths: redactPaths(), censor: '[redacted]' } } : {}),
  };
  return options.destination
    ? pino(opts, options.destination as pino.DestinationStream)
    : pino(opts);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
