/**
 * The `dialAgent` actor: dials the agent's leg of an attended transfer (the requested target's
 * `agent` endpoint, for its ring timeout) into the app and resolves when the agent answers;
 * rejects (a `TransferError` saying `noanswer`, `busy`, `hangup` or `failed`) otherwise.
 * Stopping it (the caller hung up) hangs the ringing leg up.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import { ConfigError } from '../errors.js';
import type { TransferInput } from './contracts.js';
import { type TransferDeps, transferLine, transferTarget } from './transfer-deps.js';

/**
 * Creates the `dialAgent` actor logic.
 *
 * @example
 * ```ts
 * const dialAgent = createDialAgentActor({ line: phoneCall.transfer, plan });
 * ```
 */
export function createDialAgentActor(deps: TransferDeps) {
  return fromPromise<void, TransferInput>(async ({ input, signal }) => {
    const line = transferLine(deps);
    const target = transferTarget(deps, input.target);
    if (!target.agent) throw new ConfigError(`transfer target "${target.name}" has no "agent"`);
    deps.logger?.info(
      { callId: input.callId, target: target.name, endpoint: target.agent },
      'attended transfer: dialling the agent',
    );
    await line.dialAgent(target.agent, target.ringTimeoutMs, signal);
  });
}
