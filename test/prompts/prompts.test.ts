import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadBusinessData, parseBusinessData } from '../../src/prompts/business.js';
import { buildCompactPrompt } from '../../src/prompts/compact-prompt.js';
import { buildFullPrompt } from '../../src/prompts/full-prompt.js';
import { staticGreeting, staticGreetings } from '../../src/prompts/greeting.js';
import { SAMPLE_BUSINESS_RAW } from './sample-business.js';

const business = parseBusinessData(SAMPLE_BUSINESS_RAW);

describe('business data', () => {
  it('normalizes hours objects, policy maps and localized names', () => {
    expect(business.hours).toEqual(['Mon-Fri 07:00-19:00', 'Sat 08:00-16:00', 'Sun closed']);
    expect(business.policies[0]).toEqual({
      topic: 'orders',
      text: 'Cake orders need 48 hours notice and a 20% deposit paid in the shop.',
    });
    expect(business.names.he).toBe('מאפיית הקרום השמשי');
    expect(business.handoff.phone).toBe('+1 555 0142');
  });

  it('rejects missing and wrong fields with a ConfigError naming the field', () => {
    const { phone: _p, ...noPhone } = SAMPLE_BUSINESS_RAW;
    expect(() => parseBusinessData(noPhone)).toThrow(/"phone" is required/);
    expect(() => parseBusinessData({ ...SAMPLE_BUSINESS_RAW, languages: ['fr'] })).toThrow(
      ConfigError,
    );
    expect(() => parseBusinessData({ ...SAMPLE_BUSINESS_RAW, hours: 5 })).toThrow(/hours/);
    expect(() => parseBusinessData([])).toThrow(ConfigError);
  });

  it('loads a JSON file and reports unreadable or invalid files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'voxstate-business-'));
    try {
      const good = join(dir, 'business.json');
      await writeFile(good, JSON.stringify(SAMPLE_BUSINESS_RAW));
      expect((await loadBusinessData(good)).name).toBe('Sunny Crust Bakery');
      const bad = join(dir, 'bad.json');
      await writeFile(bad, '{ nope');
      await expect(loadBusinessData(bad)).rejects.toThrow(/not valid JSON/);
      await expect(loadBusinessData(join(dir, 'missing.json'))).rejects.toThrow(ConfigError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('prompts', () => {
  for (const language of ['en', 'ru', 'uk', 'he'] as const) {
    it(`compact is about 800 and full about 3200 characters (${language})`, () => {
      const compact = buildCompactPrompt(business, { language });
      const full = buildFullPrompt(business, { language });
      expect(compact.length).toBeGreaterThanOrEqual(600);
      expect(compact.length).toBeLessThanOrEqual(1000);
      expect(full.length).toBeGreaterThanOrEqual(2400);
      expect(full.length).toBeLessThanOrEqual(4000);
      expect(full.length / compact.length).toBeGreaterThan(3);
    });
  }

  it('compact carries role, facts and voice style; full adds the knowledge-base rules', () => {
    const compact = buildCompactPrompt(business, { language: 'ru' });
    expect(compact).toContain('phone assistant of пекарня «Солнечная корочка»');
    expect(compact).toContain('+1 555 0142');
    expect(compact).toContain('Mon-Fri 07:00-19:00');
    expect(compact).toMatch(/no lists, markdown/);
    expect(compact).toContain('start in Russian');
    expect(compact).not.toContain('Knowledge base rules');
    const full = buildFullPrompt(business, { language: 'en' });
    expect(full).toContain('Knowledge base rules');
    expect(full).toContain('Never invent prices');
    expect(full).toContain('Hand-off to a person');
    expect(full).toContain('Cake orders need 48 hours notice');
  });

  it('keeps the full prompt bounded when policies are many', () => {
    const many = parseBusinessData({
      ...SAMPLE_BUSINESS_RAW,
      policies: Array.from({ length: 60 }, (_, i) => ({
        topic: `rule ${i}`,
        text: 'x '.repeat(100),
      })),
    });
    expect(buildFullPrompt(many).length).toBeLessThanOrEqual(3800);
  });

  it('tells the model to speak first on outbound calls', () => {
    const p = buildCompactPrompt(business, { direction: 'outbound', purpose: 'your cake order' });
    expect(p).toContain('you speak first');
    expect(p).toContain('about your cake order');
  });

  it('has a static greeting per language', () => {
    expect(staticGreeting(business, 'en')).toBe(
      "Hello, you've reached Sunny Crust Bakery. How can I help you?",
    );
    expect(staticGreeting(business, 'he')).toContain('מאפיית הקרום השמשי');
    expect(staticGreetings(business).map((g) => g.language)).toEqual(['en', 'ru', 'uk', 'he']);
    const custom = parseBusinessData({
      ...SAMPLE_BUSINESS_RAW,
      greetings: { en: 'Hi, Sunny Crust!' },
    });
    expect(staticGreeting(custom, 'en')).toBe('Hi, Sunny Crust!');
  });
});

describe('the sample knowledge base business file', () => {
  it('loads examples/knowledge-base/business.json and builds prompts of the right size', async () => {
    const { existsSync } = await import('node:fs');
    const path = 'examples/knowledge-base/business.json';
    if (!existsSync(path)) return;
    const b = await loadBusinessData(path);
    expect(b.languages.length).toBeGreaterThan(0);
    expect(b.hours.length).toBeGreaterThan(0);
    for (const language of b.languages) {
      const compact = buildCompactPrompt(b, { language });
      const full = buildFullPrompt(b, { language });
      expect(compact.length).toBeGreaterThanOrEqual(600);
      expect(compact.length).toBeLessThanOrEqual(1000);
      expect(full.length).toBeGreaterThanOrEqual(2400);
      expect(full.length).toBeLessThanOrEqual(4000);
      expect(staticGreeting(b, language).length).toBeGreaterThan(5);
    }
  });
});
