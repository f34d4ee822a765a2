/**
 * What the transfer actors share: the call's {@link TransferLine} (absent on a line that cannot
 * transfer, such as the console demo) and where transfers go.
 *
 * @module
 */
import type { TransferLine, TransferSettings } from '../calls/transfer-line.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';

/** Dependencies of the transfer actors. */
export interface TransferDeps {
  /** The call's transfer operations; undefined: this line cannot transfer. */
  line: TransferLine | undefined;
  settings: TransferSettings;
  logger?: Logger;
}

/** The call's transfer operations, or a ConfigError naming why there are none. */
export function transferLine(deps: TransferDeps): TransferLine {
  if (!deps.line) throw new ConfigError('this call line cannot transfer (no telephony transfer)');
  return deps.line;
}
