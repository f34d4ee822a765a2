/**
 * What the simulated ARI's REST handlers share: the reply shape, what they need from the
 * simulator, and small helpers for Asterisk-shaped answers.
 *
 * @module
 */

import type { DialHost } from './sim-dial.js';
import type { SimBridge, SimChannel, SimPlayback } from './sim-model.js';
import type { LateMediaStasisStart } from './sim-types.js';

/** A REST reply. */
export interface RestReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Runs once the reply has been written (e.g. an event Asterisk sends after its response). */
  after?: () => void;
}

/** Where `continueInDialplan` sends a channel (all optional, as in ARI). */
export interface DialplanLocation {
  context?: string;
  extension?: string;
  priority?: number;
}

/** What the REST handlers need from the simulator. */
export interface RestContext extends DialHost {
  readonly playbacks: Map<string, SimPlayback>;
  readonly options: DialHost['options'] & {
    rtpHost: string;
    lateMediaStasisStart?: LateMediaStasisStart;
  };
  /** The app sent `ch` back to the dialplan (`POST channels/{id}/continue`). */
  continueInDialplan: (ch: SimChannel, location?: DialplanLocation) => void;
  pullFor: (ch: SimChannel, framesSent: number) => Buffer | undefined;
  deliverFrom: (ch: SimChannel, frame: Buffer) => void;
  finishPlayback: (p: SimPlayback, state: 'done' | 'stopped') => void;
  /** Bridge `id` changed members: its mixer starts or stops. */
  bridgeChanged: (id: string) => void;
  bridgeJsonOf: (b: SimBridge) => Record<string, unknown>;
}

/** 404 `{ message: '<what> not found' }`. */
export const notFound = (what: string): RestReply => ({
  status: 404,
  body: { message: `${what} not found` },
});

/** An error reply (400 unless told). */
export const bad = (message: string, status = 400): RestReply => ({ status, body: { message } });

/** 204 No Content, for void operations. */
export const NO_CONTENT: RestReply = { status: 204 };

/** A list parameter given as repeated or comma-joined values. */
export function list(q: URLSearchParams, name: string): string[] {
  return q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .filter(Boolean);
}

/** Channel variables from a JSON body's `variables`. */
export function variablesOf(body: Record<string, unknown>): Record<string, string> {
  const vars = (body.variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]));
}
