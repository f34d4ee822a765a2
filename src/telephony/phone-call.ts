/**
 * One phone call as the rest of voxstate sees it: who called, which way, its two-way audio as a
 * {@link MediaConnection}, DTMF, and hang-up from either side.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import type { TransferLine } from '../calls/transfer-line.js';
import type { MediaConnection } from '../media/media-connection.js';
import type { Channel } from './ari-types.js';

/** Which side placed the call. */
export type CallDirection = 'inbound' | 'outbound';

/** Why a call ended. */
export type HangupReason =
  /** The caller's channel left Stasis or was destroyed (they hung up). */
  | 'remote'
  /** The app called `hangup()`. */
  | 'local'
  /** The media connection closed or the media channel went away. */
  | 'media'
  /** The ARI app was stopped. */
  | 'shutdown'
  /** The caller was handed to a person (blind or attended transfer); the bot left. */
  | 'transferred';

/** Events of a {@link PhoneCall}. */
export interface PhoneCallEvents {
  /** A DTMF digit from the caller (ARI ChannelDtmfReceived; works for every transport). */
  dtmf: [digit: string];
  /** The call ended; everything it held (bridge, media channel, connection) is being released. */
  hangup: [reason: HangupReason];
}

/** Facts about a call, fixed at set-up. */
export interface PhoneCallInfo {
  /** The caller's (or callee's, outbound) channel id; also the call's id. */
  id: string;
  direction: CallDirection;
  /** Caller ID number of the far end (inbound: caller; outbound: the dialled number). */
  callerNumber: string;
  callerName: string;
  /** The dialled extension (inbound) or endpoint (outbound). */
  called: string;
  /** Channel language from Asterisk. */
  language: string;
  /** Stasis args of the caller's channel. */
  args: string[];
  mediaChannelId: string;
  bridgeId: string;
  /**
   * `performance.now()` when the caller's channel entered the app (its StasisStart): the moment
   * the call counts as answered, before set-up. Greeting latency is measured from here.
   */
  answeredAt: number;
}

/**
 * A live call.
 *
 * @example
 * ```ts
 * app.on('call', (call) => {
 *   call.media.on('audio', (frame) => vad.push(frame));
 *   call.on('dtmf', (digit) => actor.send({ type: 'media.dtmf', digit }));
 *   call.on('hangup', (reason) => actor.send({ type: 'media.hangup', reason }));
 * });
 * ```
 */
export class PhoneCall extends EventEmitter<PhoneCallEvents> implements PhoneCallInfo {
  readonly id: string;
  readonly direction: CallDirection;
  readonly callerNumber: string;
  readonly callerName: string;
  readonly called: string;
  readonly language: string;
  readonly args: string[];
  readonly mediaChannelId: string;
  readonly bridgeId: string;
  readonly answeredAt: number;
  /** The call's audio: slin16 LE 20 ms frames in, the same out. */
  readonly media: MediaConnection;
  /** Transfer to a person: blind hand-off and the attended steps. */
  readonly transfer: TransferLine | undefined;
  /** Sends DTMF to the far end (outbound calls: a phone menu the bot navigates). */
  readonly sendDtmf: ((digits: string) => Promise<void>) | undefined;
  /** `performance.now()` when the call was set up and handed to the app. */
  readonly startedAt = performance.now();
  #endReason: HangupReason | undefined;
  readonly #hangup: (reason: HangupReason) => Promise<void>;

  /** @internal Built by `AriApp`. */
  constructor(
    info: PhoneCallInfo,
    media: MediaConnection,
    hangup: (reason: HangupReason) => Promise<void>,
    transfer?: TransferLine,
    sendDtmf?: (digits: string) => Promise<void>,
  ) {
    super();
    this.transfer = transfer;
    this.sendDtmf = sendDtmf;
    this.id = info.id;
    this.direction = info.direction;
    this.callerNumber = info.callerNumber;
    this.callerName = info.callerName;
    this.called = info.called;
    this.language = info.language;
    this.args = info.args;
    this.mediaChannelId = info.mediaChannelId;
    this.bridgeId = info.bridgeId;
    this.answeredAt = info.answeredAt;
    this.media = media;
    this.#hangup = hangup;
  }

  /** True once the call has ended. */
  get ended(): boolean {
    return this.#endReason !== undefined;
  }

  /** Why it ended, once it has. */
  get endReason(): HangupReason | undefined {
    return this.#endReason;
  }

  /** Hangs up: the caller's channel, the media channel and the bridge. Resolves when released. */
  hangup(): Promise<void> {
    return this.#hangup('local');
  }

  /** @internal Marks the call ended and emits `hangup` once. */
  markEnded(reason: HangupReason): boolean {
    if (this.#endReason !== undefined) return false;
    this.#endReason = reason;
    this.emit('hangup', reason);
    return true;
  }
}

/**
 * Who and what a call is, from its channel: the far end's number and name (the caller inbound,
 * the callee outbound), the dialled extension or endpoint (`called`), language and Stasis args.
 */
export function callInfoOf(
  channel: Channel,
  direction: CallDirection,
  called: string,
  args: string[],
): Pick<
  PhoneCallInfo,
  'id' | 'direction' | 'callerNumber' | 'callerName' | 'called' | 'language' | 'args'
> {
  const party = direction === 'inbound' ? channel.caller : channel.connected;
  return {
    id: channel.id,
    direction,
    callerNumber: party?.number ?? '',
    callerName: party?.name ?? '',
    called,
    language: channel.language ?? 'en',
    args,
  };
}
