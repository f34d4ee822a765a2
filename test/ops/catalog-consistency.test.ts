import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG } from '../../src/telemetry/catalog.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

interface Found {
  file: string;
  name: string;
  kind: string;
  labels: string[];
}

/** Metrics created in src/ with a literal name through the metrics.ts helpers. */
function created(): Found[] {
  const out: Found[] = [];
  for (const file of files(SRC)) {
    if (file.endsWith(join('telemetry', 'catalog.ts'))) continue;
    const text = readFileSync(file, 'utf8');
    const re =
      /\b(counter|gauge|histogram)\s*(?:<[^>]*>)?\(\s*[\w.!]+\s*,\s*\{\s*name:\s*'(voxstate_[a-z0-9_]+)'/g;
    for (const m of text.matchAll(re)) {
      const body = text.slice(m.index, text.indexOf('}', m.index + m[0].length) + 1);
      const labels = /labelNames:\s*\[([^\]]*)\]/.exec(body)?.[1];
      out.push({
        file: relative(SRC, file),
        kind: m[1]!,
        name: m[2]!,
        labels: labels ? [...labels.matchAll(/'([^']+)'/g)].map((x) => x[1]!) : [],
      });
    }
  }
  return out;
}

describe('catalogue vs the metrics components create', () => {
  const found = created();
  const byName = new Map(METRIC_CATALOG.map((e) => [e.name, e]));

  it('finds the metrics created in src/', () => {
    expect(found.some((f) => f.name === 'voxstate_redis_up')).toBe(true);
    const literal = [
      ...new Set(
        files(SRC)
          .filter((f) => !f.endsWith(join('telemetry', 'catalog.ts')))
          .flatMap((f) => readFileSync(f, 'utf8').match(/name: '(voxstate_[a-z0-9_]+)'/g) ?? []),
      ),
    ];
    expect(new Set(found.map((f) => f.name)).size).toBe(literal.length);
  });

  it('every metric is catalogued with the same type and labels', () => {
    for (const f of found) {
      const entry = byName.get(f.name);
      expect(entry, `${f.name} (${f.file}) is missing from src/telemetry/catalog.ts`).toBeDefined();
      expect(entry?.type, `${f.name} type in ${f.file}`).toBe(f.kind);
      expect(entry?.labelNames, `${f.name} labels in ${f.file}`).toEqual(f.labels);
    }
  });
});
