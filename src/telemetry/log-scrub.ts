/**
 * Deep scrubbing of log objects, applied by the logger to every log call and child binding.
 *
 * pino's `redact` paths wildcard one level at a time, so a key nested deeper than the listed
 * paths (`{ config: { openai: { apiKey } } }`) would reach the log. This walk covers any depth:
 * secrets (keys such as `apiKey`, `OPENAI_API_KEY`, `x-api-key`, `password`, `secret`,
 * `authorization`, `cookie`, `...Token`) are always replaced, and personal-data fields
 * (`transcript`, `text`, `callerNumber`, ... from `SENSITIVE_FIELDS`) too when personal-data
 * redaction is on. Objects are copied only where something changes; values with `toJSON`
 * (dates, buffers), typed arrays, maps and sets are left as they are.
 *
 * @module
 */

/** What a scrubbed value is replaced with. */
export const LOG_CENSOR = '[redacted]';

const SECRET_KEY =
  /(apikey|password|passwd|passphrase|secret|authorization|credentials?|cookie|privatekey|token)$/;

/** Deeper values are replaced, so that nothing below goes unchecked (pino prints 5 levels). */
const MAX_DEPTH = 16;

/**
 * True when a field of this name holds a secret; the name is compared lowercased, without `_`
 * and `-` (`apiKey`, `api_key`, `OPENAI_API_KEY`, `X-Api-Key`, `accessToken`, `Authorization`).
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[_-]/g, ''));
}

/** Options of {@link scrubLogValue}. */
export interface ScrubOptions {
  /** Field names (exact) of personal data to replace as well; none when omitted. */
  personalFields?: ReadonlySet<string>;
}

/**
 * `value` with every secret, and every listed personal-data field, replaced at any depth.
 * Returns `value` itself when nothing had to change.
 *
 * @example
 * ```ts
 * scrubLogValue({ config: { openai: { apiKey: 'sk-1' } } }); // { config: { openai: { apiKey: '[redacted]' } } }
 * ```
 */
export function scrubLogValue(value: unknown, options: ScrubOptions = {}): unknown {
  return walk(value, options.personalFields, 0, new Set());
}

function censored(key: string, personal: ReadonlySet<string> | undefined): boolean {
  return isSecretKey(key) || (personal?.has(key) ?? false);
}

function walk(
  value: unknown,
  personal: ReadonlySet<string> | undefined,
  depth: number,
  seen: Set<object>,
): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (value instanceof Map || value instanceof Set) return value;
  if (!(value instanceof Error) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return value;
  }
  // A cycle back to an ancestor: the ancestor may be the copy that removed a secret.
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[depth limit]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const next = walk(value[i], personal, depth + 1, seen);
        if (next !== value[i]) {
          out ??= value.slice();
          out[i] = next;
        }
      }
      return out ?? value;
    }
    const source = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(source);
    // An error's cause is an own but not enumerable property; pino prints it.
    if (value instanceof Error && 'cause' in value && !keys.includes('cause')) keys.push('cause');
    for (const key of keys) {
      const v = source[key];
      const next =
        v !== undefined && censored(key, personal)
          ? LOG_CENSOR
          : walk(v, personal, depth + 1, seen);
      if (next !== v) {
        out ??= copyOf(value);
        put(out, key, next);
      }
    }
    return out ?? value;
  } finally {
    seen.delete(value);
  }
}

/** Sets an own property, even `__proto__`, keeping its enumerability. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  const enumerable = Object.getOwnPropertyDescriptor(target, key)?.enumerable ?? true;
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
}

/** A shallow copy that still prints like the original (errors keep name, message and stack). */
function copyOf(value: object): Record<string, unknown> {
  if (!(value instanceof Error)) return { ...(value as Record<string, unknown>) };
  const copy = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>;
  for (const key of ['name', 'message', 'stack', 'cause'] as const) {
    if (Object.hasOwn(value, key)) {
      Object.defineProperty(copy, key, {
        value: (value as unknown as Record<string, unknown>)[key],
        enumerable: false,
        writable: true,
        configurable: true,
      });
    }
  }
  return Object.assign(copy, value);
}
