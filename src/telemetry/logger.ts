/**
 * Structured logging with pino.
 *
 * Transcripts, phone numbers and secrets only ever go into named fields. Secrets (`apiKey`,
 * `password`, `token`, `authorization`, ... at any depth, see `log-scrub.ts`) are always
 * redacted; personal-data fields are redacted by default. Set `redact: false` (or
 * `VOXSTATE_LOG_PII=1`) only where callers' words and numbers may be kept: it lets personal data
 * through, never secrets.
 *
 * @module
 */
import { type Logger, pino } from 'pino';
import { type RawEnv, readEnv } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { formattedDestination, type LogDestination, type LogFormat } from './log-format.js';
import { LOG_CENSOR, scrubLogValue } from './log-scrub.js';

export type { Logger } from 'pino';
export type { LogFormat } from './log-format.js';

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

/** Field names of phone numbers, kept apart from transcripts where they are allowed separately. */
export const PHONE_FIELDS = ['callerNumber', 'calledNumber', 'callerId', 'phone'] as const;

/**
 * The personal-data switch `VOXSTATE_LOG_PII`: `1`, `true`, `yes` or `on` lets transcripts and
 * phone numbers into the logs (and phone numbers into the stored call event log); unset, empty,
 * `0`, `false`, `no` or `off` keeps them out.
 *
 * @throws ConfigError for any other value, so that a typo never silently changes what is logged.
 * @example
 * ```ts
 * const logger = createLogger({ redact: !logPiiFromEnv(process.env) });
 * ```
 */
export function logPiiFromEnv(env: RawEnv = process.env): boolean {
  return readEnv(env, ['VOXSTATE_LOG_PII']).VOXSTATE_LOG_PII;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** pino level; defaults to `VOXSTATE_LOG_LEVEL` or `info`. */
  level?: string;
  /**
   * Redact personal-data fields; defaults to true unless `VOXSTATE_LOG_PII` is on (see
   * {@link logPiiFromEnv}). Secrets are redacted either way.
   */
  redact?: boolean;
  /** Where to write; defaults to stdout. */
  destination?: LogDestination;
  /**
   * `json` (default): one JSON object per line; `pretty`: pino-pretty's multi-line form;
   * `human`: one `warning: <message>` line per entry, for interactive commands.
   */
  format?: LogFormat;
}

const SECRET_FIELDS = ['apiKey', 'password', 'token', 'authorization'] as const;
const PERSONAL_FIELDS: ReadonlySet<string> = new Set(
  SENSITIVE_FIELDS.filter((f) => !(SECRET_FIELDS as readonly string[]).includes(f)),
);

/**
 * pino redaction paths for `fields` (default {@link SENSITIVE_FIELDS}), at the top level and one
 * level deep. The logger also scrubs deeper levels, see `log-scrub.ts`.
 */
export function redactPaths(fields: readonly string[] = SENSITIVE_FIELDS): string[] {
  return fields.flatMap((f) => [f, `*.${f}`]);
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
  const redact = options.redact ?? !logPiiFromEnv(process.env);
  const level =
    options.level ?? readEnv(process.env, ['VOXSTATE_LOG_LEVEL']).VOXSTATE_LOG_LEVEL ?? 'info';
  if (!Object.hasOwn(pino.levels.values, level) && level !== 'silent') {
    const known = [...Object.keys(pino.levels.values), 'silent'].join(', ');
    throw new ConfigError(`log level (VOXSTATE_LOG_LEVEL) must be one of ${known}, got "${level}"`);
  }
  const scrub = redact ? { personalFields: PERSONAL_FIELDS } : {};
  const opts: pino.LoggerOptions = {
    level,
    base: { app: 'voxstate' },
    // Any depth, in log objects and in child bindings; the redact paths below are the fast path.
    formatters: {
      log: (object) => scrubLogValue(object, scrub) as Record<string, unknown>,
      bindings: (bindings) => scrubLogValue(bindings, scrub) as pino.Bindings,
    },
    redact: {
      paths: redact ? redactPaths() : redactPaths(SECRET_FIELDS),
      censor: LOG_CENSOR,
    },
  };
  const format = options.format ?? 'json';
  const logger =
    format !== 'json'
      ? pino(opts, formattedDestination(format, options.destination ?? process.stdout))
      : options.destination
        ? pino(opts, options.destination as pino.DestinationStream)
        : pino(opts);
  // pino applies `formatters.bindings` to the base bindings only, not to `child()` bindings.
  const child = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return child.call(this, scrubLogValue(bindings, scrub) as pino.Bindings, childOptions);
  } as Logger['child'];
  return logger;
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
