/**
 * A business's call recording, declared in its business data (`business.json`, field
 * `recording`) and validated with zod: on or off (off by default), the consent announcement per
 * language played before recording starts, and the keypad digit that opts the caller out (during
 * the announcement: recording never starts; later: it stops and what was recorded is deleted).
 * A rollout to a share of the calls uses the `recording` feature flag (`VOXSTATE_FLAGS`,
 * variants `on` and `off`).
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** The consent text when the business gives none for the call's language (or none at all). */
export const DEFAULT_CONSENT = 'This call is recorded for quality and training.';

const recordingSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Language code -> the announcement, e.g. `{ "en": "This call is recorded." }`. */
  consent: z
    .record(z.string().regex(/^[a-z]{2}$/, 'a two-letter language code'), z.string().min(1))
    .default({}),
  /** The digit that opts the caller out. */
  optOutDigit: z
    .string()
    .regex(/^[0-9*#A-D]$/, 'a keypad digit')
    .optional(),
});

/** A business's validated recording settings. */
export type RecordingConfig = z.infer<typeof recordingSchema>;

/** Recording off. */
export const NO_RECORDING: RecordingConfig = { enabled: false, consent: {} };

/**
 * Validates the `recording` field of a business's data (absent: recording off).
 *
 * @throws ConfigError naming every bad field (`recording.optOutDigit: a keypad digit`).
 * @example
 * ```ts
 * const recording = parseRecordingConfig({ recording: { enabled: true, optOutDigit: '9' } });
 * ```
 */
export function parseRecordingConfig(json: unknown, source = 'business data'): RecordingConfig {
  const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  if (!('recording' in o)) return NO_RECORDING;
  const parsed = recordingSchema.safeParse(o.recording);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `recording.${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`${source}: bad recording: ${lines.join('; ')}`);
  }
  return parsed.data;
}

/**
 * Reads a business data file's recording settings.
 *
 * @throws ConfigError when the file cannot be read or its recording settings are invalid.
 */
export async function loadRecordingConfig(path: string): Promise<RecordingConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read recording settings from business data ${path}`, {
      cause: err,
    });
  }
  return parseRecordingConfig(raw, path);
}

/** The announcement for a call in `language`: its own, else English, else the default. */
export function consentText(config: RecordingConfig, language: string): string {
  return config.consent[language] ?? config.consent.en ?? DEFAULT_CONSENT;
}

/**
 * Whether a call is recorded: the business records, and the call's `recording` flag (when the
 * flag is configured) is not `off`.
 */
export function recordsCall(config: RecordingConfig, flags: Record<string, string>): boolean {
  return config.enabled && flags.recording !== 'off';
}

/**
 * The opt-out digit must not also be one of the business's digit actions (it would do two
 * things at once).
 *
 * @throws ConfigError naming the digit.
 */
export function checkOptOutDigit(
  config: RecordingConfig,
  actionDigits: readonly string[],
  source = 'business data',
): void {
  const digit = config.optOutDigit;
  if (config.enabled && digit !== undefined && actionDigits.includes(digit)) {
    throw new ConfigError(
      `${source}: recording.optOutDigit "${digit}" is also a digit action (digits.${digit})`,
    );
  }
}
