import { describe, expect, it } from 'vitest';
import { run as runKb } from '../../src/cli/commands/kb.js';
import { run as runMaintenance } from '../../src/cli/commands/maintenance.js';
import { USAGE_EXIT } from '../../src/cli/io.js';
import { COMMANDS } from '../../src/cli/main.js';
import { capture } from './helpers.js';

function io() {
  const out = capture();
  const err = capture();
  return { io: { out, err }, out, err };
}

describe('every command: --help is generated from its option table', () => {
  it.each(Object.keys(COMMANDS))('voxstate %s --help lists every option', async (name) => {
    const mod = await COMMANDS[name]!.load();
    const flags = Object.keys(mod.SPEC.options);
    const help = io();
    // serve and call take the process's streams by default: give them ours.
    const code = await (mod.run as (a: string[], io: unknown) => Promise<number>)(['--help'], {
      ...help.io,
      env: {},
    });
    expect(code).toBe(0);
    expect(help.out.text()).toMatch(new RegExp(`^usage: voxstate ${name}`));
    for (const flag of [...flags, 'help']) expect(help.out.text()).toContain(`--${flag}`);
    expect(help.err.text()).toBe('');
  });
});

describe('wrong values name the flag, not an environment variable; exit 2', () => {
  it.each([
    [
      ['search', 'x', '--threshold', 'abc'],
      'voxstate kb: --threshold must be a number from -1 to 1, got "abc"\n',
    ],
    [
      ['search', 'x', '--threshold', '2'],
      'voxstate kb: --threshold must be a number from -1 to 1, got "2"\n',
    ],
    [['search', 'x', '--k', '0'], 'voxstate kb: --k must be an integer of at least 1, got "0"\n'],
    [['search'], 'voxstate kb: search: give the text to search for\n'],
    [
      ['find', 'x'],
      'voxstate kb: unknown sub-command "find", expected "ingest" or "search" (voxstate kb --help)\n',
    ],
    [
      ['search', 'x', '--bogus'],
      expect.stringMatching(/^voxstate kb: Unknown option '--bogus'.*\(voxstate kb --help\)\n$/),
    ],
  ])('kb %j', async (argv, message) => {
    const t = io();
    expect(await runKb(argv as string[], t.io, {})).toBe(USAGE_EXIT);
    expect(t.err.text()).toEqual(message);
    expect(t.out.text()).toBe('');
  });

  it('maintenance --retention-days abc', async () => {
    const t = io();
    expect(await runMaintenance(['--retention-days', 'abc'], t.io)).toBe(USAGE_EXIT);
    expect(t.err.text()).toBe(
      'voxstate maintenance: --retention-days must be a positive number of days, got "abc"\n',
    );
  });
});
