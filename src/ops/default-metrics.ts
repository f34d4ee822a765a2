/**
 * Process metrics and the event-loop delay, registered on the runtime's registry.
 *
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import { catalogGauge } from '../telemetry/catalog.js';

const enabled = new WeakSet<Registry>();

/**
 * Registers prom-client's default process metrics (CPU, memory, heap, GC, handles) on `registry`
 * with the `voxstate_` prefix, once per registry; later calls do nothing.
 *
 * @example
 * ```ts
 * enableDefaultMetrics(registry); // voxstate_process_cpu_seconds_total, ...
 * ```
 */
export function enableDefaultMetrics(registry: Registry, prefix = 'voxstate_'): void {
  if (enabled.has(registry)) return;
  enabled.add(registry);
  collectDefaultMetrics({ register: registry, prefix });
}

/** A running event-loop monitor. */
export interface EventLoopMonitor {
  stop(): void;
}

/**
 * Samples the main event loop's delay with `perf_hooks.monitorEventLoopDelay` and exports it on
 * every scrape as `voxstate_event_loop_delay_seconds{quantile="0.5"|"0.99"|"max"}`, covering the
 * time since the previous scrape.
 */
export function startEventLoopMonitor(registry: Registry, resolutionMs = 10): EventLoopMonitor {
  const h = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  const g = catalogGauge(registry, 'voxstate_event_loop_delay_seconds');
  const collect = () => {
    if (h.count > 0) {
      g.set({ quantile: '0.5' }, h.percentile(50) / 1e9);
      g.set({ quantile: '0.99' }, h.percentile(99) / 1e9);
      g.set({ quantile: 'max' }, h.max / 1e9);
    }
    h.reset();
  };
  (g as unknown as { collect?: () => void }).collect = collect;
  return {
    stop() {
      h.disable();
      const target = g as unknown as { collect?: () => void };
      if (target.collect === collect) target.collect = undefined;
    },
  };
}
