/**
 * Benchmark suite `actions` (issue 16), one part per file:
 * - `toolOverheadMs {p50, p95}`: our time in a tool round beyond the webhook's own at 50
 *   concurrent calls (goal p95 < 20), `bench/actions-tools.ts`;
 * - `transferRequestToBridgedMs {attended, blind} {p50, p95}`: from the transfer request to caller
 *   and agent bridged, on the simulator, `bench/actions-transfer.ts`.
 *
 * Run: `npm run bench -- actions [--json]`.
 *
 * @module
 */
import { measureToolOverhead } from './actions-tools.js';
import { measureTransfers } from './actions-transfer.js';

/** Runs the suite; the result is printed as one JSON object with `--json`. */
export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const tools = await measureToolOverhead();
  return { ...tools, transferRequestToBridgedMs: await measureTransfers() };
}
