/**
 * The price table used by the per-call cost ledger.
 *
 * Prices are per unit, in one currency: STT per second of audio per engine, LLM per input and per
 * output token per model, TTS per character per engine, embeddings per token per model, and
 * speech-to-speech (realtime) models per audio and text token in and out, cached input apart. Local
 * engines cost zero or whatever compute price you configure for them. The defaults below are
 * EXAMPLE list prices (public price pages, 2025-11) so that a fresh install prints plausible
 * numbers: configure your own with a JSON file named by `VOXSTATE_PRICES`.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { type Config, type RawEnv, readEnv } from '../config/schema.js';
import { ConfigError } from '../errors.js';

/**
 * The cost components of a call: the cascade's four, and `realtime` for a speech-to-speech
 * session, which listens, thinks and speaks in one model.
 */
export type CostKind = 'stt' | 'llm' | 'tts' | 'embeddings' | 'realtime';

/** Every cost component, in report order. */
export const COST_KINDS: readonly CostKind[] = ['stt', 'llm', 'tts', 'embeddings', 'realtime'];

/** Price of an STT engine. */
export interface SttPrice {
  /** Per second of audio sent to the engine. */
  perSecond: number;
}
/** Price of an LLM model. */
export interface LlmPrice {
  inputPerToken: number;
  outputPerToken: number;
}
/** Price of a TTS engine. */
export interface TtsPrice {
  /** Per character synthesized. */
  perCharacter: number;
}
/** Price of an embedding model. */
export interface EmbeddingPrice {
  perToken: number;
}

/** Price of a speech-to-speech (realtime) model, per token of each kind in its usage. */
export interface RealtimePrice {
  audioInputPerToken: number;
  /** Audio input tokens served from the session's prompt cache. */
  cachedAudioInputPerToken: number;
  audioOutputPerToken: number;
  textInputPerToken: number;
  /** Text input tokens served from the session's prompt cache. */
  cachedTextInputPerToken: number;
  textOutputPerToken: number;
}

/** A complete price table. */
export interface PriceTable {
  /** ISO currency code of every price, e.g. `USD`. */
  currency: string;
  /** Where the prices come from and when (shown by `voxstate report costs`). */
  source: string;
  stt: Record<string, SttPrice>;
  llm: Record<string, LlmPrice>;
  tts: Record<string, TtsPrice>;
  embeddings: Record<string, EmbeddingPrice>;
  realtime: Record<string, RealtimePrice>;
  /**
   * The engine/model each component is re-priced on for the baseline ("what this call would have
   * cost with no caches and the strong model only"). A component without an entry is re-priced
   * on the engine that was actually used, without cache savings.
   */
  baseline: Partial<Record<CostKind, string>>;
}

const M = 1e-6;

/**
 * Example prices (list prices of public price pages as of 2025-11; configure your own).
 * Local engines (`whisper`, `espeak`, `piper`, `e5-small`, `local`) and the simulator's `script`
 * STT are at zero. STT: `openai` is whisper-1 batch ($0.006/min; set it to 0, or to your GPU
 * machines' cost, when the base URL points at a self-hosted server), `openai-realtime` is
 * gpt-4o-mini-transcribe ($0.003/min), `deepgram` is Nova-3 streaming ($0.0077/min).
 */
export const DEFAULT_PRICES: PriceTable = {
  currency: 'USD',
  source: 'example list prices, 2025-11 - configure your own with VOXSTATE_PRICES',
  stt: {
    cloud: { perSecond: 0.016 / 60 },
    google: { perSecond: 0.016 / 60 },
    deepgram: { perSecond: 0.0077 / 60 },
    openai: { perSecond: 0.006 / 60 },
    'openai-realtime': { perSecond: 0.003 / 60 },
    whisper: { perSecond: 0 },
    script: { perSecond: 0 },
  },
  llm: {
    'claude-haiku-4-5': { inputPerToken: 1 * M, outputPerToken: 5 * M },
    'claude-sonnet-4-5': { inputPerToken: 3 * M, outputPerToken: 15 * M },
    'gpt-4o-mini': { inputPerToken: 0.15 * M, outputPerToken: 0.6 * M },
    'gpt-4o': { inputPerToken: 2.5 * M, outputPerToken: 10 * M },
    local: { inputPerToken: 0, outputPerToken: 0 },
  },
  tts: {
    cloud: { perCharacter: 16 * M },
    google: { perCharacter: 16 * M },
    openai: { perCharacter: 15 * M },
    espeak: { perCharacter: 0 },
    piper: { perCharacter: 0 },
  },
  embeddings: {
    'text-embedding-3-small': { perToken: 0.02 * M },
    'e5-small': { perToken: 0 },
    local: { perToken: 0 },
  },
  realtime: {
    'gpt-realtime': {
      audioInputPerToken: 32 * M,
      cachedAudioInputPerToken: 0.4 * M,
      audioOutputPerToken: 64 * M,
      textInputPerToken: 4 * M,
      cachedTextInputPerToken: 0.4 * M,
      textOutputPerToken: 16 * M,
    },
    'gpt-realtime-mini': {
      audioInputPerToken: 10 * M,
      cachedAudioInputPerToken: 0.3 * M,
      audioOutputPerToken: 20 * M,
      textInputPerToken: 0.6 * M,
      cachedTextInputPerToken: 0.06 * M,
      textOutputPerToken: 2.4 * M,
    },
  },
  baseline: { stt: 'cloud', llm: 'claude-sonnet-4-5' },
};

