/**
 * `voxstate demo` as a user runs it: a real process, its real output, exit code and timing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATA_DIR } from '../../src/cli/commands/demo.js';
import { spawnVoxstate } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('voxstate demo as a process', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'voxstate-demo-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('prints each turn when it completes, exits soon after the call, leaves VOXSTATE_DATA_DIR alone', async () => {
    // A question interrupted while the bot answers, a second one answered, a long pause, then
    // the caller hangs up: the second turn's line must be out while the caller is still on.
    const script = join(tmp, 'pause.json');
    await writeFile(
      script,
      JSON.stringify({
        lang: 'en-us',
        steps: [
          { waitForBot: { silenceMs: 700 } },
          { say: 'Do you deliver?' },
          { say: 'Are you open on Sunday?', interruptAfterMs: 2_500 },
          { waitForBot: { silenceMs: 1_500, timeoutMs: 20_000 } },
          { pause: 4_000 },
          { hangup: true },
        ],
      }),
    );
    const userData = join(tmp, 'user-data');
    const demo = spawnVoxstate(['demo', '--script', script, '--out', join(tmp, 'demo.wav')], {
      VOXSTATE_DATA_DIR: userData,
      VOXSTATE_TTS_PREWARM: '0',
      VOXSTATE_STT: 'script',
      VOXSTATE_REDIS_URL: '',
    });
    const { code, at: exitAt } = await demo.exited;
    const out = demo.stdout();
    expect(demo.stderr()).not.toMatch(/"level":|\n\s+at /);
    expect(code).toBe(0);

    // One legend line; every column measured from the caller's last word.
    const legends = out.split('\n').filter((l) => l.includes("ms after the caller's last word:"));
    expect(legends).toHaveLength(1);
    const turnLine = out.split('\n').find((l) => /^\s+turn\s+2\s/.test(l)) ?? '';
    const times = Object.fromEntries(
      [...turnLine.matchAll(/(end|filler|text|kb|answer) (\d+)/g)].map((m) => [m[1], Number(m[2])]),
    );
    expect(Object.keys(times)).toEqual(expect.arrayContaining(['end', 'text', 'kb', 'answer']));
    // Nothing the bot does comes before the end of speech was detected (the same zero point).
    for (const stage of ['filler', 'text', 'kb', 'answer']) {
      if (times[stage] !== undefined)
        expect(times[stage]).toBeGreaterThanOrEqual(times.end as number);
    }
    // The interrupted turn shows what the bot had started to say.
    expect(out).toMatch(
      /caller: Do you deliver\?\n\s+bot:\s+\S.* \.\.\. \[interrupted by the caller\]\n/,
    );
    expect(out).toMatch(/caller: Are you open on Sunday\?\n\s+bot:\s+\S.*Sunday/);

    // The turn was printed as it completed: seconds before the call ended.
    const turnAt = demo.seenAt('caller: Are you open on Sunday?');
    const endedAt = demo.seenAt('call ended: hangup');
    expect(turnAt).toBeDefined();
    expect(endedAt).toBeDefined();
    expect((endedAt as number) - (turnAt as number)).toBeGreaterThan(2_500);
    // The process is gone within 2 s of the call's end (generous on a loaded machine: 3 s).
    expect(exitAt - (endedAt as number)).toBeLessThan(3_000);

    // Its own data folder; the user's was never created.
    expect(existsSync(userData)).toBe(false);
    expect(existsSync(join(ROOT, DEMO_DATA_DIR, 'kb'))).toBe(true);
    expect(out).toContain(`data: ${join(ROOT, DEMO_DATA_DIR)}`);
  }, 180_000);

  it.each([
    [
      'a script that does not exist',
      1,
      ['--script', '/nonexistent.json'],
      /cannot read the caller script \/nonexistent\.json: no such file/,
    ],
    ['a script that is not JSON', 1, ['--script', 'INVALID'], /is not valid JSON/],
    ['an unknown option', 2, ['--bogus'], /unknown option '--bogus'/i],
    ['a wrong --stt', 2, ['--stt', 'magic'], /--stt must be "whisper" or "script"/],
  ] as const)(
    '%s: one line, no stack trace, exit %i',
    async (_what, exitCode, args, message) => {
      const invalid = join(tmp, 'invalid.json');
      await writeFile(invalid, '{ "steps": [ oops');
      const demo = spawnVoxstate(['demo', ...args.map((a) => (a === 'INVALID' ? invalid : a))], {
        VOXSTATE_TTS_PREWARM: '0',
      });
      const { code } = await demo.exited;
      expect(code).toBe(exitCode);
      const lines = demo.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^voxstate demo: /);
      expect(lines[0]).toMatch(message);
      expect(demo.stdout()).toBe('');
    },
    60_000,
  );
});
