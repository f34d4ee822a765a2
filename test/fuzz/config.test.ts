import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAnswerConfig } from '../../src/answer/config.js';
import { retentionDaysFromEnv } from '../../src/calllog/retention.js';
import { loadFlagConfig, parseFlagConfig } from '../../src/config/flags.js';
import { inferenceConfigFromEnv } from '../../src/config/inference.js';
import { readEnv, SETTINGS } from '../../src/config/schema.js';
import { parsePriceTable } from '../../src/cost/prices.js';
import { ConfigError } from '../../src/errors.js';
import { knowledgeConfigFromEnv } from '../../src/knowledge/config.js';
import { runtimeConfigFromEnv } from '../../src/runtime/config.js';
import { serveConfigFromEnv } from '../../src/runtime/serve-config.js';
import { telephonyConfigFromEnv } from '../../src/runtime/telephony-config.js';
import { speechConfigFromEnv } from '../../src/speech/config.js';
import { inspectorOptions } from '../../src/telemetry/inspector.js';
import { fuzz } from './fuzz-params.js';

type Env = Record<string, string | undefined>;

/** Every loader with the variables it reads. */
const LOADERS: Array<{ name: string; load: (env: Env) => unknown; vars: string[] }> = [
  {
    name: 'inferenceConfigFromEnv',
    load: inferenceConfigFromEnv,
    vars: [
      'VOXSTATE_MODEL_DIR',
      'VOXSTATE_ALLOW_DOWNLOADS',
      'VOXSTATE_INTRA_OP_THREADS',
      'VOXSTATE_EMBEDDER_MODEL',
      'VOXSTATE_EMBEDDER_REVISION',
      'VOXSTATE_EMBEDDER_DTYPE',
      'VOXSTATE_EMBEDDER_PREFIXES',
      'VOXSTATE_WHISPER_MODEL',
      'VOXSTATE_WHISPER_REVISION',
      'VOXSTATE_WHISPER_DTYPE',
      'VOXSTATE_WHISPER_MAX_TOKENS',
      'VOXSTATE_STT_LANGUAGE',
      'VOXSTATE_VAD_MODEL',
      'VOXSTATE_VAD_THRESHOLD',
      'VOXSTATE_VAD_NEG_THRESHOLD',
      'VOXSTATE_BARGE_IN_THRESHOLD',
      'VOXSTATE_MIN_SPEECH_MS',
      'VOXSTATE_END_SILENCE_MS',
      'VOXSTATE_MAX_UTTERANCE_MS',
      'VOXSTATE_ECHO_COOLDOWN_MS',
      'VOXSTATE_BARGE_IN_MIN_SPEECH_MS',
      'VOXSTATE_PRE_ROLL_MS',
      'VOXSTATE_POOL_IDLE_MS',
      'VOXSTATE_EMBEDDING_THREADS',
      'VOXSTATE_WHISPER_THREADS',
      'VOXSTATE_VAD_THREADS',
      'VOXSTATE_EMBEDDING_MAX_QUEUE',
      'VOXSTATE_WHISPER_MAX_QUEUE',
      'VOXSTATE_VAD_MAX_QUEUE',
    ],
  },
  {
    name: 'knowledgeConfigFromEnv',
    load: knowledgeConfigFromEnv,
    vars: [
      'VOXSTATE_DATA_DIR',
      'VOXSTATE_REDIS_URL',
      'VOXSTATE_REDIS_PREFIX',
      'VOXSTATE_EMBED_CACHE_TTL_S',
      'VOXSTATE_EMBED_CACHE_ENTRIES',
      'VOXSTATE_REDIS_LOOKUP_TIMEOUT_MS',
      'VOXSTATE_KB_THRESHOLD',
      'VOXSTATE_KB_CLOUD_MODE',
      'VOXSTATE_KB_TOP_K',
      'VOXSTATE_KB_KEYWORD_WEIGHT',
      'VOXSTATE_PREFETCH_MAX',
      'VOXSTATE_RETRIEVAL_CACHE_ENTRIES',
      'VOXSTATE_RETRIEVAL_CACHE_TTL_S',
      'VOXSTATE_KB_VERSION_REFRESH_MS',
      'VOXSTATE_CLOUD_EMBED_MODEL',
      'VOXSTATE_CLOUD_EMBED_DIMENSIONS',
      'VOXSTATE_CLOUD_EMBED_TIMEOUT_MS',
      'VOXSTATE_CLOUD_EMBED_BASE_URL',
      'VOXSTATE_CLOUD_EMBED_API_KEY',
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
    ],
  },
  {
    name: 'speechConfigFromEnv',
    load: speechConfigFromEnv,
    vars: [
      'VOXSTATE_TTS_ENGINE',
      'VOXSTATE_TTS_FORMATS',
      'VOXSTATE_TTS_LANGUAGES',
      'VOXSTATE_TTS_BUSINESS_NAMES',
      'VOXSTATE_TTS_PREWARM',
      'VOXSTATE_TTS_CACHE_VERSION',
      'VOXSTATE_TTS_CACHE_TTL_MS',
      'VOXSTATE_TTS_CACHE_MAX_ITEM_BYTES',
      'VOXSTATE_TTS_CACHE_MAX_ENTRIES',
      'VOXSTATE_TTS_LRU_MAX_BYTES',
      'VOXSTATE_TTS_CACHE_PREFIX',
      'VOXSTATE_ESPEAK_THREADS',
      'VOXSTATE_ESPEAK_MAX_QUEUE',
      'VOXSTATE_ESPEAK_RATE_WPM',
      'VOXSTATE_ESPEAK_PITCH',
      'VOXSTATE_OPENAI_TTS_BASE_URL',
      'VOXSTATE_OPENAI_TTS_API_KEY',
      'VOXSTATE_OPENAI_TTS_MODEL',
      'VOXSTATE_OPENAI_TTS_VOICE',
      'VOXSTATE_OPENAI_TTS_TIMEOUT_MS',
      'VOXSTATE_FILLER_JOIN',
      'VOXSTATE_ECHO_COOLDOWN_MS',
      'VOXSTATE_PACER_MAX_BURST',
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
    ],
  },
  {
    name: 'loadAnswerConfig',
    load: loadAnswerConfig,
    vars: [
      'OPENAI_API_KEY',
      'OPENAI_BASE_URL',
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_BASE_URL',
      'VOXSTATE_LLM_PRIMARY',
      'VOXSTATE_LLM_CHEAP_MODEL',
      'VOXSTATE_LLM_STRONG_MODEL',
      'VOXSTATE_ROUTING',
      'VOXSTATE_ROUTING_CLASSIFIER',
      'VOXSTATE_ROUTING_TIMEOUT_MS',
      'VOXSTATE_ROUTING_UNSURE',
      'VOXSTATE_BUDGET_LLM_CALLS',
      'VOXSTATE_BUDGET_TOKENS',
      'VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS',
      'VOXSTATE_LLM_IDLE_TIMEOUT_MS',
      'VOXSTATE_LLM_MAX_TOKENS',
    ],
  },
  { name: 'retentionDaysFromEnv', load: retentionDaysFromEnv, vars: ['VOXSTATE_RETENTION_DAYS'] },
  {
    name: 'inspectorOptions',
    load: (env) => inspectorOptions([], env),
    vars: [
      'VOXSTATE_INSPECT',
      'VOXSTATE_INSPECT_PORT',
      'VOXSTATE_INSPECT_HOST',
      'VOXSTATE_INSPECT_PII',
    ],
  },
  { name: 'loadFlagConfig', load: loadFlagConfig, vars: ['VOXSTATE_FLAGS'] },
  {
    name: 'runtimeConfigFromEnv',
    load: runtimeConfigFromEnv,
    vars: [
      'VOXSTATE_STT',
      'VOXSTATE_BUSINESS',
      'VOXSTATE_DETECT_LANGUAGE',
      'VOXSTATE_MAX_TURNS',
      'VOXSTATE_MAX_SILENCE_MS',
      'VOXSTATE_MAX_SILENCE_PROMPTS',
      'VOXSTATE_MAX_CALL_MS',
      'VOXSTATE_MAX_NOT_UNDERSTOOD',
      'VOXSTATE_BARGE_IN_ON_GREETING',
      'VOXSTATE_LOG_TRANSCRIPTS',
      'VOXSTATE_REDIS_URL',
      'VOXSTATE_END_SILENCE_MS',
      'VOXSTATE_TTS_FORMATS',
      'VOXSTATE_ROUTING',
    ],
  },
  {
    name: 'telephonyConfigFromEnv',
    load: telephonyConfigFromEnv,
    vars: [
      'VOXSTATE_ARI_URL',
      'VOXSTATE_ARI_USER',
      'VOXSTATE_ARI_PASSWORD',
      'VOXSTATE_ARI_APP',
      'VOXSTATE_ARI_TIMEOUT_MS',
      'VOXSTATE_MEDIA_TRANSPORT',
      'VOXSTATE_MEDIA_BIND',
      'VOXSTATE_MEDIA_PORT',
      'VOXSTATE_MEDIA_HOST',
    ],
  },
  { name: 'readEnv (the whole schema)', load: (env) => readEnv(env), vars: Object.keys(SETTINGS) },
  {
    name: 'serveConfigFromEnv',
    load: serveConfigFromEnv,
    vars: ['VOXSTATE_OPS_HOST', 'VOXSTATE_OPS_PORT', 'VOXSTATE_OPS_TOKEN', 'VOXSTATE_DRAIN_MS'],
  },
];

