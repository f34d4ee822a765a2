/**
 * The cost ledger of one call: every STT second, LLM token, TTS character, embedding token and
 * speech-to-speech (realtime) audio and text token is recorded with the engine or model that served it, priced by the {@link PriceTable}, and summed
 * into a breakdown.
 *
 * Next to the actual cost the ledger keeps a baseline: what the same usage would have cost with
 * no caches and the strong model only (see `PriceTable.baseline`). The difference is the saving
 * from routing, caching and local engines, shown per call and in `voxstate report costs`.
 *
 * @module
 */
import type { Logger } from '../telemetry/logger.js';
import { COST_KINDS, type CostKind, type PriceTable } from './prices.js';

/** STT usage: seconds of audio sent to an engine. */
export interface SttUsage {
  engine: string;
  seconds: number;
  cached?: boolean;
}
/** LLM usage of one request. */
export interface LlmUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Served from a cache: costs nothing, counted in the baseline. */
  cached?: boolean;
  /**
   * A retry after another model failed (routing's escalation to the strong model). It is paid
   * for, but the baseline, which would have asked the strong model once, does not count it.
   */
  retry?: boolean;
  /**
   * A preemptive answer cancelled because the caller went on: paid for, counted apart as
   * waste, and not in the baseline (which would not have asked).
   */
  wasted?: boolean;
  /**
   * `routing`: the routing classifier's request. It is paid for and listed on its own line
   * (`llm:routing:<model>` in `byModel`), but the baseline, which has no routing, does not count it.
   */
  purpose?: 'answer' | 'routing';
}
/** TTS usage: characters synthesized, or served from the audio cache when `cached`. */
export interface TtsUsage {
  engine: string;
  characters: number;
  cached?: boolean;
}
/** Embedding usage: tokens embedded, or served from the cache when `cached`. */
export interface EmbeddingUsage {
  model: string;
  tokens: number;
  cached?: boolean;
}
/**
 * Speech-to-speech usage of one realtime response (the session's `response.done` usage). Input
 * counts include their cached parts, as the API reports them.
 */
export interface RealtimeUsage {
  model: string;
  audioInputTokens: number;
  cachedAudioInputTokens: number;
  audioOutputTokens: number;
  textInputTokens: number;
  cachedTextInputTokens: number;
  textOutputTokens: number;
  cached?: boolean;
}
/** The usage shape of each cost component. */
export interface UsageByKind {
  stt: SttUsage;
  llm: LlmUsage;
  tts: TtsUsage;
  embeddings: EmbeddingUsage;
  realtime: RealtimeUsage;
}

/** The cost of one call, in `currency` units. */
export interface CostBreakdown {
  stt: number;
  llm: number;
  tts: number;
  embeddings: number;
  realtime: number;
  total: number;
  /** Cost of the same usage with no caches and the baseline (strong) engines. */
  baselineTotal: number;
  /** Baseline per component. */
  baseline: Record<CostKind, number>;
  /**
   * Actual cost per `kind:name`, e.g. `llm:claude-haiku-4-5`; the routing classifier's requests
   * are on their own line, `llm:routing:<model>`.
   */
  byModel: Record<string, number>;
  /** `kind:name` entries that had no price (counted at zero). */
  unpriced: string[];
  /** Cost of cancelled preemptive answers (part of `llm` and `total`). */
  wasted: number;
  /** Tokens (input and output) of cancelled preemptive answers. */
  wastedTokens: number;
  currency: string;
}

/** Options for {@link CostLedger}. */
export interface CostLedgerOptions {
  prices: PriceTable;
  /** Warned once per unpriced engine or model. */
  logger?: Logger;
}

function nameOf(usage: UsageByKind[CostKind]): string {
  return 'engine' in usage ? usage.engine : usage.model;
}

/** An empty breakdown in `currency`. */
export function emptyBreakdown(currency: string): CostBreakdown {
  return {
    stt: 0,
    llm: 0,
    tts: 0,
    embeddings: 0,
    realtime: 0,
    total: 0,
    baselineTotal: 0,
    baseline: { stt: 0, llm: 0, tts: 0, embeddings: 0, realtime: 0 },
    byModel: {},
    unpriced: [],
    wasted: 0,
    wastedTokens: 0,
    currency,
  };
}

