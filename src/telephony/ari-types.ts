/**
 * Types for the parts of ARI voxstate uses, on top of `@types/ari-client` (which lacks
 * `data`/`transport_data` on externalMedia and the `channelvars` of its response).
 *
 * @module
 */

import type { Bridge, Channel, Client, Playback } from 'ari-client';

export type { Bridge, Channel, Client, Playback };

/** Parameters of `channels.externalMedia`, as Asterisk 22 accepts them. */
export interface ExternalMediaParams {
  app: string;
  /** `host:port` Asterisk connects (AudioSocket) or sends RTP to. */
  external_host: string;
  /** `slin16` for AudioSocket; `ulaw` (or `slin16`) for RTP. */
  format: string;
  /** `rtp` (default) or `audiosocket`. */
  encapsulation?: 'rtp' | 'audiosocket';
  /** `udp` for RTP, `tcp` for AudioSocket. */
  transport?: 'udp' | 'tcp';
  /** AudioSocket: the UUID the connection announces first. */
  data?: string;
  /** Extra transport data (chan_websocket). */
  transport_data?: string;
  channelId?: string;
  connection_type?: string;
  direction?: string;
  variables?: Record<string, string>;
}

/** The externalMedia response: a channel plus, for RTP, `UNICASTRTP_LOCAL_ADDRESS`/`PORT`. */
export type ExternalMediaChannel = Channel & { channelvars?: Record<string, string> };

/** Parameters of `channels.originate` into the Stasis app. */
export interface OriginateParams {
  endpoint: string;
  app: string;
  appArgs?: string;
  callerId?: string;
  /** Seconds to wait for an answer. */
  timeout?: number;
  variables?: Record<string, string>;
  channelId?: string;
}

/** The common fields of every ARI event. */
export interface AriEventBase {
  type: string;
  application?: string;
  timestamp?: string;
  asterisk_id?: string;
  [key: string]: unknown;
}
