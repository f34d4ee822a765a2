/**
 * The command lines in README.md and docs/ are real: every `voxstate <command> ...` names a
 * command, sub-command and options that exist in that command's own option table (`SPEC`, the
 * one its parser and `--help` use); every `npm run <script>` / `npm start -- ...` names a script
 * of package.json, a bench suite of bench/run.ts, or a flag of the script it runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BENCH_FLAGS, benchSuites, SUITE_FLAGS } from '../../bench/suites.js';
import type { CommandSpec } from '../../src/cli/io.js';
import { COMMANDS } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function docFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? docFiles(join(dir, d.name))
      : /\.(md|ya?ml)$/.test(d.name)
        ? [join(dir, d.name)]
        : [],
  );
}

/** A command line found in a document. */
interface Found {
  where: string;
  text: string;
}

/** Fenced blocks that hold shell commands (not configuration files or TypeScript). */
const SHELL_FENCE = /^\s*```(?:sh|bash|shell|console)?\s*$/;

/** Code in a document: the lines of shell blocks and the inline code spans elsewhere. */
function codeOf(text: string): string[] {
  const code: string[] = [];
  let fence: 'shell' | 'other' | undefined;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) {
      fence = fence ? undefined : SHELL_FENCE.test(line) ? 'shell' : 'other';
      continue;
    }
    if (fence === 'shell') code.push(line.replace(/^\$ /, ''));
    else if (!fence) for (const m of line.matchAll(/`([^`]+)`/g)) code.push(m[1] as string);
  }
  return code;
}

