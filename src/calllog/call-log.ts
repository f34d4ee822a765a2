/**
 * The high-level event log of one call: started, greeting, turn, fallback, barge-in, error,
 * ended, each with its offset in ms from the start of the call and a few small fields.
 *
 * The log is bounded (a ring of `capacity` events, 200 by default; the first event is kept and
 * the oldest after it are dropped and counted), and it holds personal data only when asked to:
 * transcript fields (`transcript`, `text`, `utterance`, `answer`) are removed unless transcripts
 * are enabled (`VOXSTATE_LOG_TRANSCRIPTS`), phone-number fields (`callerNumber`, ...) unless phone
 * numbers are (`VOXSTATE_LOG_PII`), secret-named fields always. Transcript text is cut to 2,000
 * characters, other strings to 200. It is serialized with the call record, so the call-record
 * retention (`VOXSTATE_RETENTION_DAYS`) deletes it with the row.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { catalogCounter } from '../telemetry/catalog.js';
import { isSecretKey } from '../telemetry/log-scrub.js';
import { PHONE_FIELDS, SENSITIVE_FIELDS } from '../telemetry/logger.js';

/** The event types the runtime writes; other names are allowed. */
export type CallEventType =
  | 'started'
  | 'greeting'
  | 'turn'
  | 'fallback'
  | 'barge_in'
  | 'error'
  | 'ended'
  | (string & {});

/** A small field value. */
export type CallEventValue = string | number | boolean;

/** One event. */
export interface CallEvent {
  /** Milliseconds since the call started. */
  t: number;
  type: CallEventType;
  fields?: Record<string, CallEventValue>;
}

/** Options for {@link CallEventLog}. */
export interface CallEventLogOptions {
  /** Epoch ms of the start of the call (default: now). */
  startedAt?: number;
  /** Most events kept (default 200). */
  capacity?: number;
  /** Keep transcript fields (`transcript`, `text`, `utterance`, `answer`); default false. */
  includeTranscripts?: boolean;
  /** Keep phone-number fields (`callerNumber`, `calledNumber`, `callerId`, `phone`); default false. */
  includePhoneNumbers?: boolean;
  /** Counts drops in `voxstate_call_events_dropped_total`. */
  registry?: Registry;
  /** Clock, epoch ms. */
  now?: () => number;
}

const TRANSCRIPT_FIELDS = new Set(['transcript', 'text', 'utterance', 'answer']);
const PHONE = new Set<string>(PHONE_FIELDS);
const SENSITIVE = new Set<string>(SENSITIVE_FIELDS);
const MAX_STRING = 200;
const MAX_TRANSCRIPT = 2_000;
const MAX_FIELDS = 16;

/** The serialized log: events plus how many were dropped. */
export interface CallEventLogJSON {
  events: CallEvent[];
  dropped: number;
}

/**
 * Bounded per-call event log.
 *
 * @example
 * ```ts
 * const log = new CallEventLog({ registry });
 * log.add('started', { direction: 'inbound' });
 * log.add('turn', { n: 1, model: 'claude-haiku-4-5', firstAudioMs: 840 });
 * store.write({ ..., events: log.toJSON() });
 * ```
 */
export class CallEventLog {
  readonly startedAt: number;
  readonly #capacity: number;
  readonly #includeTranscripts: boolean;
  readonly #includePhoneNumbers: boolean;
  readonly #now: () => number;
  readonly #dropCounter;
  #events: CallEvent[] = [];
  #dropped = 0;

  constructor(options: CallEventLogOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.startedAt = options.startedAt ?? this.#now();
    this.#capacity = Math.max(2, options.capacity ?? 200);
    this.#includeTranscripts = options.includeTranscripts ?? false;
    this.#includePhoneNumbers = options.includePhoneNumbers ?? false;
    this.#dropCounter = options.registry
      ? catalogCounter(options.registry, 'voxstate_call_events_dropped_total')
      : undefined;
  }

  /** Events dropped by the bound so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends an event stamped with the current offset. */
  add(type: CallEventType, fields?: Record<string, CallEventValue | undefined>): void {
    const event: CallEvent = { t: Math.max(0, Math.round(this.#now() - this.startedAt)), type };
    const clean = fields ? this.#clean(fields) : undefined;
    if (clean) event.fields = clean;
    if (this.#events.length >= this.#capacity) {
      this.#events.splice(1, 1);
      this.#dropped++;
      this.#dropCounter?.inc();
    }
    this.#events.push(event);
  }

  /** A copy of the events, oldest first. */
  events(): CallEvent[] {
    return this.#events.map((e) => ({ ...e, ...(e.fields ? { fields: { ...e.fields } } : {}) }));
  }

  /** The log for the call record. */
  toJSON(): CallEventLogJSON {
    return { events: this.events(), dropped: this.#dropped };
  }

  #clean(fields: Record<string, CallEventValue | undefined>): CallEvent['fields'] {
    const out: Record<string, CallEventValue> = {};
    let n = 0;
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined || n >= MAX_FIELDS) continue;
      if (!this.#allowed(key)) continue;
      if (typeof value === 'number' && !Number.isFinite(value)) continue;
      const max = TRANSCRIPT_FIELDS.has(key) ? MAX_TRANSCRIPT : MAX_STRING;
      out[key] = typeof value === 'string' && value.length > max ? value.slice(0, max) : value;
      n++;
    }
    return n > 0 ? out : undefined;
  }

  #allowed(key: string): boolean {
    if (TRANSCRIPT_FIELDS.has(key)) return this.#includeTranscripts;
    if (PHONE.has(key)) return this.#includePhoneNumbers;
    return !SENSITIVE.has(key) && !isSecretKey(key);
  }
}
