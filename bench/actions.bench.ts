/**
 * `npm run bench -- actions [--json]`: the actions' figures, one part per file
 * (`actions-transfer.ts`: `transferRequestToBridgedMs` {attended, blind} {p50, p95}).
 */
import { measureTransfers } from './actions-transfer.js';

/** Runs every part of the suite. */
export default async function run(): Promise<Record<string, unknown>> {
  return { transferRequestToBridgedMs: await measureTransfers() };
}
