import { describe, expect, it } from 'vitest';
import { loadAnswerConfig } from '../../src/answer/config.js';
import {
  recordingRetentionDaysFromEnv,
  retentionDaysFromEnv,
} from '../../src/calllog/retention.js';
import { loadFlagConfig } from '../../src/config/flags.js';
import { inferenceConfigFromEnv } from '../../src/config/inference.js';
import { INVALID } from '../../src/config/kinds.js';
import { readEnv, SETTINGS, type VarName } from '../../src/config/schema.js';
import { turnTakingConfigFromEnv } from '../../src/config/turn-taking.js';
import { loadPriceTable } from '../../src/cost/prices.js';
import { ConfigError } from '../../src/errors.js';
import { knowledgeConfigFromEnv } from '../../src/knowledge/config.js';
import { realtimeConfigFromEnv } from '../../src/providers/realtime/config.js';
import { sttEnginesConfigFromEnv } from '../../src/providers/stt/config.js';
import { runtimeConfigFromEnv } from '../../src/runtime/config.js';
import { serveConfigFromEnv } from '../../src/runtime/serve-config.js';
import { telephonyConfigFromEnv } from '../../src/runtime/telephony-config.js';
import { speechConfigFromEnv } from '../../src/speech/config.js';
import { inspectorOptions } from '../../src/telemetry/inspector.js';
import { createLogger } from '../../src/telemetry/logger.js';

type Env = Record<string, string>;
type Loader = (env: Env) => unknown;

const inference: Loader = inferenceConfigFromEnv;
const turnTaking: Loader = turnTakingConfigFromEnv;
const knowledge: Loader = knowledgeConfigFromEnv;
const speech: Loader = speechConfigFromEnv;
const answer: Loader = loadAnswerConfig;
const CLOUD = { VOXSTATE_CLOUD_EMBED_MODEL: 'text-embedding-3-small', OPENAI_API_KEY: 'sk-x' };

/**
 * Every variable the configuration loaders read, with a wrong value: [loader, variable, value,
 * other variables needed to reach the check]. Free-form values (paths, model ids, keys, voices,
 * prefixes) have no wrong value and are listed in FREE_FORM below.
 */
