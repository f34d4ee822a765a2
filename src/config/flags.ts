/**
 * Feature flags and percentage rollouts, assigned per call by a stable hash of the call id.
 *
 * A flag maps variant names to percentages that add up to 100, for example
 * `{"stt":{"whisper":10,"cloud":90}}`. Every call id lands in a bucket in [0, 100) computed
 * from SHA-256 of `"<flag>:<callId>"` (the flag name salts the hash, so flags are independent),
 * and the variants take consecutive ranges of buckets in the order they are written. Moving a
 * rollout from 10% to 50% to 100% only changes numbers; calls that already had the new variant
 * keep it as long as that variant stays first in the object. The same call id always gets the
 * same variant, on every instance.
 *
 * The assignment is recorded on the call (cost store, call log) and counted in
 * `voxstate_flag_assignments_total{flag,variant}` (by `src/runtime/flag-metrics.ts`), so an A/B
 * comparison reads from the metrics and from `voxstate report costs`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { type Config, type RawEnv, readEnv } from './schema.js';

/** Percentages per variant for one flag, in rollout order. */
export type FlagVariants = Readonly<Record<string, number>>;

/** Flag name -> variants. Validated by {@link parseFlagConfig}. */
export type FlagConfig = Readonly<Record<string, FlagVariants>>;

/** The flags voxstate itself reads; other names are allowed and assigned the same way. */
export const KNOWN_FLAGS = [
  'stt',
  'routing',
  'tts',
  'prompt',
  'eot',
  'noise',
  'brain',
  'recording',
  'preempt',
] as const;

const NAME = /^[a-z][a-z0-9_-]{0,47}$/i;

/**
 * Validates a raw value (parsed JSON) as a flag configuration. A string value is shorthand for
 * 100% of that variant: `{"routing":"on"}`.
 *
 * @throws ConfigError naming the flag and what is wrong with it.
 */
export function parseFlagConfig(raw: unknown, source = 'flags'): FlagConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected an object of flags, like {"stt":{"whisper":10}}`);
  }
  const out: Record<string, FlagVariants> = {};
  for (const [flag, value] of Object.entries(raw)) {
    if (!NAME.test(flag)) throw new ConfigError(`${source}: bad flag name "${flag}"`);
    if (typeof value === 'string') {
      if (!NAME.test(value)) throw new ConfigError(`${source}: flag "${flag}": bad variant name`);
      out[flag] = { [value]: 100 };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigError(
        `${source}: flag "${flag}" must be a variant name or an object of percentages`,
      );
    }
    const variants: Record<string, number> = {};
    let sum = 0;
    for (const [variant, pct] of Object.entries(value)) {
      if (!NAME.test(variant)) {
        throw new ConfigError(`${source}: flag "${flag}": bad variant name "${variant}"`);
      }
      if (typeof pct !== 'number' || !Number.isFinite(pct) || pct < 0 || pct > 100) {
        throw new ConfigError(
          `${source}: flag "${flag}" variant "${variant}": percentage must be a number 0..100`,
        );
      }
      variants[variant] = pct;
      sum += pct;
    }
    if (Object.keys(variants).length === 0) {
      throw new ConfigError(`${source}: flag "${flag}" has no variants`);
    }
    if (Math.abs(sum - 100) > 1e-9) {
      throw new ConfigError(`${source}: flag "${flag}" percentages add up to ${sum}, not 100`);
    }
    out[flag] = variants;
  }
  return out;
}

/**
 * Loads the flag configuration from `VOXSTATE_FLAGS`: inline JSON when it starts with `{`,
 * otherwise the path of a JSON file. Unset means no flags.
 *
 * @throws ConfigError when the JSON or the file is invalid.
 */
export function loadFlagConfig(env: RawEnv = process.env): FlagConfig {
  return flagConfig(readEnv(env));
}

/** The flag configuration named by the parsed `VOXSTATE_FLAGS` ({@link readEnv}). */
export function flagConfig(c: Pick<Config, 'VOXSTATE_FLAGS'>): FlagConfig {
  const value = c.VOXSTATE_FLAGS;
  if (!value) return {};
  let text = value;
  let source = 'VOXSTATE_FLAGS';
  if (!value.startsWith('{')) {
    source = value;
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw new ConfigError(`VOXSTATE_FLAGS: cannot read flag file ${value}`, { cause: err });
    }
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return parseFlagConfig(raw, source);
}

/** The bucket in [0, 100) of `callId` for `flag`: stable, and independent between flags. */
export function flagBucket(flag: string, callId: string): number {
  const digest = createHash('sha256').update(`${flag}:${callId}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

/**
 * The variant of every flag for one call.
 *
 * @example
 * ```ts
 * const flags = assignFlags('1700000000.42', { stt: { whisper: 10, cloud: 90 }, routing: 'on' });
 * // -> { stt: 'cloud', routing: 'on' } (the same for this call id, always)
 * ```
 */
export function assignFlags(
  callId: string,
  config: FlagConfig | Readonly<Record<string, FlagVariants | string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [flag, value] of Object.entries(config)) {
    if (typeof value === 'string') {
      out[flag] = value;
      continue;
    }
    const bucket = flagBucket(flag, callId);
    let edge = 0;
    let chosen: string | undefined;
    let last: string | undefined;
    for (const [variant, pct] of Object.entries(value)) {
      if (pct <= 0) continue;
      last = variant;
      edge += pct;
      if (bucket < edge) {
        chosen = variant;
        break;
      }
    }
    const pick = chosen ?? last;
    if (pick !== undefined) out[flag] = pick;
  }
  return out;
}
