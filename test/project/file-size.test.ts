/**
 * Files in `src/` stay small: none over 350 lines unless docs/architecture.md's "Files over 300
 * lines" table names it with a reason, and the table lists every file over 300 lines and no file
 * that has since shrunk to 300 or gone, so it cannot go stale.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIMIT = 350;
const LISTED_FROM = 300;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

function lineCount(path: string): number {
  const text = readFileSync(join(ROOT, path), 'utf8');
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

/** The rows of the table under "## Files over 300 lines": file -> lines written there. */
function documented(): Map<string, number> {
  const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.split('## Files over 300 lines')[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, number>();
  for (const m of section.matchAll(/^\| `(src\/[^`]+)` \| (\d+) \| (.+) \|$/gm)) {
    rows.set(m[1] as string, Number(m[2]));
  }
  return rows;
}

describe('file sizes in src/', () => {
  const sizes = new Map(sourceFiles(join(ROOT, 'src')).map((f) => [f, lineCount(f)]));
  const table = documented();

  it('no file is over 350 lines unless docs/architecture.md names it with a reason', () => {
    const over = [...sizes].filter(([, n]) => n > LIMIT).map(([f, n]) => `${f} (${n})`);
    expect(over.filter((f) => !table.has(f.split(' ')[0] as string))).toEqual([]);
  });

  it('the table lists every file over 300 lines, and only those', () => {
    const missing = [...sizes].filter(([f, n]) => n > LISTED_FROM && !table.has(f));
    expect(missing.map(([f, n]) => `${f} (${n})`)).toEqual([]);
    const stale = [...table.keys()].filter((f) => (sizes.get(f) ?? 0) <= LISTED_FROM);
    expect(stale.map((f) => `${f}: ${sizes.get(f) ?? 'missing'} lines`)).toEqual([]);
  });
});