const WRONG: Array<[string, Loader, string, string, Env?]> = [
  ['inference', inference, 'VOXSTATE_ALLOW_DOWNLOADS', 'maybe'],
  ['inference', inference, 'VOXSTATE_INTRA_OP_THREADS', '0'],
  ['inference', inference, 'VOXSTATE_EMBEDDER_DTYPE', 'fp8'],
  ['inference', inference, 'VOXSTATE_EMBEDDER_PREFIXES', 'bert'],
  ['inference', inference, 'VOXSTATE_WHISPER_DTYPE', 'double'],
  ['inference', inference, 'VOXSTATE_WHISPER_MAX_TOKENS', '0'],
  ['inference', inference, 'VOXSTATE_STT_LANGUAGE', 'English'],
  ['inference', inference, 'VOXSTATE_VAD_THRESHOLD', '1.5'],
  ['inference', inference, 'VOXSTATE_VAD_NEG_THRESHOLD', '-0.1'],
  ['inference', inference, 'VOXSTATE_VAD_NEG_THRESHOLD', '0.9'],
  ['inference', inference, 'VOXSTATE_BARGE_IN_THRESHOLD', 'high'],
  ['inference', inference, 'VOXSTATE_MIN_SPEECH_MS', '-5'],
  ['inference', inference, 'VOXSTATE_END_SILENCE_MS', '0'],
  ['inference', inference, 'VOXSTATE_MAX_UTTERANCE_MS', '1.5'],
  ['inference', inference, 'VOXSTATE_ECHO_COOLDOWN_MS', 'soon'],
  ['inference', inference, 'VOXSTATE_BARGE_IN_MIN_SPEECH_MS', '-1'],
  ['inference', inference, 'VOXSTATE_BARGE_IN_PAUSE_MS', '900'],
  ['inference', inference, 'VOXSTATE_BARGE_IN_MAX_GAP_MS', '0'],
  ['inference', inference, 'VOXSTATE_BARGE_IN_ECHO_LOSS_DB', 'loud'],
  ['inference', inference, 'VOXSTATE_CALLER_LEVEL_GATE_DB', '-3'],
  ['inference', inference, 'VOXSTATE_CALLER_LEVEL_GATE_DB', '90'],
  ['inference', inference, 'VOXSTATE_PRE_ROLL_MS', '1e3x'],
  ['inference', inference, 'VOXSTATE_POOL_IDLE_MS', '-1'],
  ['inference', inference, 'VOXSTATE_EMBEDDING_THREADS', '0'],
  ['inference', inference, 'VOXSTATE_WHISPER_THREADS', '4-2'],
  ['inference', inference, 'VOXSTATE_VAD_THREADS', 'many'],
  ['inference', inference, 'VOXSTATE_EMBEDDING_MAX_QUEUE', '-1'],
  ['inference', inference, 'VOXSTATE_WHISPER_MAX_QUEUE', '1.5'],
  ['inference', inference, 'VOXSTATE_VAD_MAX_QUEUE', 'x'],
  ['turn-taking', turnTaking, 'VOXSTATE_END_OF_TURN', 'smart'],
  ['turn-taking', turnTaking, 'VOXSTATE_END_OF_TURN_SHORT_MS', '0'],
  ['turn-taking', turnTaking, 'VOXSTATE_END_OF_TURN_LONG_MS', '20000'],
  ['turn-taking', turnTaking, 'VOXSTATE_NOISE_SUPPRESSION', 'sometimes'],
  ['turn-taking', turnTaking, 'VOXSTATE_SPECULATIVE_RETRIEVAL', 'sometimes'],
  ['turn-taking', turnTaking, 'VOXSTATE_PREEMPTIVE_ANSWERS', 'sometimes'],
  ['turn-taking', turnTaking, 'VOXSTATE_EARLY_FINAL_MS', '-5'],
  ['turn-taking', turnTaking, 'VOXSTATE_NOISE_THREADS', '0'],
  ['turn-taking', turnTaking, 'VOXSTATE_NOISE_MAX_QUEUE', '-1'],
  ['knowledge', knowledge, 'VOXSTATE_REDIS_URL', 'http://127.0.0.1:6379'],
  ['knowledge', knowledge, 'VOXSTATE_EMBED_CACHE_TTL_S', '0'],
  ['knowledge', knowledge, 'VOXSTATE_EMBED_CACHE_TTL_S', '1e308'],
  ['knowledge', knowledge, 'VOXSTATE_RETRIEVAL_CACHE_TTL_S', '1e308'],
  ['knowledge', knowledge, 'VOXSTATE_CLOUD_EMBED_BASE_URL', 'localhost:8080', CLOUD],
  ['knowledge', knowledge, 'OPENAI_BASE_URL', 'ftp://example.com', CLOUD],
  ['knowledge', knowledge, 'VOXSTATE_EMBED_CACHE_ENTRIES', '0'],
  ['knowledge', knowledge, 'VOXSTATE_REDIS_LOOKUP_TIMEOUT_MS', '20000'],
  ['knowledge', knowledge, 'VOXSTATE_KB_THRESHOLD', '2'],
  ['knowledge', knowledge, 'VOXSTATE_KB_CLOUD_MODE', 'always'],
  ['knowledge', knowledge, 'VOXSTATE_KB_TOP_K', '0'],
  ['knowledge', knowledge, 'VOXSTATE_KB_KEYWORD_WEIGHT', '-1'],
  ['knowledge', knowledge, 'VOXSTATE_PREFETCH_MAX', '-1'],
  ['knowledge', knowledge, 'VOXSTATE_RETRIEVAL_CACHE_ENTRIES', '0'],
  ['knowledge', knowledge, 'VOXSTATE_RETRIEVAL_CACHE_TTL_S', 'x'],
  ['knowledge', knowledge, 'VOXSTATE_KB_VERSION_REFRESH_MS', '-1'],
  ['knowledge', knowledge, 'VOXSTATE_CLOUD_EMBED_MODEL', 'text-embedding-3-small'],
  ['knowledge', knowledge, 'VOXSTATE_CLOUD_EMBED_DIMENSIONS', '0', CLOUD],
  ['knowledge', knowledge, 'VOXSTATE_CLOUD_EMBED_TIMEOUT_MS', '5', CLOUD],
  ['speech', speech, 'VOXSTATE_TTS_ENGINE', 'festival'],
  ['speech', speech, 'VOXSTATE_TTS_FORMATS', 'slin16,wav'],
  ['speech', speech, 'VOXSTATE_TTS_LANGUAGES', 'en,english!'],
  ['speech', speech, 'VOXSTATE_TTS_PREWARM', 'maybe'],
  ['speech', speech, 'VOXSTATE_TTS_CACHE_TTL_MS', '10'],
  ['speech', speech, 'VOXSTATE_TTS_CACHE_MAX_ITEM_BYTES', '0'],
  ['speech', speech, 'VOXSTATE_TTS_CACHE_MAX_ENTRIES', '0'],
  ['speech', speech, 'VOXSTATE_TTS_LRU_MAX_BYTES', '-1'],
  ['speech', speech, 'VOXSTATE_ESPEAK_THREADS', '0'],
  ['speech', speech, 'VOXSTATE_ESPEAK_MAX_QUEUE', '0'],
  ['speech', speech, 'VOXSTATE_ESPEAK_RATE_WPM', '10'],
  ['speech', speech, 'VOXSTATE_ESPEAK_PITCH', '100'],
  ['speech', speech, 'VOXSTATE_OPENAI_TTS_TIMEOUT_MS', '1'],
  ['speech', speech, 'VOXSTATE_FILLER_JOIN', 'never'],
  ['speech', speech, 'VOXSTATE_FILLER_DELAY_MS', '-1'],
  ['speech', speech, 'VOXSTATE_ECHO_COOLDOWN_MS', '99999'],
  ['speech', speech, 'VOXSTATE_PACER_MAX_BURST', '0'],
  ['speech', speech, 'VOXSTATE_OPENAI_TTS_BASE_URL', 'api.openai.com/v1'],
  ['speech', speech, 'OPENAI_BASE_URL', 'file:///etc/passwd'],
  ['answer', answer, 'OPENAI_BASE_URL', 'ftp://example.com'],
  ['answer', answer, 'ANTHROPIC_BASE_URL', 'not a url', { ANTHROPIC_API_KEY: 'k' }],
  ['answer', answer, 'ANTHROPIC_BASE_URL', 'http://127.0.0.1:1'],
  ['answer', answer, 'VOXSTATE_LLM_PRIMARY', 'google'],
  ['answer', answer, 'VOXSTATE_LLM_CHEAP_MODEL', 'anthropic:claude-x', { OPENAI_API_KEY: 'k' }],
  ['answer', answer, 'VOXSTATE_LLM_STRONG_MODEL', 'anthropic:claude-x', { OPENAI_API_KEY: 'k' }],
  [
    'answer',
    answer,
    'VOXSTATE_LLM_STRONG_MODEL',
    'none',
    { OPENAI_API_KEY: 'k', VOXSTATE_LLM_CHEAP_MODEL: 'none' },
  ],
  ['answer', answer, 'VOXSTATE_ROUTING', 'sometimes'],
  ['answer', answer, 'VOXSTATE_ROUTING_CLASSIFIER', 'x'],
  ['answer', answer, 'VOXSTATE_ROUTING_TIMEOUT_MS', '0'],
  ['answer', answer, 'VOXSTATE_ROUTING_UNSURE', 'medium'],
  ['answer', answer, 'VOXSTATE_BUDGET_LLM_CALLS', '-1'],
  ['answer', answer, 'VOXSTATE_BUDGET_TOKENS', '1.5'],
  ['answer', answer, 'VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS', 'x'],
  ['answer', answer, 'VOXSTATE_LLM_IDLE_TIMEOUT_MS', '0'],
  ['answer', answer, 'VOXSTATE_LLM_MAX_TOKENS', '0'],
  ['flags', loadFlagConfig, 'VOXSTATE_FLAGS', '{"stt":{"whisper":50}}'],
  ['flags', loadFlagConfig, 'VOXSTATE_FLAGS', '{"stt":'],
  ['flags', loadFlagConfig, 'VOXSTATE_FLAGS', '/no/such/flags.json'],
  ['prices', loadPriceTable, 'VOXSTATE_PRICES', '/no/such/prices.json'],
  ['retention', retentionDaysFromEnv, 'VOXSTATE_RETENTION_DAYS', '0'],
  ['retention', retentionDaysFromEnv, 'VOXSTATE_RETENTION_DAYS', 'forever'],
  ['retention', recordingRetentionDaysFromEnv, 'VOXSTATE_RECORDING_RETENTION_DAYS', '-1'],
  ['retention', recordingRetentionDaysFromEnv, 'VOXSTATE_RECORDING_RETENTION_DAYS', 'a week'],
  [
    'inspector',
    (env) => inspectorOptions([], env),
    'VOXSTATE_INSPECT_PORT',
    '70000',
    { VOXSTATE_INSPECT: '1' },
  ],
  ['logger', (env) => withEnv(env, () => createLogger()), 'VOXSTATE_LOG_LEVEL', 'loud'],
  ['logger', (env) => withEnv(env, () => createLogger()), 'VOXSTATE_LOG_LEVEL', 'toString'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_STT', 'vosk'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_DETECT_LANGUAGE', 'maybe'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_MAX_TURNS', '-1'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_MAX_SILENCE_MS', '0'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_MAX_SILENCE_PROMPTS', '1.5'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_MAX_CALL_MS', '1e308'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_MAX_NOT_UNDERSTOOD', 'x'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_BARGE_IN_ON_GREETING', 'sometimes'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_LOG_TRANSCRIPTS', '2'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_LOG_PII', '2'],
  ['logger', (env) => withEnv(env, () => createLogger()), 'VOXSTATE_LOG_PII', 'sometimes'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_REDIS_URL', 'localhost'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_DLQ_RETRY_MS', '0'],
  ['runtime', runtimeConfigFromEnv, 'VOXSTATE_DLQ_POLL_MS', 'often'],
  ['telephony', telephonyConfigFromEnv, 'VOXSTATE_ARI_URL', 'ftp://pbx:8088'],
  ['telephony', telephonyConfigFromEnv, 'VOXSTATE_ARI_URL', 'pbx:8088'],
  ['telephony', telephonyConfigFromEnv, 'VOXSTATE_MEDIA_TRANSPORT', 'webrtc'],
  ['telephony', telephonyConfigFromEnv, 'VOXSTATE_MEDIA_PORT', '70000'],
  ['telephony', telephonyConfigFromEnv, 'VOXSTATE_MEDIA_PORT', ' '],
  ['telephony', telephonyConfigFromEnv, 'VOXSTATE_ARI_TIMEOUT_MS', '0'],
  ['telephony', telephonyConfigFromEnv, 'VOXSTATE_ARI_TIMEOUT_MS', '1e12'],
  ['serve', serveConfigFromEnv, 'VOXSTATE_OPS_PORT', 'x'],
  ['serve', serveConfigFromEnv, 'VOXSTATE_OPS_PORT', '1.5'],
  ['serve', serveConfigFromEnv, 'VOXSTATE_OPS_HOST', 'http://0.0.0.0'],
  ['serve', serveConfigFromEnv, 'VOXSTATE_DRAIN_MS', '-5'],
  ['serve', serveConfigFromEnv, 'VOXSTATE_DRAIN_MS', '2 weeks'],
  ['schema', readEnv, 'VOXSTATE_LOG_PRETTY', 'pretty'],
  ['stt', sttEnginesConfigFromEnv, 'VOXSTATE_STT_OPENAI_BASE_URL', 'gpu-1:8000/v1'],
  ['stt', sttEnginesConfigFromEnv, 'VOXSTATE_STT_OPENAI_TIMEOUT_MS', 'soon'],
  ['stt', sttEnginesConfigFromEnv, 'VOXSTATE_STT_DEEPGRAM_BASE_URL', 'https://api.deepgram.com'],
  ['stt', sttEnginesConfigFromEnv, 'VOXSTATE_STT_REALTIME_BASE_URL', 'wss://api.openai.com/v1'],
  ['stt', sttEnginesConfigFromEnv, 'VOXSTATE_STT_CONNECT_TIMEOUT_MS', '0'],
  ['stt', sttEnginesConfigFromEnv, 'VOXSTATE_STT_FINAL_TIMEOUT_MS', '2 weeks'],
  ['realtime', realtimeConfigFromEnv, 'VOXSTATE_BRAIN', 'speech'],
  ['realtime', realtimeConfigFromEnv, 'VOXSTATE_REALTIME_BASE_URL', 'api.openai.com/v1'],
  ['realtime', realtimeConfigFromEnv, 'VOXSTATE_REALTIME_TURN_DETECTION', 'magic'],
  ['realtime', realtimeConfigFromEnv, 'VOXSTATE_REALTIME_CONNECT_TIMEOUT_MS', '0'],
  ['realtime', realtimeConfigFromEnv, 'VOXSTATE_REALTIME_RESPONSE_TIMEOUT_MS', 'soon'],
  ['realtime', realtimeConfigFromEnv, 'VOXSTATE_REALTIME_TOOL_TIMEOUT_MS', '2 weeks'],
  ['tracing', readEnv, 'OTEL_SDK_DISABLED', 'maybe'],
  ['tracing', readEnv, 'OTEL_TRACES_EXPORTER', 'carrier-pigeon'],
  ['tracing', readEnv, 'OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4318'],
  ['tracing', readEnv, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'ftp://collector/v1/traces'],
  ['tracing', readEnv, 'OTEL_EXPORTER_OTLP_PROTOCOL', 'smoke-signals'],
  ['tracing', readEnv, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/thrift'],
  ['tracing', readEnv, 'OTEL_EXPORTER_OTLP_HEADERS', 'no-equals-sign'],
  ['tracing', readEnv, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'no-equals-sign'],
  ['tracing', readEnv, 'OTEL_RESOURCE_ATTRIBUTES', 'no-equals-sign'],
  ['tracing', readEnv, 'VOXSTATE_TRACE_TEXT', 'sure'],
  ['actions', readEnv, 'VOXSTATE_AMD', 'sure'],
  ['actions', readEnv, 'VOXSTATE_AMD_NOISE_FLOOR', 'sure'],
  ['actions', readEnv, 'VOXSTATE_AMD_BEEP', 'sure'],
  ['actions', readEnv, 'VOXSTATE_AMD_ON_MACHINE', 'voicemail'],
  ['inspector', (env) => inspectorOptions([], env), 'VOXSTATE_INSPECT', 'sure'],
  ['inspector', (env) => inspectorOptions([], env), 'VOXSTATE_INSPECT_PII', 'sure'],
];

/** Variables that take any string (paths, ids, keys, names): no value is wrong. */
const FREE_FORM = [
  'VOXSTATE_MODEL_DIR',
  'VOXSTATE_EMBEDDER_MODEL',
  'VOXSTATE_EMBEDDER_REVISION',
  'VOXSTATE_WHISPER_MODEL',
  'VOXSTATE_WHISPER_REVISION',
  'VOXSTATE_VAD_MODEL',
  'VOXSTATE_DATA_DIR',
  'VOXSTATE_REDIS_PREFIX',
  'VOXSTATE_CLOUD_EMBED_API_KEY',
  'VOXSTATE_TTS_BUSINESS_NAMES',
  'VOXSTATE_TTS_CACHE_VERSION',
  'VOXSTATE_TTS_CACHE_PREFIX',
  'VOXSTATE_OPENAI_TTS_API_KEY',
  'VOXSTATE_OPENAI_TTS_MODEL',
  'VOXSTATE_OPENAI_TTS_VOICE',
  'VOXSTATE_INSPECT_HOST',
  'OPENAI_API_KEY',
  'ANTHROPIC_API_KEY',
  'VOXSTATE_BUSINESS',
  'VOXSTATE_ARI_USER',
  'VOXSTATE_ARI_PASSWORD',
  'VOXSTATE_ARI_APP',
  'VOXSTATE_MEDIA_BIND',
  'VOXSTATE_MEDIA_HOST',
  'VOXSTATE_OPS_TOKEN',
  'VOXSTATE_DEBUG',
  'HF_ENDPOINT',
  'VOXSTATE_STT_OPENAI_API_KEY',
  'VOXSTATE_STT_OPENAI_MODEL',
  'VOXSTATE_STT_DEEPGRAM_API_KEY',
  'DEEPGRAM_API_KEY',
  'VOXSTATE_STT_DEEPGRAM_MODEL',
  'VOXSTATE_STT_REALTIME_API_KEY',
  'VOXSTATE_STT_REALTIME_MODEL',
  'VOXSTATE_REALTIME_API_KEY',
  'VOXSTATE_REALTIME_MODEL',
  'VOXSTATE_REALTIME_VOICE',
  'VOXSTATE_REALTIME_TRANSCRIBE_MODEL',
  'OTEL_SERVICE_NAME',
  'VOXSTATE_AMD_PARAMS',
  'VOXSTATE_AMD_MESSAGE',
];

function withEnv<T>(env: Env, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('configuration is validated with a message naming the variable', () => {
  it.each(
    WRONG.map(([name, load, variable, value, extra]) => ({ name, load, variable, value, extra })),
  )('$name: $variable=$value', ({ load, variable, value, extra = {} }) => {
    let thrown: unknown;
    try {
      load({ ...extra, [variable]: value });
    } catch (err) {
      thrown = err;
    }
    expect(thrown, `${variable}=${value} was accepted`).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain(variable);
  });

  it('every variable of the schema is either checked above or takes any text', () => {
    const names = Object.keys(SETTINGS) as VarName[];
    const covered = new Set([...WRONG.map((w) => w[2]), ...FREE_FORM]);
    expect(names.length).toBeGreaterThan(120);
    expect(names.filter((v) => !covered.has(v)).sort()).toEqual([]);
    const refuses = (v: string) =>
      SETTINGS[v as VarName]?.kind.parse('any text, even this: /x?') === INVALID;
    expect(FREE_FORM.filter(refuses)).toEqual([]);
  });
});
