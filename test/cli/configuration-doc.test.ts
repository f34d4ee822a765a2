import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configGroups, renderConfigDoc } from '../../src/config/doc.js';
import { SETTINGS } from '../../src/config/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

/** Lines of `src/` that read a variable straight from an environment object, outside TSDoc. */
function directReads(): string[] {
  const found: string[] = [];
  for (const file of sources(join(ROOT, 'src'))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(\*|\/\/)/.test(line)) return;
        if (/env(?:\??\.|\[['"`])[A-Z][A-Z0-9_]+/.test(line)) {
          found.push(`${file.slice(ROOT.length)}:${i + 1}: ${line.trim()}`);
        }
      });
  }
  return found;
}

/** Variable names quoted in `src/` code (pick lists, messages): each must be in the schema. */
function quotedInSrc(): Set<string> {
  const names = new Set<string>();
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/'((?:VOXSTATE|OPENAI|ANTHROPIC|HF)_[A-Z0-9_]+)'/g)) {
      names.add(m[1]!);
    }
  }
  return names;
}

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
  const schema = Object.keys(SETTINGS);

  it('is what `npm run docs:config` generates from the schema (not stale)', () => {
    expect(renderConfigDoc(doc)).toBe(doc);
  });

  it('has a generated table for every group, and a row for exactly the schema variables', () => {
    for (const group of configGroups()) expect(doc).toContain(`<!-- config:begin ${group} -->`);
    expect(schema.length).toBeGreaterThan(120);
    expect([...documented].sort()).toEqual([...schema].sort());
  });

  it('no source reads the environment but through the schema', () => {
    expect(directReads()).toEqual([]);
    expect([...quotedInSrc()].filter((v) => !(v in SETTINGS)).sort()).toEqual([]);
  });

  it('fails on a stale table: a changed row is rewritten', () => {
    const stale = doc.replace(
      /^\| `VOXSTATE_OPS_PORT` \|.*$/m,
      '| `VOXSTATE_OPS_PORT` | x | y | z |',
    );
    expect(stale).not.toBe(doc);
    expect(renderConfigDoc(stale)).toBe(doc);
  });
});
