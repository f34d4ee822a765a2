import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuite, parseSuite } from '../../src/evals/suite.js';

const BAKERY = fileURLToPath(new URL('../../examples/evals/bakery.json', import.meta.url));

const call = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  calls: [{ name: 'one', steps, ...extra }],
});

describe('eval suite files', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'voxstate-suite-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('takes the expectations off the say steps, in order, and repeats calls', () => {
    const suite = parseSuite(
      call(
        [
          { waitForBot: {} },
          { say: 'Do you deliver?', expect: { contains: '10 km', budgets: { answerMs: 900 } } },
          { say: 'Thanks' },
          { hangup: true },
        ],
        { repeat: 2, outcome: { endReason: 'hangup' } },
      ),
    );
    expect(suite.calls.map((c) => c.name)).toEqual(['one #1', 'one #2']);
    expect(suite.calls[0]?.turns).toEqual([
      { say: 'Do you deliver?', expect: { contains: '10 km', budgets: { answerMs: 900 } } },
      { say: 'Thanks' },
    ]);
    expect(suite.calls[0]?.script.steps[1]).toEqual({ say: 'Do you deliver?' });
    expect(suite.concurrency).toBe(4);
    expect(suite.calls[0]?.language).toBe('en');
  });

  it.each([
    [{ calls: [] }, /calls: .*1/],
    [
      call([{ say: 'Hi', expect: { matches: '(' } }]),
      /calls\[0\]\.steps\[0\]\.expect\.matches: not a valid regular expression/,
    ],
    [
      call([{ pause: 10, expect: { contains: 'x' } }]),
      /calls\[0\]\.steps\[0\]\.expect: only a "say" step/,
    ],
    [call([{ say: 'Hi', expect: { contain: 'x' } }]), /calls\[0\]\.steps\[0\]\.expect: .*contain/],
    [call([{ say: 'Hi' }], { outcome: { endReason: 'bored' } }), /calls\[0\]\.outcome\.endReason/],
    [{ budgets: { answerMs: -1 }, ...call([{ say: 'Hi' }]) }, /budgets\.answerMs/],
    [call([{ sing: 'la' }]), /calls\[0\] \(one\): step 1: unknown step: sing/],
  ])('names the path of a bad value: %j', (value, message) => {
    expect(() => parseSuite(value, 'suite.json')).toThrow(message);
  });

  it('reads YAML and JSON files, and says which file is not valid', async () => {
    const yaml = join(tmp, 'suite.yaml');
    await writeFile(
      yaml,
      'name: yaml suite\ncalls:\n  - name: hours\n    steps:\n      - say: What time do you open?\n        expect: { contains: "7:00" }\n',
    );
    const suite = await loadSuite(yaml);
    expect(suite.name).toBe('yaml suite');
    expect(suite.calls[0]?.turns[0]?.expect?.contains).toBe('7:00');
    const broken = join(tmp, 'broken.json');
    await writeFile(broken, '{ "calls": [');
    await expect(loadSuite(broken)).rejects.toThrow(/broken\.json: not valid JSON/);
    await expect(loadSuite(join(tmp, 'none.json'))).rejects.toThrow(/no such file/);
  });

  it('the example bakery suite: at least 50 calls in English and Russian, questions repeated', async () => {
    const suite = await loadSuite(BAKERY);
    expect(suite.calls.length).toBeGreaterThanOrEqual(50);
    expect(new Set(suite.calls.map((c) => c.language))).toEqual(new Set(['en', 'ru']));
    const said = suite.calls.flatMap((c) => c.turns.map((t) => t.say));
    expect(new Set(said).size).toBeLessThan(said.length);
    expect(suite.calls.every((c) => c.turns.every((t) => t.expect !== undefined))).toBe(true);
  });
});
