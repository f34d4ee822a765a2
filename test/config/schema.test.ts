import { describe, expect, it } from 'vitest';
import { inferenceConfigFromEnv } from '../../src/config/inference.js';
import {
  describeEnv,
  describeIssue,
  readEnv,
  SETTINGS,
  type VarName,
} from '../../src/config/schema.js';
import { ACTION_SETTINGS } from '../../src/config/settings/actions.js';
import { ANSWER_SETTINGS } from '../../src/config/settings/answers.js';
import { CALL_SETTINGS } from '../../src/config/settings/call.js';
import { INFERENCE_SETTINGS } from '../../src/config/settings/inference.js';
import { KNOWLEDGE_SETTINGS } from '../../src/config/settings/knowledge.js';
import { REALTIME_SETTINGS } from '../../src/config/settings/realtime.js';
import { SPEECH_SETTINGS } from '../../src/config/settings/speech.js';
import { STT_SETTINGS } from '../../src/config/settings/stt.js';
import { TELEPHONY_SETTINGS } from '../../src/config/settings/telephony.js';
import { TRACING_SETTINGS } from '../../src/config/settings/tracing.js';
import { ConfigError } from '../../src/errors.js';
import { knowledgeConfigFromEnv } from '../../src/knowledge/config.js';
import { runtimeConfigFromEnv } from '../../src/runtime/config.js';
import { serveConfigFromEnv } from '../../src/runtime/serve-config.js';
import { speechConfigFromEnv } from '../../src/speech/config.js';
import { logPiiFromEnv } from '../../src/telemetry/logger.js';

function error(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('accepted');
}

const BOOLEANS = (Object.keys(SETTINGS) as VarName[]).filter(
  (name) => SETTINGS[name].kind.type === 'boolean',
);

describe('one syntax for booleans', () => {
  it('VOXSTATE_ALLOW_DOWNLOADS=on and VOXSTATE_TTS_PREWARM=on are both accepted', () => {
    expect(inferenceConfigFromEnv({ VOXSTATE_ALLOW_DOWNLOADS: 'on' }).allowDownloads).toBe(true);
    expect(speechConfigFromEnv({ VOXSTATE_TTS_PREWARM: 'on' }).prewarm).toBe(true);
    expect(speechConfigFromEnv({ VOXSTATE_TTS_PREWARM: 'Off' }).prewarm).toBe(false);
  });

  it.each(BOOLEANS)('%s takes every spelling, in any case, and refuses others', (name) => {
    for (const yes of ['1', 'true', 'TRUE', 'yes', 'Yes', 'on', ' ON ']) {
      expect(readEnv({ [name]: yes }, [name])[name]).toBe(true);
    }
    for (const no of ['0', 'false', 'False', 'no', 'NO', 'off']) {
      expect(readEnv({ [name]: no }, [name])[name]).toBe(false);
    }
    const wrong = error(() => readEnv({ [name]: 'maybe' }, [name]));
    expect(wrong.message).toBe(`${name} must be true or false (1/0, yes/no, on/off), got "maybe"`);
  });

  it('VOXSTATE_LOG_PII=true opens the logs as VOXSTATE_LOG_PII=1 does', () => {
    expect(logPiiFromEnv({ VOXSTATE_LOG_PII: 'true' })).toBe(true);
    expect(logPiiFromEnv({ VOXSTATE_LOG_PII: '1' })).toBe(true);
    expect(logPiiFromEnv({})).toBe(false);
  });
});

