/**
 * Prometheus metric helpers.
 *
 * voxstate keeps one prom-client `Registry` per runtime instance and passes it to every
 * component; nothing registers on the global default registry. Components get their metrics
 * through these helpers, which return the already-registered metric when two components ask
 * for the same name, so that construction order does not matter.
 *
 * Times are milliseconds inside the code and seconds in Prometheus (`_seconds` names).
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Histogram buckets (seconds) for voice latencies: fine below 100 ms, where cached audio and
 * our own overhead live, and up to 10 s for slow providers.
 */
export const VOICE_LATENCY_BUCKETS = [
  0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10,
];

/** Buckets (seconds) for fast in-process work such as a worker round trip. */
export const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

/** Creates a registry for one runtime instance. */
export function createRegistry(): Registry {
  return new Registry();
}

interface MetricSpec<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** The counter named `spec.name` in `registry`, created on first use. */
export function counter<L extends string = string>(
  registry: Registry,
  spec: MetricSpec<L>,
): Counter<L> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ ...spec, labelNames: spec.labelNames ?? [], registers: [registry] });
}

/** The gauge named `spec.name` in `registry`, created on first use. */
export function gauge<L extends string = string>(
  registry: Registry,
  spec: MetricSpec<L> & { collect?: (this: Gauge<L>) => void | Promise<void> },
): Gauge<L> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing) return existing as Gauge<L>;
  return new Gauge<L>({ ...spec, labelNames: spec.labelNames ?? [], registers: [registry] });
}

/** The histogram named `spec.name` in `registry`, created on first use. */
export function histogram<L extends string = string>(
  registry: Registry,
  spec: MetricSpec<L> & { buckets?: number[] },
): Histogram<L> {
  const existing = registry.getSingleMetric(spec.name);
  if (existing) return existing as Histogram<L>;
  return new Histogram<L>({
    ...spec,
    labelNames: spec.labelNames ?? [],
    buckets: spec.buckets ?? VOICE_LATENCY_BUCKETS,
    registers: [registry],
  });
}

/** Milliseconds to seconds, for observing a histogram. */
export function seconds(ms: number): number {
  return ms / 1000;
}
