import { describe, expect, it } from 'vitest';
import { describeAnswerConfig, loadAnswerConfig } from '../../src/answer/config.js';
import { ConfigError } from '../../src/errors.js';

describe('answer configuration', () => {
  it('has no providers (offline) without keys', () => {
    const c = loadAnswerConfig({});
    expect(c.providers).toEqual({});
    expect(c.cheap).toEqual([]);
    expect(c.budget).toEqual({ maxLlmCalls: 3, maxTokens: 8000 });
    expect(c.classifierTimeoutMs).toBe(800);
    expect(c.unsureTier).toBe('strong');
  });

  it('puts the primary provider first and the other second for fail-over', () => {
    const c = loadAnswerConfig({ OPENAI_API_KEY: 'sk-1', ANTHROPIC_API_KEY: 'sk-ant-1' });
    expect(c.cheap.map((m) => m.provider)).toEqual(['openai', 'anthropic']);
    const a = loadAnswerConfig({
      OPENAI_API_KEY: 'sk-1',
      ANTHROPIC_API_KEY: 'a',
      VOXSTATE_LLM_PRIMARY: 'anthropic',
    });
    expect(a.strong.map((m) => m.provider)).toEqual(['anthropic', 'openai']);
  });

  it('accepts a local OpenAI-compatible server with a base URL and no key', () => {
    const c = loadAnswerConfig({
      OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1',
      VOXSTATE_LLM_CHEAP_MODEL: 'qwen2.5-1.5b',
      VOXSTATE_LLM_STRONG_MODEL: 'openai:qwen2.5-7b',
      VOXSTATE_ROUTING: 'off',
      VOXSTATE_BUDGET_TOKENS: '4000',
    });
    expect(c.providers.openai).toEqual({
      apiKey: 'not-needed',
      baseURL: 'http://127.0.0.1:8080/v1',
    });
    expect(c.cheap).toEqual([{ provider: 'openai', model: 'qwen2.5-1.5b' }]);
    expect(c.strong).toEqual([{ provider: 'openai', model: 'qwen2.5-7b' }]);
    expect(c.routing).toBe('off');
    expect(c.budget.maxTokens).toBe(4000);
  });

  it('allows a single model with VOXSTATE_LLM_CHEAP_MODEL=none', () => {
    const c = loadAnswerConfig({ OPENAI_API_KEY: 'k', VOXSTATE_LLM_CHEAP_MODEL: 'none' });
    expect(c.cheap).toEqual([]);
    expect(c.strong).toEqual([{ provider: 'openai', model: 'gpt-4o' }]);
  });

  it('rejects bad values with ConfigError', () => {
    expect(() => loadAnswerConfig({ VOXSTATE_ROUTING: 'maybe' })).toThrow(ConfigError);
    expect(() => loadAnswerConfig({ VOXSTATE_BUDGET_LLM_CALLS: '0' })).toThrow(
      /VOXSTATE_BUDGET_LLM_CALLS must be a whole number >= 1/,
    );
    expect(() => loadAnswerConfig({ OPENAI_BASE_URL: 'ftp://x' })).toThrow(/http/);
    expect(() =>
      loadAnswerConfig({ OPENAI_API_KEY: 'k', VOXSTATE_LLM_STRONG_MODEL: 'anthropic:claude-x' }),
    ).toThrow(/not configured/);
  });

  it('never shows secrets when described', () => {
    const c = loadAnswerConfig({
      OPENAI_API_KEY: 'sk-secret-123',
      ANTHROPIC_API_KEY: 'sk-ant-secret',
    });
    const text = JSON.stringify(describeAnswerConfig(c));
    expect(text).not.toContain('secret');
    expect(text).toContain('"mode":"llm"');
  });
});
