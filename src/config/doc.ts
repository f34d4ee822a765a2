/**
 * The variable tables of docs/configuration.md, generated from the schema: each
 * `<!-- config:begin <group> -->` ... `<!-- config:end -->` block is replaced by the table of that
 * group's settings; the prose around the blocks is kept. `npm run docs:config` writes the file and
 * a test fails when the committed one is stale.
 *
 * @module
 */
import type { Setting } from './kinds.js';
import { SETTINGS } from './schema.js';

const BLOCK = /<!-- config:begin (\S+) -->\n[\s\S]*?<!-- config:end -->/g;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function showDefault(setting: Setting<unknown>): string {
  if (setting.defaultDoc !== undefined) return setting.defaultDoc;
  const value = setting.default;
  if (value === undefined) return 'none';
  if (setting.kind.show) return setting.kind.show(value);
  if (typeof value === 'string') return value === '' ? 'empty' : `\`${value}\``;
  return String(value);
}

/** The markdown table of one group's settings. */
export function configTable(group: string): string {
  const rows = Object.entries(SETTINGS as Record<string, Setting<unknown>>)
    .filter(([, s]) => s.group === group)
    .map(([name, s]) => {
      const type = s.kind.summary ?? s.kind.type;
      const secret = s.secret ? '**secret**: ' : '';
      return `| \`${name}\` | ${cell(type)} | ${cell(showDefault(s))} | ${secret}${cell(s.description)} |`;
    });
  if (rows.length === 0) throw new Error(`no setting in group "${group}"`);
  return ['| variable | type | default | meaning |', '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

/** The groups of the schema, in the order their first setting appears. */
export function configGroups(): string[] {
  return [
    ...new Set(Object.values(SETTINGS as Record<string, Setting<unknown>>).map((s) => s.group)),
  ];
}

/**
 * `doc` with every generated block rewritten from the schema.
 *
 * @throws Error when a group of the schema has no block in `doc`.
 */
export function renderConfigDoc(doc: string): string {
  const seen = new Set<string>();
  const out = doc.replace(BLOCK, (_, group: string) => {
    seen.add(group);
    return `<!-- config:begin ${group} -->\n${configTable(group)}\n<!-- config:end -->`;
  });
  const missing = configGroups().filter((g) => !seen.has(g));
  if (missing.length > 0) {
    throw new Error(`docs/configuration.md has no block for group(s) ${missing.join(', ')}`);
  }
  return out;
}
