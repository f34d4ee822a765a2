import { afterEach, describe, expect, it, vi } from 'vitest';
import { allPhraseTexts, fillerTexts, phraseText } from '../../src/speech/phrases.js';
import { prewarmPlan, runPrewarm } from '../../src/speech/prewarm.js';
import { TtsCache } from '../../src/speech/tts-cache.js';
import { TtsService } from '../../src/speech/tts-service.js';
import { CountingEngine } from '../fakes/counting-engine.js';

describe('prewarmPlan', () => {
  const names: Record<string, string> = { en: 'Sunny Crust', ru: 'Солнечная корка' };
  const plan = prewarmPlan({
    languages: ['en', 'ru'],
    formats: ['slin16', 'ulaw'],
    businessNames: Object.values(names),
    greetingName: (language) => names[language],
  });

  it('puts each language greeting as calls say it, and its fillers, first', () => {
    const expected = ['en', 'ru'].flatMap((language) =>
      [
        phraseText('greeting', language, { businessName: names[language] }),
        ...fillerTexts(language),
      ].flatMap((text) => [`${language}/slin16/${text}`, `${language}/ulaw/${text}`]),
    );
    expect(plan.first.map((j) => `${j.language}/${j.format}/${j.text}`)).toEqual(expected);
  });

  it('leaves every other phrase for the background, once', () => {
    const key = (j: { language: string; format: string; text: string }) =>
      `${j.language}/${j.format}/${j.text}`;
    const all = ['en', 'ru'].flatMap((language) =>
      allPhraseTexts(language, Object.values(names)).flatMap((text) =>
        ['slin16', 'ulaw'].map((format) => key({ language, format, text })),
      ),
    );
    const both = [...plan.first, ...plan.rest].map(key);
    expect(new Set(both).size).toBe(both.length);
    expect(new Set(both)).toEqual(new Set(all));
    expect(plan.rest.map((j) => j.text)).toContain(phraseText('goodbye', 'ru'));
    expect(plan.rest.map((j) => j.text)).toContain(phraseText('greeting', 'en'));
  });

  it('warms first only the languages calls can be in', () => {
    const { first, rest } = prewarmPlan({
      languages: ['en', 'he'],
      formats: ['slin16'],
      callLanguages: ['en'],
    });
    expect(new Set(first.map((j) => j.language))).toEqual(new Set(['en']));
    expect(rest.map((j) => j.text)).toEqual(expect.arrayContaining([...fillerTexts('he')]));
  });
});

describe('runPrewarm in the background', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts nothing while the engine is busy, then one synthesis at a time', async () => {
    vi.useFakeTimers();
    const engine = new CountingEngine();
    const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
    const jobs = prewarmPlan({ languages: ['en'], formats: ['slin16'] }).rest;
    let busy = true;
    let inFlight = 0;
    let most = 0;
    const synthesize = engine.synthesize.bind(engine);
    engine.synthesize = async function* (request) {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        yield* synthesize(request);
      } finally {
        inFlight--;
      }
    };
    const done = runPrewarm(tts, jobs, { concurrency: 1, busy: () => busy, busyPollMs: 50 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(engine.calls).toBe(0);
    busy = false;
    await vi.advanceTimersByTimeAsync(100);
    const report = await done;
    expect(report).toMatchObject({ phrases: jobs.length, synthesized: jobs.length, failed: 0 });
    expect(most).toBe(1);
  });

  it('stops at an abort with what it has done', async () => {
    const engine = new CountingEngine();
    const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
    const jobs = prewarmPlan({ languages: ['en'], formats: ['slin16'] }).rest;
    const abort = new AbortController();
    abort.abort();
    const report = await runPrewarm(tts, jobs, { concurrency: 1, signal: abort.signal });
    expect(report).toMatchObject({ phrases: jobs.length, synthesized: 0, failed: 0 });
    expect(engine.calls).toBe(0);
  });
});
