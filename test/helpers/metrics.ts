/**
 * Reading prom-client metrics in tests: one reader for a `Registry` and one for the text a
 * `/metrics` endpoint serves.
 *
 * @module
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

const HISTOGRAM_PARTS = /_(sum|count|bucket)$/;

function matches(labels: Record<string, unknown>, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => String(labels[k]) === v);
}

/**
 * Sum of the samples named `name` whose labels include every `labels` pair; 0 when there are none.
 * `name` is a counter or gauge, a histogram or summary (its `_count`), or one part of one
 * (`<name>_sum`, `<name>_count`, `<name>_bucket`).
 *
 * @example
 * ```ts
 * await metricValue(registry, 'voxstate_prefetch_total', { outcome: 'skipped' }); // a counter
 * await metricValue(registry, 'voxstate_prefetch_wait_seconds'); // observations
 * await metricValue(registry, 'voxstate_prefetch_wait_seconds_sum'); // seconds in all
 * ```
 */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Labels = {},
): Promise<number> {
  const family =
    registry.getSingleMetric(name) ?? registry.getSingleMetric(name.replace(HISTOGRAM_PARTS, ''));
  if (!family) return 0;
  const { name: familyName, values } = await family.get();
  const sampleName = (v: object): string => (v as { metricName?: string }).metricName ?? familyName;
  const parts = values.some((v) => sampleName(v) !== familyName);
  const wanted = parts && name === familyName ? `${name}_count` : name;
  return values
    .filter((v) => sampleName(v) === wanted && matches(v.labels, labels))
    .reduce((n, v) => n + v.value, 0);
}

/**
 * The same sum read from the Prometheus text format (a `/metrics` response body).
 *
 * @example
 * ```ts
 * const text = await (await fetch(`${opsUrl}/metrics`)).text();
 * scrapedValue(text, 'voxstate_calls_total', { outcome: 'completed' });
 * ```
 */
export function scrapedValue(text: string, name: string, labels: Labels = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}