/** The price fields each section requires. */
const FIELDS: Record<CostKind, readonly string[]> = {
  stt: ['perSecond'],
  llm: ['inputPerToken', 'outputPerToken'],
  tts: ['perCharacter'],
  embeddings: ['perToken'],
  realtime: [
    'audioInputPerToken',
    'cachedAudioInputPerToken',
    'audioOutputPerToken',
    'textInputPerToken',
    'cachedTextInputPerToken',
    'textOutputPerToken',
  ],
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Validates a price file (parsed JSON) and merges it over {@link DEFAULT_PRICES} (or over
 * nothing when it says `"replaceDefaults": true`).
 *
 * @throws ConfigError naming the bad entry.
 */
export function parsePriceTable(raw: unknown, source = 'prices'): PriceTable {
  if (!isObject(raw)) throw new ConfigError(`${source}: expected a JSON object`);
  const base: PriceTable =
    raw.replaceDefaults === true
      ? {
          currency: 'USD',
          source,
          stt: {},
          llm: {},
          tts: {},
          embeddings: {},
          realtime: {},
          baseline: {},
        }
      : structuredClone(DEFAULT_PRICES);
  if (raw.currency !== undefined) {
    if (typeof raw.currency !== 'string' || !/^[A-Z]{3}$/.test(raw.currency)) {
      throw new ConfigError(`${source}: currency must be a 3-letter code like "USD"`);
    }
    base.currency = raw.currency;
  }
  base.source = typeof raw.source === 'string' ? raw.source : source;
  for (const kind of Object.keys(FIELDS) as CostKind[]) {
    const section = raw[kind];
    if (section === undefined) continue;
    if (!isObject(section)) throw new ConfigError(`${source}: "${kind}" must be an object`);
    for (const [name, price] of Object.entries(section)) {
      // JSON.parse keeps `__proto__` as a key; assigning it would replace the section's prototype.
      if (name === '__proto__') throw new ConfigError(`${source}: ${kind}.__proto__ is not a name`);
      if (!isObject(price)) throw new ConfigError(`${source}: ${kind}.${name} must be an object`);
      for (const field of FIELDS[kind]) {
        const v = price[field];
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
          throw new ConfigError(`${source}: ${kind}.${name}.${field} must be a number >= 0`);
        }
      }
      (base[kind] as Record<string, unknown>)[name] = { ...price };
    }
  }
  if (raw.baseline !== undefined) {
    if (!isObject(raw.baseline)) throw new ConfigError(`${source}: "baseline" must be an object`);
    for (const [kind, name] of Object.entries(raw.baseline)) {
      if (!(kind in FIELDS))
        throw new ConfigError(`${source}: baseline.${kind}: unknown component`);
      if (typeof name !== 'string' || !Object.hasOwn(base[kind as CostKind], name)) {
        throw new ConfigError(`${source}: baseline.${kind} must name a priced ${kind} entry`);
      }
      base.baseline[kind as CostKind] = name;
    }
  }
  return base;
}

/**
 * The price table named by `VOXSTATE_PRICES` (a JSON file path), or the example defaults.
 *
 * @throws ConfigError when the file is missing or invalid.
 */
export function loadPriceTable(env: RawEnv = process.env): PriceTable {
  return priceTable(readEnv(env));
}

/** The price table named by the parsed `VOXSTATE_PRICES` ({@link readEnv}), or the defaults. */
export function priceTable(c: Pick<Config, 'VOXSTATE_PRICES'>): PriceTable {
  const path = c.VOXSTATE_PRICES;
  if (!path) return structuredClone(DEFAULT_PRICES);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`VOXSTATE_PRICES: cannot read ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parsePriceTable(raw, path);
}
