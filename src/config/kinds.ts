/**
 * The value kinds of the configuration schema and {@link setting}, which turns a kind into one
 * zod schema entry. One syntax for every variable: booleans are `true/false`, `1/0`, `yes/no` or
 * `on/off` (any case); numbers are decimal with a range; durations are whole milliseconds written
 * `500ms`, `2s`, `1.5m`, `1h` or `1d`, a plain number being in the unit the variable's name ends
 * in (`_MS`: ms, `_S`: seconds); enums are one of their values (any case); lists are comma
 * separated. The empty string means "not set" everywhere; other values are trimmed first.
 *
 * @module
 */
import { z } from 'zod';

/** What a kind's parser returns for a value it refuses. */
export const INVALID: unique symbol = Symbol('invalid');

/** How one kind of value is read from its string. */
export interface Kind<T> {
  /** Short type name for the docs table: `boolean`, `integer`, `duration`, `enum`, ... */
  type: string;
  /** What a right value looks like, for errors: `a port number 0-65535`. */
  expected: string;
  /** The docs' type column, e.g. `integer 1-100`; default {@link Kind.type}. */
  summary?: string;
  /** Parses a trimmed, non-empty value, or returns {@link INVALID}. */
  parse(raw: string): T | typeof INVALID;
  /** Formats a value for the docs' default column. */
  show?(value: T): string;
}

/** Documentation of one setting. */
export interface SettingDoc {
  /** Section of docs/configuration.md the row goes to. */
  group: string;
  description: string;
  /** Never printed: not in errors, logs or `voxstate config`. */
  secret?: boolean;
  /** The default as the docs show it when the schema cannot (computed at start). */
  defaultDoc?: string;
}

/** One environment variable: its zod schema (raw string in, typed value out) and its docs. */
export interface Setting<T> extends SettingDoc {
  schema: z.ZodType<T, string | undefined>;
  kind: Kind<unknown>;
  /** The value when unset (undefined: none, or computed by the loader). */
  default: T;
}

/** Marker for an issue message: the variable name and the raw value are prepended by `readEnv`. */
export const EXPECTED_PREFIX = 'expected:';

/**
 * One schema entry: unset or empty gives the default; anything else is trimmed and parsed, and a
 * refused value is an issue naming what is expected.
 */
export function setting<T>(kind: Kind<T>, doc: SettingDoc & { default: NoInfer<T> }): Setting<T>;
export function setting<T>(kind: Kind<T>, doc: SettingDoc): Setting<T | undefined>;
export function setting<T>(
  kind: Kind<T>,
  doc: SettingDoc & { default?: T },
): Setting<T | undefined> {
  const fallback = doc.default;
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => {
      if (raw === undefined || raw === '') return fallback;
      const value = kind.parse(raw.trim());
      if (value === INVALID) {
        ctx.addIssue({ code: 'custom', message: `${EXPECTED_PREFIX}${kind.expected}` });
        return z.NEVER;
      }
      return value;
    });
  return { ...doc, schema, kind: kind as Kind<unknown>, default: fallback };
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** `true/false`, `1/0`, `yes/no`, `on/off`, any case. */
export const bool: Kind<boolean> = {
  type: 'boolean',
  expected: 'true or false (1/0, yes/no, on/off)',
  parse: (raw) => {
    const v = raw.toLowerCase();
    return TRUE.has(v) ? true : FALSE.has(v) ? false : INVALID;
  },
};

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function range(min: number, max: number): string {
  if (max >= Number.MAX_SAFE_INTEGER) return `>= ${min}`;
  return `from ${min} to ${max}`;
}

/** A whole number in [min, max]. */
export function int(min: number, max = Number.MAX_SAFE_INTEGER): Kind<number> {
  return {
    type: 'integer',
    expected: `a whole number ${range(min, max)}`,
    summary: `integer ${range(min, max).replace(/^from /, '')}`,
    parse: (raw) => {
      const n = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
      return Number.isInteger(n) && n >= min && n <= max ? n : INVALID;
    },
  };
}

/** A port number, 0 picking a free one. */
export const port: Kind<number> = {
  type: 'port',
  summary: 'port 0-65535',
  expected: 'a port number 0-65535',
  parse: (raw) => (/^\d+$/.test(raw) && Number(raw) <= 65_535 ? Number(raw) : INVALID),
};

/** A finite number in [min, max]; `above` makes the lower bound exclusive. */
export function num(min: number, max: number, options: { above?: boolean } = {}): Kind<number> {
  return {
    type: 'number',
    summary: options.above ? `number > ${min}` : `number ${min} to ${max}`,
    expected: options.above
      ? `a number > ${min}${max < Number.MAX_VALUE ? ` and <= ${max}` : ''}`
      : `a number from ${min} to ${max}`,
    parse: (raw) => {
      const n = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
      const low = options.above ? n > min : n >= min;
      return Number.isFinite(n) && low && n <= max ? n : INVALID;
    },
  };
}