/** Values near the edges of what the loaders accept, and random text. */
const envValue = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '1',
    '-1',
    '2',
    '1.5',
    '0.5',
    '0.9',
    '99999999999',
    '1e308',
    'Infinity',
    'NaN',
    '0x10',
    'abc',
    'on',
    'off',
    'true',
    'no',
    'en',
    'auto',
    'none',
    'openai',
    'anthropic',
    'gpt-4o-mini',
    'openai:gpt-4o,anthropic:claude-haiku-4-5',
    'claude-x',
    'fallback',
    'slin16,ulaw',
    'wav',
    '2-4',
    '5-1',
    '0-0',
    'http://127.0.0.1:1',
    'ftp://x',
    'redis://127.0.0.1:6379',
    '{"stt":{"a":50,"b":50}}',
    '{"stt":{"a":50}}',
    '{',
    'q8',
    'boundary',
  ),
  fc.string({ maxLength: 20 }),
);

/** True when every number in `value` is finite (no Infinity or NaN from an accepted string). */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

describe('configuration loaders under random environments', () => {
  for (const loader of LOADERS) {
    it(`${loader.name}: a valid config or a ConfigError naming a variable it was given`, () => {
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...loader.vars), envValue), (env) => {
          let config: unknown;
          try {
            config = loader.load(env);
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
            const message = (err as ConfigError).message;
            const named = Object.keys(env).filter((k) => message.includes(k));
            // The flag loader may name the file VOXSTATE_FLAGS points to instead.
            const file = env.VOXSTATE_FLAGS?.trim();
            expect(
              named.length > 0 || (file !== undefined && message.startsWith(file)),
              message,
            ).toBe(true);
            return;
          }
          expect(allFinite(config), JSON.stringify(config)).toBe(true);
        }),
        fuzz(300),
      );
    });
  }
});

