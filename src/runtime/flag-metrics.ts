/**
 * The metric of feature-flag assignments (`src/config/flags.ts`): the configuration never
 * imports telemetry, so the runtime, which assigns a call its flags, counts them here.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { catalogCounter } from '../telemetry/catalog.js';

/** Counts one call's assignment in `voxstate_flag_assignments_total{flag,variant}`. */
export function recordFlagAssignment(registry: Registry, flags: Record<string, string>): void {
  const c = catalogCounter(registry, 'voxstate_flag_assignments_total');
  for (const [flag, variant] of Object.entries(flags)) c.inc({ flag, variant });
}
