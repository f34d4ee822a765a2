/**
 * What the simulated ARI's REST handlers share: the reply shape, what they need from the
 * simulator, and small helpers for Asterisk-shaped answers.
 *
 * @module
 */

import type { MediaClock } from './media-clock.js';
import type { SimBridge, SimChannel, SimPlayback } from './sim-model.js';
import type { CalleeBehavior, LateMediaStasisStart } from './sim-types.js';

/** A REST reply. */
export interface RestReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Runs once the reply has been written (e.g. an event Asterisk sends after its response). */
  after?: () => void;
}

/** What the REST handlers need from the simulator. */
export interface RestContext {
  readonly channels: Map<string, SimChannel>;
  readonly bridges: Map<string, SimBridge>;
  readonly playbacks: Map<string, SimPlayback>;
  readonly clock: MediaClock;
  readonly options: {
    rtpHost: string;
    onOriginate?: (endpoint: string, variables: Record<string, string>) => CalleeBehavior;
    lateMediaStasisStart?: LateMediaStasisStart;
  };
  createChannel: (init: {
    kind: SimChannel['kind'];
    name: string;
    state: SimChannel['state'];
    caller?: { name: string; number: string };
    connected?: { name: string; number: string };
    exten?: string;
    app: string;
    id?: string;
  }) => SimChannel;
  destroyChannel: (ch: SimChannel, cause?: number, notify?: boolean) => void;
  /** The app sent `ch` back to the dialplan (`POST channels/{id}/continue`). */
  continueInDialplan: (ch: SimChannel) => void;
  emitEvent: (app: string, type: string, fields: Record<string, unknown>) => void;
  pullFor: (ch: SimChannel, framesSent: number) => Buffer | undefined;
  deliverFrom: (ch: SimChannel, frame: Buffer) => void;
  finishPlayback: (p: SimPlayback, state: 'done' | 'stopped') => void;
  answerOriginated: (
    ch: SimChannel,
    behavior: CalleeBehavior,
    appArgs: string[],
    timeoutSec: number,
  ) => Promise<void>;
  nextHex: () => string;
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
