/**
 * The media actor: forwards what the call's telephony side reports to the call machine:
 * hang-up (from ARI or the media connection closing) and DTMF digits. A media error that
 * matters closes the connection, which is a hang-up.
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { MediaEvent } from '../calls/events.js';
import type { CallEndpoint } from '../calls/session.js';
import type { MediaInput } from './contracts.js';

/** Dependencies of {@link createMediaActor}. */
export interface MediaActorDeps {
  /** The call's telephony side. */
  endpoint: CallEndpoint;
}

/**
 * Creates the `media` actor logic.
 *
 * @example
 * ```ts
 * callMachine.provide({ actors: { media: createMediaActor({ endpoint: session.endpoint }) } });
 * ```
 */
export function createMediaActor(deps: MediaActorDeps) {
  return fromCallback<EventObject, MediaInput, MediaEvent>(({ sendBack }) => {
    const { endpoint } = deps;
    const media = endpoint.media;
    const onHangup = (reason: string) => sendBack({ type: 'media.hangup', reason });
    const onClose = () => sendBack({ type: 'media.hangup', reason: 'media closed' });
    const onDtmf = (digit: string) => sendBack({ type: 'media.dtmf', digit });
    endpoint.on('hangup', onHangup);
    endpoint.on('dtmf', onDtmf);
    media.on('close', onClose);
    if (endpoint.ended || media.closed) queueMicrotask(onClose);
    return () => {
      endpoint.off('hangup', onHangup);
      endpoint.off('dtmf', onDtmf);
      media.off('close', onClose);
    };
  });
}
