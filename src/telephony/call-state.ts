/**
 * What the Stasis application knows about one call while it is set up, live and released: its
 * channels, bridge and media connection, and which of them were released already.
 *
 * @module
 */

import { AriRequestError, TelephonyError } from '../errors.js';
import type { MediaConnection } from '../media/media-connection.js';
import type { AriRest } from './ari-rest.js';
import type { HangupReason, PhoneCall } from './phone-call.js';

/** One call's resources. */
export interface CallState {
  channelId: string;
  /** `performance.now()` when the caller's channel entered the app (StasisStart). */
  stasisStartAt: number;
  mediaChannelId?: string;
  bridgeId?: string;
  media?: MediaConnection;
  call?: PhoneCall;
  ending?: Promise<void>;
  /** True once the caller's channel is gone (hung up, left Stasis). */
  gone: boolean;
  /** True once the caller is being handed to a person (blind or attended transfer). */
  handedOff?: boolean;
  /** Aborted when the call ends, so that set-up steps stop waiting at once. */
  setup: AbortController;
  /** Resources already released (`media`, `bridge:<id>`, `channel:<id>`). */
  released: Set<string>;
}

/** A fresh call state for the caller's channel. */
export function newCallState(channelId: string, stasisStartAt: number): CallState {
  return {
    channelId,
    stasisStartAt,
    gone: false,
    setup: new AbortController(),
    released: new Set(),
  };
}

/**
 * Releases whatever the call holds and was not released yet: closes the media connection (an
 * AudioSocket gets a hangup message first, then is forced shut if the far end lingers), destroys
 * the bridge and hangs up the media channel and, unless it is gone, the caller's channel.
 * Resolves with the requests that failed (a channel or bridge already gone counts as done).
 */
export async function releaseCall(rest: AriRest, state: CallState): Promise<Error[]> {
  const media = state.media;
  if (media && !media.closed && !state.released.has('media')) {
    state.released.add('media');
    if (media.transport === 'audiosocket') {
      media.hangup();
      setTimeout(() => media.close(), 1_000).unref();
    } else {
      media.close();
    }
  }
  const steps: Array<Promise<void>> = [];
  const once = (key: string, run: () => Promise<void>) => {
    if (state.released.has(key)) return;
    state.released.add(key);
    steps.push(run());
  };
  const { bridgeId, mediaChannelId } = state;
  if (bridgeId) once(`bridge:${bridgeId}`, () => rest.destroyBridge(bridgeId));
  if (mediaChannelId) once(`channel:${mediaChannelId}`, () => rest.hangup(mediaChannelId));
  if (!state.gone) once(`channel:${state.channelId}`, () => rest.hangup(state.channelId));
  const results = await Promise.allSettled(steps);
  return results.flatMap((r) =>
    r.status === 'rejected'
      ? [r.reason instanceof Error ? r.reason : new TelephonyError(String(r.reason))]
      : [],
  );
}

/**
 * After the events socket comes back, events sent while it was down are lost (a caller may have
 * hung up meanwhile): asks Asterisk about each live call's channels and ends the calls whose
 * caller (`remote`) or media channel (`media`) is gone.
 */
export async function reconcileCalls(
  rest: AriRest,
  states: CallState[],
  end: (state: CallState, reason: HangupReason) => Promise<void>,
): Promise<void> {
  await Promise.all(
    states.map(async (state) => {
      for (const [id, reason] of [
        [state.channelId, 'remote'],
        [state.mediaChannelId, 'media'],
      ] as const) {
        if (!id) continue;
        try {
          await rest.getChannel(id);
        } catch (err) {
          if (err instanceof AriRequestError && err.notFound) {
            if (reason === 'remote') state.gone = true;
            await end(state, reason);
            return;
          }
        }
      }
    }),
  );
}
