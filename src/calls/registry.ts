/**
 * The in-memory call registry: everything a call needs before it is answered.
 *
 * When a call arrives (StasisStart) or before an outbound call is placed, the runtime prepares
 * the call here: the compact greeting prompt is built from business data already in memory,
 * so nothing touches a database, a file or the network between answering and greeting
 * (seed 004). The full prompt is built later, by the prompt-upgrade actor, and swapped in.
 *
 * @module
 */
import { ConfigError } from '../errors.js';

/** What is known about a call when it is set up. */
export interface CallSetupInfo {
  callId: string;
  direction: 'inbound' | 'outbound';
  /** ISO 639-1 language the call starts in. */
  language: string;
  /** Personal data: kept for the call's own use, never listed. */
  callerNumber?: string;
  /** Why the bot calls (outbound). */
  purpose?: string;
  /** Feature-flag variants assigned to the call. */
  flags?: Record<string, string>;
}

/** Builds a system prompt from business data for one call. Pure and synchronous. */
export type PromptBuilder<B> = (business: B, call: CallSetupInfo) => string;

/** Options for {@link CallRegistry}. */
export interface CallRegistryOptions<B> {
  buildCompactPrompt: PromptBuilder<B>;
  buildFullPrompt: PromptBuilder<B>;
  /** Most calls held at once; preparing one more throws (default 10,000). */
  maxCalls?: number;
  /** Clock, ms. */
  now?: () => number;
}

/** A prepared call. */
export interface PreparedCall<B> {
  info: CallSetupInfo;
  business: B;
  compactPrompt: string;
  /** Set once the upgrade has built it. */
  fullPrompt?: string;
  preparedAtMs: number;
}

/** What `list()` shows about a call: no personal data. */
export interface CallSummary {
  callId: string;
  direction: 'inbound' | 'outbound';
  language: string;
  prompt: 'compact' | 'full';
  preparedAtMs: number;
  flags: Record<string, string>;
}

/**
 * Holds prepared calls by id.
 *
 * @example
 * ```ts
 * const registry = new CallRegistry({ buildCompactPrompt, buildFullPrompt });
 * registry.prepare({ callId, direction: 'inbound', language: 'en' }, business);
 * // ... answer the call; the greeting reads registry.systemPrompt(callId, 'compact')
 * ```
 */
export class CallRegistry<B> {
  readonly #calls = new Map<string, PreparedCall<B>>();
  readonly #options: CallRegistryOptions<B>;
  readonly #now: () => number;

  constructor(options: CallRegistryOptions<B>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Calls held now. */
  get size(): number {
    return this.#calls.size;
  }

  /** Builds the compact prompt and stores the call. Throws when the id is taken or full. */
  prepare(info: CallSetupInfo, business: B): PreparedCall<B> {
    if (this.#calls.has(info.callId)) {
      throw new ConfigError(`call ${info.callId} is already prepared`);
    }
    const max = this.#options.maxCalls ?? 10_000;
    if (this.#calls.size >= max) {
      throw new ConfigError(`the call registry is full (${max} calls)`);
    }
    const call: PreparedCall<B> = {
      info: { ...info, flags: { ...info.flags } },
      business,
      compactPrompt: this.#options.buildCompactPrompt(business, info),
      preparedAtMs: this.#now(),
    };
    this.#calls.set(info.callId, call);
    return call;
  }

  /** The prepared call, if any. */
  get(callId: string): PreparedCall<B> | undefined {
    return this.#calls.get(callId);
  }

  /** The system prompt a turn uses; the full one only once it has been built. */
  systemPrompt(callId: string, variant: 'compact' | 'full'): string {
    const call = this.#require(callId);
    return variant === 'full' && call.fullPrompt !== undefined
      ? call.fullPrompt
      : call.compactPrompt;
  }

  /** Builds the full prompt for a call and keeps it; returns it. */
  buildFullPrompt(callId: string): string {
    const call = this.#require(callId);
    call.fullPrompt ??= this.#options.buildFullPrompt(call.business, call.info);
    return call.fullPrompt;
  }

  /** Stores a full prompt built elsewhere. */
  setFullPrompt(callId: string, prompt: string): void {
    this.#require(callId).fullPrompt = prompt;
  }

  /** Forgets a call; true when it was held. */
  release(callId: string): boolean {
    return this.#calls.delete(callId);
  }

  /** Summaries of the calls held, without personal data. */
  list(): CallSummary[] {
    return [...this.#calls.values()].map((c) => ({
      callId: c.info.callId,
      direction: c.info.direction,
      language: c.info.language,
      prompt: c.fullPrompt === undefined ? 'compact' : 'full',
      preparedAtMs: c.preparedAtMs,
      flags: { ...c.info.flags },
    }));
  }

  #require(callId: string): PreparedCall<B> {
    const call = this.#calls.get(callId);
    if (!call) throw new ConfigError(`call ${callId} was not prepared in the registry`);
    return call;
  }
}