/** Node timers fire at once for longer delays (about 24.8 days). */
export const MAX_TIMER_MS = 2_147_483_647;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function showMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A duration in whole milliseconds in [minMs, maxMs]: `500ms`, `2s`, `1.5m`, `1h`, `1d`, or a
 * plain number in `plain` (the unit the variable's name ends in).
 */
export function duration(plain: 'ms' | 's', minMs: number, maxMs = MAX_TIMER_MS): Kind<number> {
  const bounds = `${showMs(minMs)} to ${showMs(maxMs)}`;
  return {
    type: 'duration',
    summary:
      (maxMs === MAX_TIMER_MS
        ? `duration >= ${showMs(minMs)}`
        : `duration ${showMs(minMs)} to ${showMs(maxMs)}`) +
      (plain === 's' ? ' (plain: seconds)' : ''),
    expected: `a duration like 500ms, 2s or 1m (a plain number is ${plain === 'ms' ? 'ms' : 'seconds'}) from ${bounds}`,
    parse: (raw) => {
      const m = /^(.*?)\s*(ms|s|m|h|d)?$/i.exec(raw);
      const number = m?.[1] ?? '';
      const unit = (m?.[2] ?? plain).toLowerCase();
      const n = DECIMAL.test(number) ? Number(number) * (UNIT_MS[unit] ?? Number.NaN) : Number.NaN;
      return Number.isInteger(n) && n >= minMs && n <= maxMs ? n : INVALID;
    },
    show: (ms) => (plain === 's' ? String(ms / 1000) : String(ms)),
  };
}

/** One of `values`, any case. */
export function oneOf<const T extends string>(values: readonly T[]): Kind<T> {
  return {
    type: 'enum',
    expected: `one of ${values.join(', ')}`,
    summary: values.map((v) => `\`${v}\``).join(', '),
    parse: (raw) => {
      const v = raw.toLowerCase();
      return values.find((allowed) => allowed.toLowerCase() === v) ?? INVALID;
    },
  };
}

/** A comma list whose items (trimmed, empty ones dropped) each pass `item`. */
export function list(
  item: { expected: string; test(value: string): boolean; map?(value: string): string } = {
    expected: 'any text',
    test: () => true,
  },
): Kind<string[]> {
  return {
    type: 'list',
    expected: `a comma list of ${item.expected}`,
    summary: 'comma list',
    parse: (raw) => {
      const items = raw
        .split(',')
        .map((s) => (item.map ? item.map(s.trim()) : s.trim()))
        .filter((s) => s.length > 0);
      return items.every((s) => item.test(s)) ? items : INVALID;
    },
    show: (items) => (items.length === 0 ? 'none' : `\`${items.join(',')}\``),
  };
}

/** Any text (paths, ids, names, keys). */
export const text: Kind<string> = {
  type: 'string',
  summary: 'text',
  expected: 'text',
  parse: (raw) => raw,
};

/** A text matching `pattern`. */
export function matching(pattern: RegExp, expected: string, type = 'string'): Kind<string> {
  return { type, expected, parse: (raw) => (pattern.test(raw) ? raw : INVALID) };
}

/** A URL whose scheme is one of `protocols` (without the colon). */
export function url(protocols: readonly string[], expected: string): Kind<string> {
  return {
    type: 'url',
    expected,
    summary: expected.replace(/^an? /, ''),
    parse: (raw) => {
      if (!URL.canParse(raw)) return INVALID;
      return protocols.includes(new URL(raw).protocol.slice(0, -1)) ? raw : INVALID;
    },
  };
}

/** An `http://` or `https://` URL. */
export const httpUrl = url(['http', 'https'], 'an http(s) URL');

/** A pool size: `<max>` or `<min>-<max>`, 1 <= max, min <= max. */
export const threads: Kind<{ min: number | undefined; max: number }> = {
  type: 'threads',
  summary: '`max` or `min-max`',
  expected: '"<max>" or "<min>-<max>" with 1 <= max and min <= max',
  parse: (raw) => {
    const m = /^(?:(\d+)-)?(\d+)$/.exec(raw);
    if (!m) return INVALID;
    const max = Number(m[2]);
    const min = m[1] === undefined ? undefined : Number(m[1]);
    return max >= 1 && (min === undefined || min <= max) ? { min, max } : INVALID;
  },
  show: (t) => (t.min === undefined ? String(t.max) : `${t.min}-${t.max}`),
};
