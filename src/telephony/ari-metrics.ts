/**
 * Prometheus metrics of the ARI connection, on the runtime's registry.
 *
 * @module
 */

import type { Registry } from 'prom-client';
import { catalogHistogram } from '../telemetry/catalog.js';
import { counter, FAST_BUCKETS, gauge, histogram, seconds } from '../telemetry/metrics.js';

/** How an ARI REST request ended; `gone` is a 404 (the target does not exist). */
export type AriRequestOutcome = 'ok' | 'error' | 'timeout' | 'gone';

/** Hooks the ARI connection reports through. */
export interface AriMetrics {
  connected(up: boolean): void;
  reconnect(): void;
  unknownEvent(type: string): void;
  request(operation: string, outcome: AriRequestOutcome, ms: number): void;
}

/** Metrics that go nowhere (no registry given). */
export const NO_ARI_METRICS: AriMetrics = {
  connected: () => undefined,
  reconnect: () => undefined,
  unknownEvent: () => undefined,
  request: () => undefined,
};

/**
 * `voxstate_ari_connected` (gauge), `voxstate_ari_reconnects_total`,
 * `voxstate_ari_unknown_events_total{type}`, `voxstate_ari_request_seconds{operation,outcome}`.
 */
export function ariMetrics(registry: Registry): AriMetrics {
  const up = gauge(registry, {
    name: 'voxstate_ari_connected',
    help: '1 while the ARI events WebSocket is open',
  });
  const reconnects = counter(registry, {
    name: 'voxstate_ari_reconnects_total',
    help: 'ARI events WebSocket reconnections',
  });
  const unknown = counter(registry, {
    name: 'voxstate_ari_unknown_events_total',
    help: 'ARI events dropped because events.json has no model for their type',
    labelNames: ['type'],
  });
  const requests = histogram(registry, {
    name: 'voxstate_ari_request_seconds',
    help: 'ARI REST request duration by operation and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: FAST_BUCKETS,
  });
  return {
    connected: (isUp) => up.set(isUp ? 1 : 0),
    reconnect: () => reconnects.inc(),
    unknownEvent: (type) => unknown.inc({ type }),
    request: (operation, outcome, ms) => requests.observe({ operation, outcome }, seconds(ms)),
  };
}

/** How a call's set-up ended. */
export type CallSetupOutcome = 'ok' | 'failed' | 'abandoned';

/** Observes call set-ups. */
export interface CallSetupMetric {
  observe(transport: string, outcome: CallSetupOutcome, ms: number): void;
}

/** A set-up metric that goes nowhere (no registry given). */
export const NO_CALL_SETUP_METRIC: CallSetupMetric = { observe: () => undefined };

/**
 * `voxstate_call_setup_seconds{transport,outcome}`: the caller's StasisStart to the call being
 * ready (answered, media channel in the app and connected, bridged); `failed` when set-up gave
 * up, `abandoned` when the caller hung up first.
 */
export function callSetupMetric(registry: Registry): CallSetupMetric {
  const h = catalogHistogram(registry, 'voxstate_call_setup_seconds');
  return { observe: (transport, outcome, ms) => h.observe({ transport, outcome }, seconds(ms)) };
}
