/**
 * Sanitizers for what the Stately inspector sees of a call: machine context, events, and whole
 * inspection events (child actors' `input` and `output` included, which the inspector's own
 * `sanitizeContext` / `sanitizeEvent` hooks never reach).
 *
 * Decisions are made by field name, like the logger's redaction (`src/telemetry/logger.ts`):
 * - secrets (`apiKey`, `password`, `...Token`, `authorization`, ...) are always removed;
 * - transcripts and other things the caller said or typed (`utterance`, `text`, `transcript`,
 *   `query`, `content`, `answer`, `dtmf`, `digit`, ...) and phone numbers (`callerNumber`,
 *   `calledNumber`, `callerId`, `phone...`, ARI's `caller` / `connected`, ...) are removed
 *   unless personal data is explicitly allowed; an empty string stays empty, so "nothing was
 *   understood" is still visible;
 * - in every other string, digit runs that look like phone numbers become `[phone]`, except in
 *   identifiers (`id`, `callId`, `...Id`).
 *
 * The result is always a fresh, JSON-safe copy; the input is never changed.
 *
 * @module
 */

/** What a removed value is replaced with. */
export const REDACTED = '[redacted]';
/** What a phone-number-like digit run in free text is replaced with. */
export const PHONE_MASK = '[phone]';

/** Options of the sanitizers. */
export interface SanitizeOptions {
  /** Keep transcripts, phone numbers and DTMF digits (a development machine only). Secrets go anyway. */
  allowPersonalData?: boolean;
}

const MAX_DEPTH = 12;

const SECRET =
  /(apikey|password|passwd|secret|authorization|credentials?|cookie|privatekey|token)$/;
const PHONE_KEY =
  /^(phone.*|.*phonenumber|msisdn|callernumber|callednumber|callerid(num|name)?|callername|connectednumber|connectedname|caller|connected|number|ani|dnis|exten|extension)$/;
const SPOKEN_KEY =
  /^(utterance|text|transcript|partial|query|content|answer|sentence|dtmf|digit|digits|pin)$/;
const IDENTIFIER = /^(id|type|createdAt)$|Id$|_id$/;

const PHONE_RUN = /(?<![\w+(])\+?\(?\d(?:[ ()-]{0,2}\d){6,15}(?!\w)/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** Replaces digit runs that look like phone numbers (7 to 16 digits) in free text. */
export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE_RUN, (match) => (ISO_DATE.test(match) ? match : PHONE_MASK));
}

/** How a field is treated, by its name. */
export type FieldKind = 'secret' | 'phone' | 'spoken' | 'identifier' | 'plain';

/** Classifies a field name for {@link sanitizeValue}. */
export function fieldKind(key: string): FieldKind {
  const k = normalizeKey(key);
  if (SECRET.test(k)) return 'secret';
  if (PHONE_KEY.test(k)) return 'phone';
  if (SPOKEN_KEY.test(k)) return 'spoken';
  if (IDENTIFIER.test(key)) return 'identifier';
  return 'plain';
}

function redact(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (value === '') return '';
  return REDACTED;
}

/**
 * A sanitized, JSON-safe deep copy of `value`. `key` is the field name `value` sits under, if
 * any. Objects with `toJSON` (actor refs, machine snapshots) are converted first; functions are
 * dropped; errors become `{ name, message }`; cycles and very deep values are cut off.
 */
export function sanitizeValue(
  value: unknown,
  options: SanitizeOptions = {},
  key?: string,
): unknown {
  return walk(value, options.allowPersonalData === true, key, 0, new WeakSet());
}

function walk(
  value: unknown,
  allowPersonal: boolean,
  key: string | undefined,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  const kind: FieldKind = key === undefined ? 'plain' : fieldKind(key);
  if (kind === 'secret') return redact(value);
  if (!allowPersonal && (kind === 'phone' || kind === 'spoken')) return redact(value);
  switch (typeof value) {
    case 'string':
      return allowPersonal || kind === 'identifier' ? value : maskPhoneNumbers(value);
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
    case 'undefined':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth limit]';
  seen.add(obj);
  try {
    if (obj instanceof Error) {
      const message = walk(obj.message, allowPersonal, 'message', depth + 1, seen);
      return { name: obj.name, message };
    }
    const json = (obj as { toJSON?: unknown }).toJSON;
    if (typeof json === 'function') {
      const converted = json.call(obj) as unknown;
      if (converted !== obj) return walk(converted, allowPersonal, key, depth + 1, seen);
    }
    if (Array.isArray(obj)) {
      return obj.map((item) => walk(item, allowPersonal, key, depth + 1, seen) ?? null);
    }
    if (obj instanceof Set) {
      return [...obj].map((item) => walk(item, allowPersonal, key, depth + 1, seen) ?? null);
    }
    const entries: Iterable<[unknown, unknown]> =
      obj instanceof Map ? obj.entries() : Object.entries(obj);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const name = String(k);
      const clean = walk(v, allowPersonal, name, depth + 1, seen);
      if (clean !== undefined) out[name] = clean;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/**
 * Sanitizes a machine's context for the inspector.
 *
 * @example
 * ```ts
 * sanitizeContext({ utterance: 'my number is 555 123 4567', turns: 2 });
 * // { utterance: '[redacted]', turns: 2 }
 * ```
 */
export function sanitizeContext<T>(context: T, options: SanitizeOptions = {}): T {
  return sanitizeValue(context, options) as T;
}

/**
 * Sanitizes an event for the inspector; its `type` is kept as it is.
 *
 * @example
 * ```ts
 * sanitizeEvent({ type: 'stt.final', text: 'hello' }); // { type: 'stt.final', text: '[redacted]' }
 * ```
 */
export function sanitizeEvent<T extends { type: string }>(
  event: T,
  options: SanitizeOptions = {},
): T {
  return sanitizeValue(event, options) as T;
}

/** The parts of a Stately inspection event that can carry call data. */
export interface InspectionEventLike {
  type: string;
  snapshot?: unknown;
  event?: unknown;
}

/**
 * Sanitizes a whole inspection event as the inspector sends it (`@xstate.actor`,
 * `@xstate.snapshot`, `@xstate.event`): the snapshot (context, child actors' `input`, `output`
 * and `error`) and the event. Idempotent, so it is safe to apply twice.
 */
export function sanitizeInspectionEvent<T extends InspectionEventLike>(
  inspectionEvent: T,
  options: SanitizeOptions = {},
): T {
  const out: T = { ...inspectionEvent };
  if (out.snapshot !== undefined) out.snapshot = sanitizeValue(out.snapshot, options);
  if (out.event !== undefined) out.event = sanitizeValue(out.event, options);
  return out;
}
