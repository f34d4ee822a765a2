/**
 * Regenerates the variable tables of docs/configuration.md from the configuration schema
 * (src/config/settings/*.ts). `npm run docs:config`; `--check` exits 1 when the file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigDoc } from '../src/config/doc.js';

const file = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const current = readFileSync(file, 'utf8');
const next = renderConfigDoc(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    process.stderr.write('docs/configuration.md is stale: run npm run docs:config\n');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(file, next);
  process.stdout.write('docs/configuration.md updated\n');
}
