import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { runEval } from '../../src/evals/run-eval.js';
import { selectCalls } from '../../src/evals/select.js';
import { parseSuite } from '../../src/evals/suite.js';

const suite = parseSuite(
  {
    name: 'mix',
    calls: [
      { name: 'en: sunday', language: 'en', steps: [{ say: 'Open on Sunday?' }], repeat: 2 },
      { name: 'en: deliver', language: 'en', steps: [{ say: 'Do you deliver?' }] },
      { name: 'ru: sunday', language: 'ru', steps: [{ say: 'Работаете в воскресенье?' }] },
      { name: 'ru: price', language: 'ru', steps: [{ say: 'Сколько стоит торт?' }] },
    ],
  },
  'mix.json',
);
const names = (selection: Parameters<typeof selectCalls>[1]) =>
  selectCalls(suite, selection).calls.map((c) => c.name);

describe('selectCalls', () => {
  it('selects nothing away without patterns or languages', () => {
    expect(selectCalls(suite, {})).toBe(suite);
    expect(selectCalls(suite, { only: [' , '], languages: [] })).toBe(suite);
  });

  it('matches part of a name without regard to case, repeats included, in suite order', () => {
    expect(names({ only: ['SUNDAY'] })).toEqual(['en: sunday #1', 'en: sunday #2', 'ru: sunday']);
    expect(names({ only: ['ru: price', 'deliver'] })).toEqual(['en: deliver', 'ru: price']);
  });

  it('matches whole names with * and ?, numbers and ranges of the suite (1-based)', () => {
    expect(names({ only: ['ru:*'] })).toEqual(['ru: sunday', 'ru: price']);
    expect(names({ only: ['en: sunday #?'] })).toEqual(['en: sunday #1', 'en: sunday #2']);
    expect(names({ only: ['*sunday'] })).toEqual(['ru: sunday']);
    expect(names({ only: ['3'] })).toEqual(['en: deliver']);
    expect(names({ only: ['2-3,5'] })).toEqual(['en: sunday #2', 'en: deliver', 'ru: price']);
  });

  it('keeps the calls in the given languages, with or without patterns', () => {
    expect(names({ languages: ['ru'] })).toEqual(['ru: sunday', 'ru: price']);
    expect(names({ languages: ['EN,ru'] })).toHaveLength(5);
    expect(names({ only: ['sunday'], languages: ['ru'] })).toEqual(['ru: sunday']);
  });

  it('refuses a pattern or language that matches no call, and an empty result, naming them', () => {
    expect(() => names({ only: ['sunday', 'pizza'] })).toThrow(
      new ConfigError('"pizza" matches no call of mix'),
    );
    expect(() => names({ only: ['9'] })).toThrow(/"9" matches no call/);
    expect(() => names({ only: ['4-2'] })).toThrow(/call range 4-2 ends before it starts/);
    expect(() => names({ languages: ['he'] })).toThrow(/mix has no call in language "he"/);
    expect(() => names({ only: ['deliver'], languages: ['ru'] })).toThrow(
      /no call of mix matches both/,
    );
  });

  it('runEval takes the same selection and refuses a bad one before it builds a bot', async () => {
    await expect(
      runEval(suite, { only: ['pizza'], dataDir: '/nonexistent/never' }),
    ).rejects.toThrow(/"pizza" matches no call of mix/);
  });
});
