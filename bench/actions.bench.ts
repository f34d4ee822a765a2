/**
 * Benchmark suite `actions` (issue 16): `toolOverheadMs {p50, p95}`, our time in a tool round
 * beyond the webhook's own at 50 concurrent calls (goal p95 < 20), see `bench/actions-tools.ts`.
 * The transfer figures (`transferRequestToBridgedMs`) join this object with the transfer states.
 *
 * Run: `npm run bench -- actions [--json]`.
 *
 * @module
 */
import { measureToolOverhead } from './actions-tools.js';

/** Runs the suite; the result is printed as one JSON object with `--json`. */
export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const tools = await measureToolOverhead();
  return { ...tools };
}
