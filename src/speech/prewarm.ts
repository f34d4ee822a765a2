/**
 * Pre-warm: synthesizes the fixed phrases (greetings, fillers, goodbye, apology, "didn't catch
 * that", ...) of the configured languages and media formats into the TTS cache, so that callers
 * hear cached audio. Phrases another instance already cached are only looked up.
 *
 * The work comes in two parts ({@link prewarmPlan}): `first` holds what every call needs at
 * once (each language's greeting as calls say it, and its fillers); an instance is ready to take
 * calls when that part is cached. `rest` (the other fixed phrases, greetings under other names)
 * is warmed afterwards in the background, one synthesis at a time, and only while the engine has
 * no other work ({@link PrewarmOptions.busy}), so that it never delays a live call's speech by
 * more than the one phrase in progress.
 *
 * @module
 */

import type { MediaFormat } from '../audio/format.js';
import { isAbortError } from '../errors.js';
import { allPhraseTexts, fillerTexts, phraseLanguage, phraseText } from '../prompts/phrases.js';
import type { Logger } from '../telemetry/logger.js';
import type { TtsService } from './tts-service.js';

/** One clip to warm. */
export interface PrewarmJob {
  text: string;
  language: string;
  format: MediaFormat;
}

/** What to warm: languages, formats and the business names spoken in greetings. */
export interface PrewarmPlanOptions {
  languages: readonly string[];
  formats: readonly MediaFormat[];
  /** Every business name a greeting may carry (all warmed, those not in `first` later). */
  businessNames?: readonly string[];
  /** The business name calls in `language` greet with; default: the generic greeting. */
  greetingName?: (language: string) => string | undefined;
  /**
   * The languages calls can be in (the business's); `first` holds only theirs, a configured
   * language no call speaks is warmed in the background. Default: every configured language.
   */
  callLanguages?: readonly string[];
  /** More phrases calls in `language` may need at once (the recording consent), warmed first. */
  firstPhrases?: (language: string) => readonly string[];
}

/** The two parts of a pre-warm. */
export interface PrewarmPlan {
  /** Needed before the first call: each language's greeting and fillers. */
  first: PrewarmJob[];
  /** Everything else, warmed in the background. */
  rest: PrewarmJob[];
}

/** Options for {@link runPrewarm} and {@link prewarmPhrases}. */
export interface PrewarmOptions {
  /** Engine to warm (default the service's default). */
  engine?: string;
  /** Syntheses at once (default 2). */
  concurrency?: number;
  /**
   * True while the engine is busy with other (live) work: no new job starts until it is false
   * again (checked every `busyPollMs`). Background warming passes it.
   */
  busy?: () => boolean;
  /** Default 50 ms. */
  busyPollMs?: number;
  /** Logged with the report, e.g. `'greetings and fillers'` or `'background'`. */
  label?: string;
  signal?: AbortSignal;
  logger?: Logger;
}

/** What pre-warm did. */
export interface PrewarmReport {
  /** Clips considered (phrases x languages x formats). */
  phrases: number;
  /** Already in the cache (memory or Redis). */
  cached: number;
  /** Synthesized now and stored. */
  synthesized: number;
  failed: number;
  /** Wall time, ms. */
  ms: number;
}

/**
 * Splits the fixed phrases into what calls need first and the rest, without duplicates.
 *
 * @example
 * ```ts
 * const { first, rest } = prewarmPlan({ languages: ['en', 'ru'], formats: ['slin16'],
 *   greetingName: (l) => business.names[l] ?? business.name });
 * first.length; // 2 greetings + 10 fillers
 * ```
 */
export function prewarmPlan(options: PrewarmPlanOptions): PrewarmPlan {
  const first: PrewarmJob[] = [];
  const rest: PrewarmJob[] = [];
  const seen = new Set<string>();
  const add = (into: PrewarmJob[], language: string, text: string) => {
    for (const format of options.formats) {
      const key = `${language}\u0000${format}\u0000${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      into.push({ text, language, format });
    }
  };
  const callLanguages = options.callLanguages?.map(phraseLanguage);
  for (const language of options.languages) {
    if (callLanguages && !callLanguages.includes(phraseLanguage(language))) continue;
    const businessName = options.greetingName?.(language);
    add(first, language, phraseText('greeting', language, businessName ? { businessName } : {}));
    for (const filler of fillerTexts(language)) add(first, language, filler);
    for (const text of options.firstPhrases?.(language) ?? []) add(first, language, text);
  }
  for (const language of options.languages) {
    for (const text of allPhraseTexts(language, options.businessNames)) add(rest, language, text);
  }
  return { first, rest };
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Warms `jobs` into the cache with bounded concurrency; never throws for one failed phrase, and
 * stops early (reporting what was done) when `signal` aborts.
 *
 * @example
 * ```ts
 * const report = await runPrewarm(tts, plan.rest, { concurrency: 1, busy: () => espeak.pending > 0 });
 * ```
 */
export async function runPrewarm(
  tts: TtsService,
  jobs: readonly PrewarmJob[],
  options: PrewarmOptions = {},
): Promise<PrewarmReport> {
  const started = performance.now();
  const report: PrewarmReport = {
    phrases: jobs.length,
    cached: 0,
    synthesized: 0,
    failed: 0,
    ms: 0,
  };
  const { signal, busy } = options;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !signal?.aborted) {
      while (busy?.() && !signal?.aborted) await pause(options.busyPollMs ?? 50, signal);
      if (signal?.aborted) break;
      const job = jobs[next++] as PrewarmJob;
      try {
        const { source } = await tts.synthesizeAll(job.text, {
          language: job.language,
          format: job.format,
          engine: options.engine,
          signal,
        });
        if (source === 'engine') report.synthesized += 1;
        else report.cached += 1;
      } catch (err) {
        if (isAbortError(err) || signal?.aborted) break;
        report.failed += 1;
        options.logger?.warn(
          { err: (err as Error).message, language: job.language, format: job.format },
          'tts pre-warm: phrase failed',
        );
      }
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 2);
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  report.ms = performance.now() - started;
  options.logger?.info(
    { ...report, ...(options.label ? { part: options.label } : {}), aborted: !!signal?.aborted },
    'tts pre-warm done',
  );
  return report;
}

/**
 * Fills the TTS cache with every fixed phrase at once (both parts of the plan, in order); never
 * throws for one failed phrase.
 *
 * @example
 * ```ts
 * const report = await prewarmPhrases(tts, { languages: ['en', 'ru'], formats: ['ulaw'] });
 * logger.info(report, 'tts pre-warm done'); // { phrases: 26, cached: 0, synthesized: 26, ... }
 * ```
 */
export function prewarmPhrases(
  tts: TtsService,
  options: PrewarmPlanOptions & PrewarmOptions,
): Promise<PrewarmReport> {
  const { first, rest } = prewarmPlan(options);
  return runPrewarm(tts, [...first, ...rest], options);
}
