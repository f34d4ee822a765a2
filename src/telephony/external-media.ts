/**
 * The media half of a call's set-up: an externalMedia channel carrying the call's audio to
 * voxstate, over AudioSocket (Asterisk connects out to our server and announces a UUID we chose)
 * or RTP (a UDP socket per call). The channel gets an id we choose, so that its StasisStart is
 * recognised whether it comes before or after the externalMedia response; the media is ready
 * only once the channel has entered the app (and, for AudioSocket, connected), and only then
 * may it be bridged.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { AudioSocketServer } from '../media/audiosocket-server.js';
import type { MediaConnection } from '../media/media-connection.js';
import { RtpEndpoint } from '../media/rtp.js';
import type { AriRest } from './ari-rest.js';
import type { Channel } from './ari-types.js';
import type { CallState } from './call-state.js';
import type { StasisWaits } from './stasis-waits.js';

/** How calls get their audio. */
export type AriMediaOptions =
  | {
      transport: 'audiosocket';
      /** The server Asterisk connects to; must be listening. */
      server: AudioSocketServer;
      /** `host:port` of that server as Asterisk can reach it (`external_host`). */
      externalHost: string;
    }
  | {
      transport: 'rtp';
      /** Local interface the per-call UDP sockets bind to; default `0.0.0.0`. */
      bindHost?: string;
      /** Our address as Asterisk can reach it; the port is each call's socket port. */
      externalAddress: string;
      /**
       * The externalMedia `format`: `ulaw` (default) or `slin16` (16 kHz in, PT 118). Audio
       * back to Asterisk is always mu-law, since Asterisk 22 drops slin16 sent to it.
       */
      format?: 'ulaw' | 'slin16';
    };

const MEDIA_NAME = /^(AudioSocket|UnicastRTP|WebSocket)\//;

/**
 * True when `channel` entering the app is one of our media channels, not a caller: by the id or
 * AudioSocket UUID (the first app argument) we chose, or by its channel name.
 */
export function isOwnMedia(setup: MediaSetup, channel: Channel, args: unknown): boolean {
  if (setup.ownMedia.has(channel.id)) return true;
  const first = Array.isArray(args) ? args[0] : undefined;
  if (typeof first === 'string' && setup.ownMedia.has(first.toLowerCase())) return true;
  return MEDIA_NAME.test(channel.name ?? '');
}

/** What the media set-up needs from the app. */
export interface MediaSetup {
  rest: AriRest;
  /** The Stasis app the media channel enters. */
  app: string;
  media: AriMediaOptions;
  /** Deadline for the media channel's StasisStart and connection, from the request on. */
  timeoutMs: number;
  waits: StasisWaits;
  /** Media channel ids and AudioSocket UUIDs being created, so their StasisStart is not a call. */
  ownMedia: Set<string>;
  /** Records the media channel on the call once Asterisk created it. */
  track(state: CallState, mediaChannelId: string): void;
}

/**
 * Creates the call's externalMedia channel and resolves with its connection once the channel
 * is in the app and its audio can flow. On failure whatever was opened here is closed; the
 * channel itself (tracked on `state`) is released by the call's clean-up.
 */
export async function createExternalMedia(
  setup: MediaSetup,
  state: CallState,
): Promise<MediaConnection> {
  const mediaChannelId = randomUUID();
  const failed = new AbortController();
  const signal = AbortSignal.any([state.setup.signal, failed.signal]);
  setup.ownMedia.add(mediaChannelId);
  const inStasis = setup.waits.wait(mediaChannelId, setup.app, setup.timeoutMs, signal);
  inStasis.catch(() => undefined);
  const step: MediaStep = { setup, state, mediaChannelId, inStasis, signal };
  try {
    return setup.media.transport === 'audiosocket'
      ? await viaAudioSocket(step, setup.media)
      : await viaRtp(step, setup.media);
  } catch (err) {
    failed.abort();
    if (state.mediaChannelId !== mediaChannelId) setup.ownMedia.delete(mediaChannelId);
    throw err;
  }
}

interface MediaStep {
  setup: MediaSetup;
  state: CallState;
  mediaChannelId: string;
  /** Resolves on the media channel's StasisStart. */
  inStasis: Promise<void>;
  /** Aborted when the call ends or this set-up failed. */
  signal: AbortSignal;
}

async function viaAudioSocket(
  { setup, state, mediaChannelId, inStasis, signal }: MediaStep,
  media: Extract<AriMediaOptions, { transport: 'audiosocket' }>,
): Promise<MediaConnection> {
  const uuid = randomUUID();
  setup.ownMedia.add(uuid);
  const connected = media.server.waitFor(uuid, setup.timeoutMs, signal);
  connected.catch(() => undefined);
  try {
    await setup.rest.externalMedia({
      app: setup.app,
      channelId: mediaChannelId,
      external_host: media.externalHost,
      format: 'slin16',
      encapsulation: 'audiosocket',
      transport: 'tcp',
      data: uuid,
    });
    setup.track(state, mediaChannelId);
    const [conn] = await Promise.all([connected, inStasis]);
    return conn;
  } catch (err) {
    void connected.then(
      (conn) => conn.close(),
      () => undefined,
    );
    throw err;
  } finally {
    setup.ownMedia.delete(uuid);
  }
}

async function viaRtp(
  { setup, state, mediaChannelId, inStasis }: MediaStep,
  media: Extract<AriMediaOptions, { transport: 'rtp' }>,
): Promise<MediaConnection> {
  const { rest } = setup;
  const endpoint = new RtpEndpoint({ id: state.channelId, host: media.bindHost ?? '0.0.0.0' });
  try {
    const { port } = await endpoint.bind();
    const ch = await rest.externalMedia({
      app: setup.app,
      channelId: mediaChannelId,
      external_host: `${media.externalAddress}:${port}`,
      format: media.format ?? 'ulaw',
      encapsulation: 'rtp',
      transport: 'udp',
    });
    setup.track(state, mediaChannelId);
    const address =
      ch.channelvars?.UNICASTRTP_LOCAL_ADDRESS ??
      (await rest.getChannelVar(mediaChannelId, 'UNICASTRTP_LOCAL_ADDRESS'));
    const rport =
      ch.channelvars?.UNICASTRTP_LOCAL_PORT ??
      (await rest.getChannelVar(mediaChannelId, 'UNICASTRTP_LOCAL_PORT'));
    endpoint.setRemote(address, Number(rport));
    await inStasis;
    return endpoint;
  } catch (err) {
    endpoint.close();
    throw err;
  }
}
