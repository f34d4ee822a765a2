/**
 * The media actor: forwards what the call's telephony side reports to the call machine:
 * hang-up (from ARI or the media connection closing) and DTMF digits, and, from the call's
 * playback queue, `media.greeting.audible` when the greeting's first frame has been sent (the
 * greeting's one decision: a caller who speaks before it is audible skips it). A media error
 * that matters closes the connection, which is a hang-up.
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { MediaEvent } from '../calls/events.js';
import type { CallEndpoint } from '../calls/session.js';
import type { PlaybackItem, PlaybackQueue } from '../media/playback-queue.js';
import type { MediaInput } from './contracts.js';

/** Dependencies of {@link createMediaActor}. */
export interface MediaActorDeps {
  /** The call's telephony side. */
  endpoint: CallEndpoint;
  /** The call's playback queue, which tells when the greeting is audible. */
  playback: Pick<PlaybackQueue, 'on' | 'off'>;
}

/**
 * Creates the `media` actor logic.
 *
 * @example
 * ```ts
 * callMachine.provide({ actors: { media: createMediaActor(session) } });
 * ```
 */
export function createMediaActor(deps: MediaActorDeps) {
  return fromCallback<EventObject, MediaInput, MediaEvent>(({ sendBack }) => {
    const { endpoint } = deps;
    const media = endpoint.media;
    const onHangup = (reason: string) => sendBack({ type: 'media.hangup', reason });
    const onClose = () => sendBack({ type: 'media.hangup', reason: 'media closed' });
    const onDtmf = (digit: string) => sendBack({ type: 'media.dtmf', digit });
    const onItemStarted = (item: PlaybackItem) => {
      if (item.label === 'greeting') sendBack({ type: 'media.greeting.audible' });
    };
    endpoint.on('hangup', onHangup);
    endpoint.on('dtmf', onDtmf);
    media.on('close', onClose);
    deps.playback.on('item.started', onItemStarted);
    if (endpoint.ended || media.closed) queueMicrotask(onClose);
    return () => {
      endpoint.off('hangup', onHangup);
      endpoint.off('dtmf', onDtmf);
      media.off('close', onClose);
      deps.playback.off('item.started', onItemStarted);
    };
  });
}
