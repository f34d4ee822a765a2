/**
 * The `dialAgent` actor: dials the agent's leg of an attended transfer into the app and
 * resolves when the agent answers; rejects (a `TransferError` saying `noanswer`, `busy`,
 * `hangup` or `failed`) otherwise. Stopping it (the caller hung up) hangs the ringing leg up.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import { ConfigError } from '../errors.js';
import type { TransferInput } from './contracts.js';
import { type TransferDeps, transferLine } from './transfer-deps.js';

/**
 * Creates the `dialAgent` actor logic.
 *
 * @example
 * ```ts
 * const dialAgent = createDialAgentActor({ line: phoneCall.transfer, settings });
 * ```
 */
export function createDialAgentActor(deps: TransferDeps) {
  return fromPromise<void, TransferInput>(async ({ input, signal }) => {
    const line = transferLine(deps);
    const endpoint = deps.settings.agentEndpoint;
    if (!endpoint) throw new ConfigError('no agent endpoint: set VOXSTATE_TRANSFER_AGENT_ENDPOINT');
    deps.logger?.info(
      { callId: input.callId, endpoint, requested: input.target },
      'attended transfer: dialling the agent',
    );
    await line.dialAgent(endpoint, deps.settings.ringTimeoutMs, signal);
  });
}