describe('durations', () => {
  it('take units, and a plain number in the unit the name ends in', () => {
    expect(serveConfigFromEnv({ VOXSTATE_DRAIN_MS: '2s' }).drainMs).toBe(2000);
    expect(serveConfigFromEnv({ VOXSTATE_DRAIN_MS: '1.5m' }).drainMs).toBe(90_000);
    expect(serveConfigFromEnv({ VOXSTATE_DRAIN_MS: '250ms' }).drainMs).toBe(250);
    expect(serveConfigFromEnv({ VOXSTATE_DRAIN_MS: '250' }).drainMs).toBe(250);
    const kb = knowledgeConfigFromEnv({
      VOXSTATE_EMBED_CACHE_TTL_S: '60',
      VOXSTATE_RETRIEVAL_CACHE_TTL_S: '2h',
    });
    expect(kb.embeddingCacheTtlMs).toBe(60_000);
    expect(kb.retrievalCacheTtlMs).toBe(7_200_000);
    expect(runtimeConfigFromEnv({ VOXSTATE_MAX_CALL_MS: '10m' }).limits.maxCallMs).toBe(600_000);
  });

  it.each([
    ['VOXSTATE_END_SILENCE_MS', 'soon'],
    ['VOXSTATE_END_SILENCE_MS', '0.5'],
    ['VOXSTATE_DRAIN_MS', '2 weeks'],
    ['VOXSTATE_DRAIN_MS', '2d'],
    ['VOXSTATE_EMBED_CACHE_TTL_S', '0.5'],
    ['VOXSTATE_LLM_IDLE_TIMEOUT_MS', '-1s'],
  ])('a bad duration %s=%s names the variable, the value and the syntax', (name, value) => {
    const wrong = error(() => readEnv({ [name]: value }));
    expect(wrong.message).toMatch(
      new RegExp(`^${name} must be a duration like 500ms, 2s or 1m .*, got "${value}"$`),
    );
  });
});

describe('numbers, enums, lists', () => {
  it('enums take any case; lists are comma separated and trimmed', () => {
    expect(speechConfigFromEnv({ VOXSTATE_TTS_ENGINE: 'OpenAI' }).engine).toBe('openai');
    expect(speechConfigFromEnv({ VOXSTATE_TTS_LANGUAGES: ' EN , ru,, ' }).languages).toEqual([
      'en',
      'ru',
    ]);
  });

  it('a number out of range names the range', () => {
    expect(error(() => readEnv({ VOXSTATE_KB_TOP_K: '101' })).message).toBe(
      'VOXSTATE_KB_TOP_K must be a whole number from 1 to 100, got "101"',
    );
    expect(error(() => readEnv({ VOXSTATE_KB_THRESHOLD: '1e308' })).message).toContain(
      'VOXSTATE_KB_THRESHOLD must be a number from -1 to 1',
    );
  });

  it('an empty value is unset; a blank one is a wrong number', () => {
    expect(readEnv({ VOXSTATE_MEDIA_PORT: '' }).VOXSTATE_MEDIA_PORT).toBe(9092);
    expect(error(() => readEnv({ VOXSTATE_MEDIA_PORT: ' ' })).message).toContain(
      'VOXSTATE_MEDIA_PORT must be a port number',
    );
  });
});

