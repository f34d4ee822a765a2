/**
 * What the transfer actors share: the call's {@link TransferLine} (absent on a line that cannot
 * transfer, such as the console demo) and the business's named transfer targets.
 *
 * @module
 */
import {
  type TransferPlan,
  type TransferTarget,
  transferTargetOf,
} from '../answer/transfer-config.js';
import type { TransferLine } from '../calls/transfer-line.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';

/** Dependencies of the transfer actors. */
export interface TransferDeps {
  /** The call's transfer operations; undefined: this line cannot transfer. */
  line: TransferLine | undefined;
  /** The business's transfer targets; undefined: none configured. */
  plan: TransferPlan | undefined;
  logger?: Logger;
}

/** The call's transfer operations, or a ConfigError naming why there are none. */
export function transferLine(deps: TransferDeps): TransferLine {
  if (!deps.line) throw new ConfigError('this call line cannot transfer (no telephony transfer)');
  return deps.line;
}

/** The target a request names (the default one when none), or a ConfigError naming it. */
export function transferTarget(deps: TransferDeps, name: string | undefined): TransferTarget {
  const target = transferTargetOf(deps.plan, name);
  if (!target) {
    throw new ConfigError(
      deps.plan
        ? `no transfer target "${name}" in the business's transfer targets`
        : 'no transfer targets: the business data has no "transfer"',
    );
  }
  return target;
}
