import { describe, expect, it, vi } from 'vitest';
import { CallPrompts } from '../../src/prompts/call-prompts.js';

describe('CallPrompts', () => {
  it('builds the compact prompt at once and the full one only when asked, once', () => {
    const buildCompact = vi.fn(() => 'compact Bakery ru');
    const buildFull = vi.fn(() => 'full Bakery');
    const prompts = new CallPrompts(buildCompact, buildFull);
    expect(buildCompact).toHaveBeenCalledTimes(1);
    expect(buildFull).not.toHaveBeenCalled();
    expect(prompts.systemPrompt()).toBe('compact Bakery ru');
    expect(prompts.full).toBeUndefined();
    expect(prompts.buildFull()).toBe('full Bakery');
    expect(prompts.buildFull()).toBe('full Bakery');
    expect(buildFull).toHaveBeenCalledTimes(1);
    expect(prompts.systemPrompt()).toBe('full Bakery');
    expect(prompts.compact).toBe('compact Bakery ru');
  });
});
