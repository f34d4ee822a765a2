import { describe, expect, it } from 'vitest';
import { FillerPicker } from '../../src/speech/fillers.js';
import {
  allPhraseTexts,
  fillerTexts,
  PHRASE_KEYS,
  PHRASE_LANGUAGES,
  phraseLanguage,
  phraseText,
} from '../../src/speech/phrases.js';
import { prewarmPhrases } from '../../src/speech/prewarm.js';
import { TtsCache } from '../../src/speech/tts-cache.js';
import { TtsService } from '../../src/speech/tts-service.js';
import { CountingEngine } from '../fakes/counting-engine.js';
import { seededRandom } from '../fakes/fake-clock.js';

describe('phrases', () => {
  it('has every phrase and at least four fillers in en, ru, uk and he', () => {
    expect([...PHRASE_LANGUAGES].sort()).toEqual(['en', 'he', 'ru', 'uk']);
    for (const language of PHRASE_LANGUAGES) {
      for (const key of PHRASE_KEYS) expect(phraseText(key, language).length).toBeGreaterThan(3);
      expect(fillerTexts(language).length).toBeGreaterThanOrEqual(4);
      expect(new Set(fillerTexts(language)).size).toBe(fillerTexts(language).length);
    }
  });

  it('puts the business name in the greeting and falls back to English', () => {
    expect(phraseText('greeting', 'uk-UA', { businessName: 'Посмішка' })).toContain('Посмішка');
    expect(phraseText('greeting', 'ru')).not.toContain('undefined');
    expect(phraseLanguage('fr-FR')).toBe('en');
    expect(phraseText('stillThere', 'de')).toBe(phraseText('stillThere', 'en'));
  });

  it('lists every phrase text once for pre-warm', () => {
    const texts = allPhraseTexts('he', ['א', 'ב']);
    expect(texts).toHaveLength(2 + 1 + fillerTexts('he').length + PHRASE_KEYS.length - 1);
  });
});

describe('FillerPicker', () => {
  it('uses every filler once before any repeats, and never the same twice in a row', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const picker = new FillerPicker('en', seededRandom(seed));
      const n = fillerTexts('en').length;
      const round = Array.from({ length: n }, () => picker.next());
      expect(new Set(round).size).toBe(n);
      let last = round[n - 1];
      for (let i = 0; i < 50; i++) {
        const next = picker.next();
        expect(next).not.toBe(last);
        last = next;
      }
    }
  });
});

describe('prewarmPhrases', () => {
  it('synthesizes every phrase once, then finds them cached', async () => {
    const engine = new CountingEngine();
    const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
    const options = { languages: ['en', 'ru'], formats: ['ulaw' as const, 'slin16' as const] };
    const first = await prewarmPhrases(tts, options);
    const expected = (allPhraseTexts('en').length + allPhraseTexts('ru').length) * 2;
    expect(first).toMatchObject({ phrases: expected, synthesized: expected, cached: 0, failed: 0 });
    const second = await prewarmPhrases(tts, options);
    expect(second).toMatchObject({ phrases: expected, synthesized: 0, cached: expected });
    expect(engine.calls).toBe(expected);
  });

  it('counts failures without throwing', async () => {
    const engine = new CountingEngine();
    engine.failNext = true;
    const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
    const report = await prewarmPhrases(tts, { languages: ['he'], formats: ['ulaw'] });
    expect(report.failed).toBe(1);
    expect(report.synthesized).toBe(report.phrases - 1);
  });
});