/** The command lines that start with `voxstate `, `npm run ` or `npm start` in `file`. */
function commandLines(file: string): Found[] {
  const text = readFileSync(file, 'utf8');
  const where = relative(ROOT, file);
  const found: Found[] = [];
  for (const code of codeOf(text)) {
    // A shell comment ends the command; variable assignments may precede it. A command word
    // followed by a colon is a line of output (`voxstate serve: VOXSTATE_OPS_PORT must be...`).
    const line = code.replace(/(^|\s)#.*$/, '');
    for (const m of line.matchAll(
      /(?:^|[\s(])((?:npx )?voxstate (?:[a-z][a-z-]*(?=\s|$)|<)[^;|&>]*|npm (?:run|start)\b[^;|&>]*)/g,
    )) {
      found.push({ where, text: (m[1] as string).trim() });
    }
  }
  return found;
}

/** Shell-like words, with the brackets and alternatives of a synopsis taken apart. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"[^"]*"|'[^']*'|\S+/g)) {
    const w = m[0];
    if (/^["']/.test(w)) out.push('<value>');
    else
      out.push(
        ...w
          .split('|')
          .map((p) => p.replace(/^\[+|\]+$/g, ''))
          .filter(Boolean),
      );
  }
  return out;
}

const isPlaceholder = (w: string) => /^<.*>$|^\.\.\.$|^\[/.test(w) || w.includes('<');

/** What is wrong with `argv` for `spec`, or undefined. */
function checkAgainst(spec: CommandSpec, argv: string[]): string | undefined {
  const longs = new Set([...Object.keys(spec.options), 'help']);
  const shorts = new Set(
    Object.values(spec.options)
      .map((o) => o.short)
      .concat('h'),
  );
  const positionals = argv.filter((w) => !w.startsWith('-'));
  const sub = positionals[0];
  if (spec.subcommands && sub !== undefined && !isPlaceholder(sub)) {
    // A word after an option may be that option's value: only check a leading sub-command.
    if (!argv[0]?.startsWith('-') && !spec.subcommands.includes(sub))
      return `"${sub}" is not a sub-command of voxstate ${spec.name} (${spec.subcommands.join(', ')})`;
  }
  for (const w of argv) {
    if (w.startsWith('--')) {
      const name = w.slice(2).split('=')[0] as string;
      if (!longs.has(name)) return `--${name} is not an option of voxstate ${spec.name}`;
    } else if (/^-[a-zA-Z]$/.test(w) && !shorts.has(w.slice(1))) {
      return `${w} is not an option of voxstate ${spec.name}`;
    }
  }
  return undefined;
}

const specs = new Map<string, CommandSpec>();
async function specOf(command: string): Promise<CommandSpec | undefined> {
  const entry = COMMANDS[command];
  if (!entry) return undefined;
  if (!specs.has(command)) specs.set(command, (await entry.load()).SPEC);
  return specs.get(command);
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** What is wrong with one command line, or undefined. */
async function problem(line: string): Promise<string | undefined> {
  const w = words(line.replace(/^npx /, ''));
  if (w[0] === 'voxstate') {
    const command = w[1] as string;
    if (isPlaceholder(command)) return undefined;
    const spec = await specOf(command);
    if (!spec) return `no command "voxstate ${command}"`;
    return checkAgainst(spec, w.slice(2));
  }
  // npm run <script> [-- args] / npm start [-- args]
  const script = w[1] === 'start' ? 'start' : w[2];
  if (script === undefined || isPlaceholder(script)) return undefined;
  const body = pkg.scripts[script];
  if (body === undefined) return `no npm script "${script}"`;
  const dash = w.indexOf('--');
  const args = dash < 0 ? [] : w.slice(dash + 1);
  if (script === 'bench') {
    const suite = args.find((a) => !a.startsWith('-'));
    if (suite !== undefined && !isPlaceholder(suite) && !benchSuites().includes(suite))
      return `no bench suite "${suite}" (${benchSuites().join(', ')})`;
    const flag = args.find(
      (a) =>
        a.startsWith('-') &&
        !(BENCH_FLAGS as readonly string[]).includes(a) &&
        !(SUITE_FLAGS[suite ?? ''] ?? []).includes(a),
    );
    return flag ? `${flag} is not a flag of npm run bench` : undefined;
  }
  if (script === 'soak') {
    const { SOAK_FLAGS } = await import('../../bench/soak.js');
    const flag = args.find(
      (a) => a.startsWith('-') && !(SOAK_FLAGS as readonly string[]).includes(a),
    );
    return flag ? `${flag} is not a flag of npm run soak` : undefined;
  }
  // A script that runs the CLI: its arguments go to that command.
  const cli = /src\/cli\/main\.ts (\w+)/.exec(body);
  if (cli) {
    const spec = await specOf(cli[1] as string);
    return spec ? checkAgainst(spec, args) : `npm script "${script}" runs an unknown command`;
  }
  return undefined;
}

const files = [join(ROOT, 'README.md'), ...docFiles(join(ROOT, 'docs'))];
const found = files.flatMap(commandLines);

describe('command lines in README.md and docs/', () => {
  it('finds the command lines (the extraction itself works)', () => {
    const texts = found.map((f) => f.text);
    expect(texts).toContain('npm start');
    expect(texts.some((t) => t.startsWith('voxstate kb search'))).toBe(true);
    expect(texts.some((t) => t.startsWith('npm run bench -- tts'))).toBe(true);
    expect(found.length).toBeGreaterThan(30);
  });

  it('every one names a real command, sub-command, option, script or suite', async () => {
    const wrong: string[] = [];
    for (const f of found) {
      const why = await problem(f.text);
      if (why) wrong.push(`${f.where}: \`${f.text}\`: ${why}`);
    }
    expect(wrong).toEqual([]);
  });

  it('catches what drifted before: a command, an option, a suite that do not exist', async () => {
    expect(await problem('voxstate start --inspect')).toMatch(/no command "voxstate start"/);
    expect(await problem('voxstate serve --inspect=9000 --inspect-pii')).toBeUndefined();
    expect(await problem('voxstate kb ingest docs --no-cloud --json')).toBeUndefined();
    expect(await problem('voxstate kb ingest docs --recursive')).toMatch(/--recursive/);
    expect(await problem('voxstate kb find x')).toMatch(/not a sub-command/);
    expect(await problem('npm run bench -- nosuch --json')).toMatch(/no bench suite "nosuch"/);
    expect(await problem('npm start -- --script x.json --verbose')).toMatch(/--verbose/);
    expect(await problem('npm run soak -- --calls 100 --fast')).toMatch(/--fast/);
    expect(await problem('npm run nosuch')).toMatch(/no npm script/);
  });
});

describe('files the docs name in voxstate kb ingest', () => {
  it('exist', () => {
    const missing = found
      .filter((f) => f.text.startsWith('voxstate kb ingest'))
      .flatMap((f) =>
        words(f.text)
          .slice(3)
          .filter((w) => !w.startsWith('-') && !isPlaceholder(w)),
      )
      .filter((path) => {
        try {
          readFileSync(join(ROOT, path));
          return false;
        } catch (err) {
          return (err as NodeJS.ErrnoException).code === 'ENOENT';
        }
      });
    expect(missing).toEqual([]);
  });
});
