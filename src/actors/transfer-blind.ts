/**
 * The `transferBlind` actor: hands the caller off to the requested target's blind destination
 * (continue in the dialplan at a context/extension/priority, or redirect to an endpoint) and
 * resolves once Asterisk took the caller. It rejects (the machine goes back to the caller) when
 * the target has no blind destination or Asterisk refuses.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import { ConfigError } from '../errors.js';
import type { TransferInput } from './contracts.js';
import { type TransferDeps, transferLine, transferTarget } from './transfer-deps.js';

/**
 * Creates the `transferBlind` actor logic.
 *
 * @example
 * ```ts
 * const transferBlind = createTransferBlindActor({ line: phoneCall.transfer, plan });
 * ```
 */
export function createTransferBlindActor(deps: TransferDeps) {
  return fromPromise<void, TransferInput>(async ({ input, signal }) => {
    const line = transferLine(deps);
    const target = transferTarget(deps, input.target);
    if (!target.blind) {
      throw new ConfigError(`transfer target "${target.name}" has no "dialplan" or "redirect"`);
    }
    deps.logger?.info(
      { callId: input.callId, target: target.name, kind: target.blind.kind },
      'blind transfer',
    );
    await line.handOff(target.blind, signal);
  });
}
