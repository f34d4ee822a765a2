/**
 * `voxstate eval` as a user runs it: a real process on the simulated line, offline, in its own
 * data folder; a wrong answer and a blown budget fail it (exit 1, JUnit failures), a passing
 * suite exits 0.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnVoxstate } from './process.js';

/** One call asking `say` once, with `expect` on the answer. */
function call(name: string, say: string, expect: Record<string, unknown>) {
  return {
    name,
    language: 'en',
    voice: 'en-us',
    steps: [
      { waitForBot: { silenceMs: 1_200 } },
      { say, expect },
      { waitForBot: { silenceMs: 4_500, timeoutMs: 20_000 } },
      { hangup: true },
    ],
    outcome: { endReason: 'hangup' },
  };
}

const OFFLINE = {
  VOXSTATE_TTS_PREWARM: '0',
  VOXSTATE_STT: 'script',
  VOXSTATE_REDIS_URL: '',
  OPENAI_API_KEY: '',
  ANTHROPIC_API_KEY: '',
};

describe('voxstate eval as a process', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'voxstate-eval-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('fails on a wrong answer and on a blown budget: exit 1, JUnit failures naming them', async () => {
    const suite = join(tmp, 'failing.json');
    await writeFile(
      suite,
      JSON.stringify({
        name: 'failing',
        concurrency: 2,
        calls: [
          call('wrong answer', 'Are you open on Sunday?', { contains: 'pizza' }),
          call('blown budget', 'What time do you open?', { budgets: { answerMs: 1 } }),
        ],
      }),
    );
    const junit = join(tmp, 'reports', 'failing.xml');
    const userData = join(tmp, 'user-data');
    const run = spawnVoxstate(
      ['eval', suite, '--junit', junit, '--data-dir', join(tmp, 'eval-data')],
      { ...OFFLINE, VOXSTATE_DATA_DIR: userData },
    );
    const { code } = await run.exited;
    expect(code).toBe(1);
    const out = run.stdout();
    expect(out).toMatch(/FAIL\s+wrong answer/);
    expect(out).toContain('turn 1 "Are you open on Sunday?": answer does not contain "pizza"');
    expect(out).toMatch(
      /turn 1 "What time do you open\?": (answer audio \d+ ms > 1 ms|no answer audio)/,
    );
    expect(out).toMatch(/FAILED\n$/);
    // Progress on stderr, one line per call when stderr is not a terminal.
    expect(run.stderr()).toMatch(/\[1\/2\] FAIL/);
    expect(run.stderr()).toMatch(/\[2\/2\] FAIL/);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="failing"/);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('failure message="answer does not contain &quot;pizza&quot;');
    expect(xml).toMatch(/<failure message="(answer audio \d+ ms &gt; 1 ms|no answer audio)/);
    expect(existsSync(userData)).toBe(false);
  }, 240_000);

  it('passes the part of a suite it is asked to run: exit 0, JSON with the cost against the baseline', async () => {
    const suite = join(tmp, 'passing.json');
    await writeFile(
      suite,
      JSON.stringify({
        name: 'passing',
        calls: [
          call('sunday', 'Are you open on Sunday?', { contains: '9:00', cites: 'en/' }),
          call('would fail', 'Do you deliver?', { contains: 'pizza' }),
        ],
      }),
    );
    const run = spawnVoxstate(
      ['eval', suite, '--json', '--only', 'SUNDAY', '--data-dir', join(tmp, 'eval-data')],
      OFFLINE,
    );
    const { code } = await run.exited;
    const result = JSON.parse(run.stdout()) as {
      passed: boolean;
      checks: number;
      calls: {
        name: string;
        turns: { bot: string }[];
        cost: { total: number; baselineTotal: number };
      }[];
      cost: { currency: string; total: number; baselineTotal: number; baseline: string };
    };
    expect(code, run.stdout()).toBe(0);
    expect(result.passed).toBe(true);
    expect(result.calls.map((c) => c.name)).toEqual(['sunday']);
    expect(run.stderr()).toContain('1 of 2 calls of passing');
    expect(result.checks).toBe(2);
    expect(result.calls[0]?.turns[0]?.bot).toContain('9:00');
    // Offline the bot's engines cost 0; the baseline prices the caller's audio on cloud STT.
    expect(result.cost.currency).toBe('USD');
    expect(result.cost.total).toBe(0);
    expect(result.cost.baselineTotal).toBeGreaterThan(0);
    expect(result.cost.baseline).toContain('stt: cloud');
  }, 240_000);

  it('a suite with a bad value: one line naming the path, exit 1', async () => {
    const suite = join(tmp, 'bad.json');
    await writeFile(suite, JSON.stringify({ calls: [call('bad', 'Hello?', { matches: '(' })] }));
    const run = spawnVoxstate(['eval', suite], OFFLINE);
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.messages()).toEqual([
      `voxstate eval: ${suite}: calls[0].steps[1].expect.matches: not a valid regular expression`,
    ]);
    expect(run.stdout()).toBe('');
  }, 60_000);

  it('a pattern or a language that selects nothing: one line naming it, exit 2, no call placed', async () => {
    const suite = join(tmp, 'two.json');
    await writeFile(
      suite,
      JSON.stringify({
        name: 'two',
        calls: [call('sunday', 'Are you open on Sunday?', { contains: '9:00' })],
      }),
    );
    const typo = spawnVoxstate(['eval', suite, '--only', 'sundya'], OFFLINE);
    expect((await typo.exited).code).toBe(2);
    expect(typo.messages()).toEqual(['voxstate eval: "sundya" matches no call of two']);
    const lang = spawnVoxstate(['eval', suite, '--lang', 'ru'], OFFLINE);
    expect((await lang.exited).code).toBe(2);
    expect(lang.messages()).toEqual(['voxstate eval: two has no call in language "ru"']);
  }, 60_000);
});