describe('errors', () => {
  it('every wrong value is reported at once, one line each', () => {
    const wrong = error(() =>
      runtimeConfigFromEnv({
        VOXSTATE_ALLOW_DOWNLOADS: 'maybe',
        VOXSTATE_MAX_TURNS: 'lots',
        VOXSTATE_TTS_CACHE_TTL_MS: 'forever',
        OPENAI_BASE_URL: 'ftp://x',
      }),
    );
    const lines = wrong.message.split('\n');
    expect(lines[0]).toBe('4 settings are wrong:');
    for (const name of [
      'VOXSTATE_ALLOW_DOWNLOADS',
      'VOXSTATE_MAX_TURNS',
      'VOXSTATE_TTS_CACHE_TTL_MS',
      'OPENAI_BASE_URL',
    ]) {
      expect(lines.filter((l) => l.startsWith(`  ${name} must be`))).toHaveLength(1);
    }
  });

  it('a rule across variables is reported with the wrong values of others', () => {
    const wrong = error(() =>
      readEnv({
        VOXSTATE_VAD_NEG_THRESHOLD: '0.9',
        VOXSTATE_OPS_PORT: 'ninety',
        ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      }),
    );
    expect(wrong.message).toMatch(/^3 settings are wrong:/);
    expect(wrong.message).toContain('VOXSTATE_VAD_NEG_THRESHOLD <= VOXSTATE_VAD_THRESHOLD');
    expect(wrong.message).toContain('VOXSTATE_OPS_PORT must be a port number');
    expect(wrong.message).toContain('ANTHROPIC_BASE_URL is set but ANTHROPIC_API_KEY is not');
  });

  it('the loaders own checks (model lists, flag files) are collected with each other', () => {
    const wrong = error(() =>
      runtimeConfigFromEnv({
        OPENAI_API_KEY: 'k',
        VOXSTATE_LLM_CHEAP_MODEL: 'anthropic:claude-x',
        VOXSTATE_FLAGS: '/no/such/flags.json',
      }),
    );
    expect(wrong.message).toMatch(/^2 settings are wrong:/);
    expect(wrong.message).toContain('VOXSTATE_LLM_CHEAP_MODEL');
    expect(wrong.message).toContain('VOXSTATE_FLAGS');
  });

  it('a secret is never printed: not in an error, not in the description of the environment', () => {
    expect(
      describeIssue('VOXSTATE_ARI_PASSWORD', 'expected:text', { VOXSTATE_ARI_PASSWORD: 'pw' }),
    ).toBe('VOXSTATE_ARI_PASSWORD must be text');
    const described = describeEnv({
      OPENAI_API_KEY: 'sk-secret',
      VOXSTATE_OPS_TOKEN: 'tok',
      VOXSTATE_OPS_PORT: '9000',
      UNRELATED: 'x',
    });
    expect(described).toEqual({
      OPENAI_API_KEY: '(set)',
      VOXSTATE_OPS_TOKEN: '(set)',
      VOXSTATE_OPS_PORT: '9000',
    });
    const secrets = (Object.keys(SETTINGS) as VarName[]).filter((n) => SETTINGS[n].secret);
    expect(secrets.sort()).toEqual([
      'ANTHROPIC_API_KEY',
      'DEEPGRAM_API_KEY',
      'OPENAI_API_KEY',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'VOXSTATE_ARI_PASSWORD',
      'VOXSTATE_CLOUD_EMBED_API_KEY',
      'VOXSTATE_OPENAI_TTS_API_KEY',
      'VOXSTATE_OPS_TOKEN',
      'VOXSTATE_REALTIME_API_KEY',
      'VOXSTATE_STT_DEEPGRAM_API_KEY',
      'VOXSTATE_STT_OPENAI_API_KEY',
      'VOXSTATE_STT_REALTIME_API_KEY',
    ]);
  });

  it('a subset read ignores the other variables', () => {
    expect(
      readEnv({ VOXSTATE_LOG_PII: 'on', VOXSTATE_MAX_TURNS: 'lots' }, ['VOXSTATE_LOG_PII']),
    ).toEqual({ VOXSTATE_LOG_PII: true });
  });
});

describe('the schema', () => {
  it('no variable is defined in two settings files (the later would hide the earlier)', () => {
    const groups = [
      TELEPHONY_SETTINGS,
      CALL_SETTINGS,
      INFERENCE_SETTINGS,
      KNOWLEDGE_SETTINGS,
      ANSWER_SETTINGS,
      SPEECH_SETTINGS,
      STT_SETTINGS,
      REALTIME_SETTINGS,
      TRACING_SETTINGS,
      ACTION_SETTINGS,
    ];
    const total = groups.reduce((n, g) => n + Object.keys(g).length, 0);
    expect(Object.keys(SETTINGS)).toHaveLength(total);
  });

  it('every documented default, written back into its variable, gives the default', () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      expect(setting.description.length, name).toBeGreaterThan(2);
      const value: unknown = setting.default;
      if (value === undefined || value === '' || setting.defaultDoc !== undefined) continue;
      const shown = setting.kind.show ? setting.kind.show(value) : String(value);
      expect(setting.kind.parse(shown.replace(/`/g, '')), name).toEqual(value);
    }
  });
});