/** JSON with keys that collide with Object's prototype, at any depth. */
const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
        fc.constantFrom('stt', 'llm', 'tts', 'embeddings', 'baseline', 'currency', 'routing'),
        fc.constantFrom('perSecond', 'inputPerToken', 'outputPerToken', 'perCharacter', 'perToken'),
        fc.string({ maxLength: 6 }),
      ),
      tie('v'),
      { maxKeys: 4 },
    ),
  ),
})).v;

describe('JSON configuration under random input', () => {
  const parsers: Array<[string, (raw: unknown, source: string) => unknown]> = [
    ['parseFlagConfig', parseFlagConfig],
    ['parsePriceTable', parsePriceTable],
  ];
  for (const [name, parse] of parsers) {
    it(`${name}: a valid config or a ConfigError naming the source`, () => {
      fc.assert(
        fc.property(hostileJson, (raw) => {
          // Through text, as from a file: JSON.parse keeps `__proto__` as an own key.
          const value = JSON.parse(JSON.stringify(raw) ?? 'null');
          try {
            parse(value, 'cfg.json');
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
            expect((err as Error).message.startsWith('cfg.json: ')).toBe(true);
          }
        }),
        fuzz(500),
      );
    });
  }

  it('parsePriceTable: only own entries are priced, and `__proto__` is refused', () => {
    const proto = '{"llm":{"__proto__":{"inputPerToken":1,"outputPerToken":1}}}';
    expect(() => parsePriceTable(JSON.parse(proto), 'p.json')).toThrow(/llm.__proto__/);
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() =>
        parsePriceTable({ replaceDefaults: true, baseline: { llm: name } }, 'p.json'),
      ).toThrow(/baseline.llm must name a priced llm entry/);
    }
  });
});