/**
 * Per-call cost ledger.
 *
 * @example
 * ```ts
 * const ledger = new CostLedger({ prices: loadPriceTable() });
 * ledger.record('stt', { engine: 'whisper', seconds: 4.2 });
 * ledger.record('llm', { model: 'claude-haiku-4-5', inputTokens: 900, outputTokens: 60 });
 * ledger.record('llm', { model: 'gpt-4o-mini', inputTokens: 80, outputTokens: 1, purpose: 'routing' });
 * ledger.record('tts', { engine: 'cloud', characters: 120, cached: true });
 * const { total, baselineTotal } = ledger.breakdown();
 * ```
 */
export class CostLedger {
  readonly #prices: PriceTable;
  readonly #logger: Logger | undefined;
  readonly #actual: Record<CostKind, number> = emptyBreakdown('').baseline;
  readonly #baseline: Record<CostKind, number> = emptyBreakdown('').baseline;
  readonly #byModel = new Map<string, number>();
  readonly #unpriced = new Set<string>();
  #wasted = 0;
  #wastedTokens = 0;

  constructor(options: CostLedgerOptions) {
    this.#prices = options.prices;
    this.#logger = options.logger;
  }

  /**
   * Records usage and returns its actual cost. Negative or non-finite amounts count as zero.
   */
  record<K extends CostKind>(kind: K, usage: UsageByKind[K]): number {
    const name = nameOf(usage);
    const full = this.#price(kind, name, usage);
    const actual = usage.cached ? 0 : full;
    const baselineName = this.#prices.baseline[kind] ?? name;
    const llm = kind === 'llm' ? (usage as LlmUsage) : undefined;
    const isWasted = llm?.wasted === true;
    const isRouting = llm?.purpose === 'routing';
    const base =
      llm?.retry === true || isWasted || isRouting
        ? 0
        : baselineName === name
          ? full
          : this.#price(kind, baselineName, usage);
    this.#actual[kind] += actual;
    this.#baseline[kind] += base;
    const key = isRouting ? `${kind}:routing:${name}` : `${kind}:${name}`;
    this.#byModel.set(key, (this.#byModel.get(key) ?? 0) + actual);
    if (isWasted && llm) {
      this.#wasted += actual;
      this.#wastedTokens += Math.max(0, llm.inputTokens) + Math.max(0, llm.outputTokens);
    }
    return actual;
  }

  /** The breakdown so far. */
  breakdown(): CostBreakdown {
    const out = emptyBreakdown(this.#prices.currency);
    for (const kind of COST_KINDS) {
      out[kind] = this.#actual[kind];
      out.baseline[kind] = this.#baseline[kind];
      out.total += this.#actual[kind];
      out.baselineTotal += this.#baseline[kind];
    }
    out.byModel = Object.fromEntries(this.#byModel);
    out.unpriced = [...this.#unpriced];
    out.wasted = this.#wasted;
    out.wastedTokens = this.#wastedTokens;
    return out;
  }

  #price(kind: CostKind, name: string, usage: UsageByKind[CostKind]): number {
    const n = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0);
    const table = this.#prices[kind] as unknown as Record<
      string,
      Record<string, number> | undefined
    >;
    const price = table[name];
    if (!price) {
      const key = `${kind}:${name}`;
      if (!this.#unpriced.has(key)) {
        this.#unpriced.add(key);
        this.#logger?.warn(
          { kind, name },
          `no price configured for ${kind} "${name}"; counted at zero`,
        );
      }
      return 0;
    }
    switch (kind) {
      case 'stt':
        return n((usage as SttUsage).seconds) * (price.perSecond ?? 0);
      case 'llm': {
        const u = usage as LlmUsage;
        return (
          n(u.inputTokens) * (price.inputPerToken ?? 0) +
          n(u.outputTokens) * (price.outputPerToken ?? 0)
        );
      }
      case 'tts':
        return n((usage as TtsUsage).characters) * (price.perCharacter ?? 0);
      case 'realtime': {
        const u = usage as RealtimeUsage;
        const cachedAudio = Math.min(n(u.cachedAudioInputTokens), n(u.audioInputTokens));
        const cachedText = Math.min(n(u.cachedTextInputTokens), n(u.textInputTokens));
        return (
          (n(u.audioInputTokens) - cachedAudio) * (price.audioInputPerToken ?? 0) +
          cachedAudio * (price.cachedAudioInputPerToken ?? 0) +
          n(u.audioOutputTokens) * (price.audioOutputPerToken ?? 0) +
          (n(u.textInputTokens) - cachedText) * (price.textInputPerToken ?? 0) +
          cachedText * (price.cachedTextInputPerToken ?? 0) +
          n(u.textOutputTokens) * (price.textOutputPerToken ?? 0)
        );
      }
      default:
        return n((usage as EmbeddingUsage).tokens) * (price.perToken ?? 0);
    }
  }
}
