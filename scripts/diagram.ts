/**
 * `npm run docs:diagram`: regenerates the Mermaid diagram and actor legend in
 * `docs/call-machine.md` from the call machine's definition. Only the block between the
 * `generated:begin` / `generated:end` markers is replaced; the prose around it is kept.
 * With `--check` nothing is written and the exit code is 1 when the doc is stale.
 *
 * @module
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { callMachine } from '../src/machines/call.machine.js';
import { renderDiagramBlock, replaceGeneratedBlock } from './machine-diagram.js';

const DOC = fileURLToPath(new URL('../docs/call-machine.md', import.meta.url));

const check = process.argv.includes('--check');
const current = await readFile(DOC, 'utf8');
const next = replaceGeneratedBlock(
  current,
  renderDiagramBlock(callMachine),
  'docs/call-machine.md',
);
if (next === current) {
  console.log('docs/call-machine.md is up to date');
} else if (check) {
  console.error('docs/call-machine.md is stale: run npm run docs:diagram');
  process.exitCode = 1;
} else {
  await writeFile(DOC, next);
  console.log('docs/call-machine.md updated');
}
