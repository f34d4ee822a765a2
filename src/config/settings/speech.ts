/**
 * Settings of speech output: TTS engines, the TTS cache, pre-warm and playback.
 *
 * @module
 */
import { bool, duration, httpUrl, int, list, oneOf, setting, text } from '../kinds.js';

const G = 'speech';

/** Speech-output variables. */
export const SPEECH_SETTINGS = {
  VOXSTATE_TTS_ENGINE: setting(oneOf(['espeak', 'openai']), {
    group: G,
    default: 'espeak',
    description: 'default engine: `espeak` (local, WASM in a worker) or `openai`',
  }),
  VOXSTATE_TTS_LANGUAGES: setting(
    list({
      expected: 'language codes (en, pt-br)',
      test: (l) => /^[a-z]{2,3}(-[a-z0-9]+)*$/.test(l),
      map: (l) => l.toLowerCase(),
    }),
    {
      group: G,
      default: ['en', 'ru', 'uk', 'he'],
      description: 'languages whose fixed phrases are pre-warmed',
    },
  ),
  VOXSTATE_TTS_FORMATS: setting(
    list({ expected: 'slin16, ulaw', test: (f) => f === 'slin16' || f === 'ulaw' }),
    { group: G, default: ['slin16'], description: 'media formats pre-warmed' },
  ),
  VOXSTATE_TTS_BUSINESS_NAMES: setting(list(), {
    group: G,
    default: [],
    defaultDoc: 'none',
    description:
      "names whose greetings are pre-warmed; the runtime (`serve`, `call`, `demo`) uses the business file's names instead",
  }),
  VOXSTATE_TTS_PREWARM: setting(bool, {
    group: G,
    default: true,
    description:
      "synthesize the fixed phrases into the cache at start-up: each language's greeting and fillers before the instance takes calls, the others (goodbye, apology...) in the background",
  }),
  VOXSTATE_TTS_CACHE_VERSION: setting(text, {
    group: G,
    default: 'v1',
    description: 'part of every cache key: change it when prompts or voices change',
  }),
  VOXSTATE_TTS_CACHE_TTL_MS: setting(duration('ms', 1000, 30 * 86_400_000), {
    group: G,
    default: 86_400_000,
    description: 'cached clip TTL (24 h)',
  }),
  VOXSTATE_TTS_CACHE_MAX_ITEM_BYTES: setting(int(1, 2 ** 28), {
    group: G,
    default: 1024 * 1024,
    description: 'larger clips are not cached',
  }),
  VOXSTATE_TTS_CACHE_MAX_ENTRIES: setting(int(1, 10_000_000), {
    group: G,
    default: 20_000,
    description: 'clips kept in Redis',
  }),
  VOXSTATE_TTS_LRU_MAX_BYTES: setting(int(0, 2 ** 34), {
    group: G,
    default: 64 * 1024 * 1024,
    description: 'in-process LRU in front of Redis',
  }),
  VOXSTATE_TTS_CACHE_PREFIX: setting(text, {
    group: G,
    default: 'tts:',
    description: 'Redis key prefix below `VOXSTATE_REDIS_PREFIX`',
  }),
  VOXSTATE_ESPEAK_THREADS: setting(int(1, 64), {
    group: G,
    default: 1,
    description: 'espeak-ng worker threads',
  }),
  VOXSTATE_ESPEAK_MAX_QUEUE: setting(int(1, 100_000), {
    group: G,
    default: 64,
    description: 'syntheses waiting for a thread',
  }),
  VOXSTATE_ESPEAK_RATE_WPM: setting(int(80, 450), {
    group: G,
    default: 165,
    description: 'speaking rate, words per minute',
  }),
  VOXSTATE_ESPEAK_PITCH: setting(int(0, 99), {
    group: G,
    default: 50,
    description: 'pitch',
  }),
  VOXSTATE_OPENAI_TTS_BASE_URL: setting(httpUrl, {
    group: G,
    defaultDoc: '`OPENAI_BASE_URL`',
    description: 'OpenAI-compatible speech endpoint',
  }),
  VOXSTATE_OPENAI_TTS_API_KEY: setting(text, {
    group: G,
    defaultDoc: '`OPENAI_API_KEY`',
    secret: true,
    description: 'its key',
  }),
  VOXSTATE_OPENAI_TTS_MODEL: setting(text, {
    group: G,
    default: 'gpt-4o-mini-tts',
    description: 'model',
  }),
  VOXSTATE_OPENAI_TTS_VOICE: setting(text, {
    group: G,
    default: 'alloy',
    description: 'voice',
  }),
  VOXSTATE_OPENAI_TTS_TIMEOUT_MS: setting(duration('ms', 100, 600_000), {
    group: G,
    default: 10_000,
    description: 'per-request deadline',
  }),
  VOXSTATE_FILLER_JOIN: setting(oneOf(['boundary', 'after']), {
    group: G,
    default: 'boundary',
    description: 'an answer joins a playing filler at its next phrase `boundary`, or `after` it',
  }),
  VOXSTATE_FILLER_DELAY_MS: setting(duration('ms', 0, 5_000), {
    group: G,
    default: 400,
    description:
      "a filler plays only when the answer has no audio ready this long after the end of the turn (0: at once); when the answer's first sentence is already being synthesized then, the filler waits up to 200 ms more for it",
  }),
  VOXSTATE_PACER_MAX_BURST: setting(int(1, 50), {
    group: G,
    default: 3,
    description: 'most frames a late pacer tick sends at once',
  }),
};
