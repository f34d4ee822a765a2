import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

/** Environment variables the code reads: `env.X`, `env['X']`, quoted names, pool templates. */
function readInSrc(): Set<string> {
  const names = new Set<string>();
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /env(?:\??\.|\[')([A-Z][A-Z0-9_]+)|'((?:VOXSTATE|OPENAI|ANTHROPIC|HF)_[A-Z0-9_]+)'/g,
    )) {
      names.add((m[1] ?? m[2])!);
    }
    for (const m of text.matchAll(/`VOXSTATE_\$\{name\}_([A-Z_]+)`/g)) {
      for (const pool of ['EMBEDDING', 'WHISPER', 'VAD']) names.add(`VOXSTATE_${pool}_${m[1]}`);
    }
  }
  names.delete('NODE_ENV');
  return names;
}

describe('docs/configuration.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));

  it('documents, in a table row, every environment variable the code reads', () => {
    const read = readInSrc();
    expect(read.size).toBeGreaterThan(100);
    expect([...read].filter((v) => !documented.has(v)).sort()).toEqual([]);
  });

  it('documents no variable the code does not read', () => {
    const read = readInSrc();
    expect([...documented].filter((v) => !read.has(v)).sort()).toEqual([]);
  });
});
