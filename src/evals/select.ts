/**
 * Part of an eval suite: the calls named by `--only` patterns and/or spoken in `--lang`
 * languages, in suite order.
 *
 * A pattern is one of: a call's number in the suite (1-based, as `#` in the table: `7`), a
 * range of numbers (`3-7`), or text matched against the call's name without regard to case:
 * with `*` (any characters) or `?` (one character) the whole name must match, otherwise the
 * name must contain it (`sunday` selects `en: sunday` and its repeats `en: sunday #2`...).
 * Several patterns (repeated options or a comma list) select every call any one matches.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { EvalCall, EvalSuite } from './suite.js';

/** Which calls of a suite to run. */
export interface EvalSelection {
  /** Patterns; a call runs when any one matches (each may be a comma list). */
  only?: readonly string[];
  /** Languages (ISO 639-1); a call runs when it is in one (each may be a comma list). */
  languages?: readonly string[];
}

const split = (items: readonly string[]) =>
  items
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');

function globRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'iu');
}

/** A test of (call, 1-based number) for one pattern. */
function matcher(pattern: string): (call: EvalCall, n: number) => boolean {
  const range = /^(\d+)(?:-(\d+))?$/.exec(pattern);
  if (range) {
    const from = Number(range[1]);
    const to = range[2] !== undefined ? Number(range[2]) : from;
    if (to < from) throw new ConfigError(`call range ${pattern} ends before it starts`);
    return (_call, n) => n >= from && n <= to;
  }
  if (/[*?]/.test(pattern)) {
    const re = globRegExp(pattern);
    return (call) => re.test(call.name);
  }
  const text = pattern.toLocaleLowerCase();
  return (call) => call.name.toLocaleLowerCase().includes(text);
}

/**
 * The part of `suite` that `selection` names, or the suite itself when it names nothing.
 *
 * @throws ConfigError when a pattern matches no call (a typo should not run an empty suite or
 *   silently skip what was asked for), or nothing is left.
 * @example
 * ```ts
 * selectCalls(suite, { only: ['sunday', '40-42'], languages: ['ru'] });
 * ```
 */
export function selectCalls(suite: EvalSuite, selection: EvalSelection): EvalSuite {
  const patterns = split(selection.only ?? []);
  const languages = split(selection.languages ?? []).map((l) => l.toLowerCase());
  if (patterns.length === 0 && languages.length === 0) return suite;
  const numbered = suite.calls.map((call, i) => ({ call, n: i + 1 }));
  let chosen = numbered;
  if (patterns.length > 0) {
    const tests = patterns.map((p) => ({ pattern: p, test: matcher(p) }));
    for (const { pattern, test } of tests) {
      if (!numbered.some(({ call, n }) => test(call, n)))
        throw new ConfigError(`"${pattern}" matches no call of ${suite.name}`);
    }
    chosen = chosen.filter(({ call, n }) => tests.some(({ test }) => test(call, n)));
  }
  if (languages.length > 0) {
    for (const language of languages) {
      if (!suite.calls.some((c) => c.language === language))
        throw new ConfigError(`${suite.name} has no call in language "${language}"`);
    }
    chosen = chosen.filter(({ call }) => languages.includes(call.language));
  }
  if (chosen.length === 0)
    throw new ConfigError(`no call of ${suite.name} matches both the patterns and the languages`);
  return { ...suite, calls: chosen.map(({ call }) => call) };
}
