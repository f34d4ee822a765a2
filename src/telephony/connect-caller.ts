/**
 * The telephony half of a caller's set-up: answer the channel (unless it is up already), create
 * the externalMedia channel and a mixing bridge, all at once, then bridge caller and media. Every
 * step settles before a failure is reported, so nothing created late leaks: the call's clean-up
 * releases whatever `state` records.
 *
 * @module
 */
import { TelephonyError } from '../errors.js';
import type { Channel } from './ari-types.js';
import type { CallState } from './call-state.js';
import { createExternalMedia, type MediaSetup } from './external-media.js';

/** Throws when the caller hung up (or the call is ending) during its set-up. */
export function abortIfGone(state: CallState): void {
  if (state.gone || state.ending)
    throw new TelephonyError(`caller ${state.channelId} hung up during set-up`, {
      retryable: false,
    });
}

/**
 * Answers `channel`, creates its media and bridge side by side and bridges them; records the
 * media connection, media channel and bridge on `state`. Rejects with the first failed step, or
 * a TelephonyError when the caller hung up meanwhile.
 */
export async function connectCaller(
  setup: MediaSetup,
  state: CallState,
  channel: Channel,
): Promise<void> {
  const rest = setup.rest;
  const steps = await Promise.allSettled([
    channel.state === 'Up' ? Promise.resolve() : rest.answer(channel.id),
    createExternalMedia(setup, state).then((media) => {
      state.media = media;
    }),
    rest.createBridge('mixing').then((bridge) => {
      state.bridgeId = bridge.id;
    }),
  ]);
  abortIfGone(state);
  const failed = steps.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  await rest.addChannels(state.bridgeId!, [channel.id, state.mediaChannelId!]);
  abortIfGone(state);
}
