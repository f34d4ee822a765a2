/**
 * The `transferBlind` actor: hands the caller off to the configured blind target (continue in
 * the dialplan at a context/extension/priority, or redirect to an endpoint) and resolves once
 * Asterisk took the caller. It rejects (the machine goes back to the caller) when no blind
 * target is configured or Asterisk refuses.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import { ConfigError } from '../errors.js';
import type { TransferInput } from './contracts.js';
import { type TransferDeps, transferLine } from './transfer-deps.js';

/**
 * Creates the `transferBlind` actor logic.
 *
 * @example
 * ```ts
 * const transferBlind = createTransferBlindActor({ line: phoneCall.transfer, settings });
 * ```
 */
export function createTransferBlindActor(deps: TransferDeps) {
  return fromPromise<void, TransferInput>(async ({ input, signal }) => {
    const line = transferLine(deps);
    const target = deps.settings.blind;
    if (!target) throw new ConfigError('no blind transfer target: set VOXSTATE_TRANSFER_EXTENSION');
    deps.logger?.info(
      { callId: input.callId, kind: target.kind, requested: input.target },
      'blind transfer',
    );
    await line.handOff(target, signal);
  });
}
