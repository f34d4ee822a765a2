/**
 * Options and events of the Stasis application (`AriApp`).
 *
 * @module
 */

import type { Registry } from 'prom-client';
import type { Logger } from '../telemetry/logger.js';
import type { AriConnection } from './ari-connection.js';
import type { AriMediaOptions } from './external-media.js';
import type { HangupReason, PhoneCall } from './phone-call.js';

/** Options of `AriApp`. */
export interface AriAppOptions {
  ari: AriConnection;
  /** Stasis app name; default the connection's first app. */
  app?: string;
  media: AriMediaOptions;
  /** Deadline for the media channel to enter the app and connect; default 5000 ms. */
  mediaTimeoutMs?: number;
  logger?: Logger;
  /** The runtime's registry, for `voxstate_call_setup_seconds`. */
  registry?: Registry;
}

/** Options of `AriApp.originate`. */
export interface OriginateOptions {
  /** Caller ID shown to the callee, e.g. `"Voxstate" <1000>`. */
  callerId?: string;
  /** Seconds to wait for an answer; default 30. */
  timeoutSec?: number;
  /** Channel variables to set. */
  variables?: Record<string, string>;
  /** Stasis args for the answered channel. */
  appArgs?: string[];
}

/** Events of an `AriApp`. */
export interface AriAppEvents {
  /** A call is ready: answered, bridged, media flowing. */
  call: [call: PhoneCall];
  /** A call could not be set up (its channels were released). */
  callFailed: [channelId: string, err: Error];
  /** A call ended and its resources were released. */
  callEnded: [call: PhoneCall, reason: HangupReason];
  /** A recoverable problem (a cleanup request that failed). */
  error: [err: Error];
}
