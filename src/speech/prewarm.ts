/**
 * Pre-warm: at start-up, synthesizes every fixed phrase (greetings, fillers, goodbye, apology,
 * "didn't catch that", ...) for the configured languages and media formats into the TTS cache,
 * so that the first caller hears cached audio. Phrases another instance already cached are only
 * looked up.
 *
 * @module
 */
import { isAbortError } from '../errors.js';
import type { MediaFormat } from '../media/format.js';
import type { Logger } from '../telemetry/logger.js';
import { allPhraseTexts } from './phrases.js';
import type { TtsService } from './tts-service.js';

/** Options for {@link prewarmPhrases}. */
export interface PrewarmOptions {
  languages: readonly string[];
  formats: readonly MediaFormat[];
  businessNames?: readonly string[];
  /** Engine to warm (default the service's default). */
  engine?: string;
  /** Syntheses at once (default 2). */
  concurrency?: number;
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
 * Fills the TTS cache with every fixed phrase; never throws for one failed phrase.
 *
 * @example
 * ```ts
 * const report = await prewarmPhrases(tts, { languages: ['en', 'ru'], formats: ['ulaw'] });
 * logger.info(report, 'tts pre-warm done'); // { phrases: 26, cached: 0, synthesized: 26, ... }
 * ```
 */
export async function prewarmPhrases(
  tts: TtsService,
  options: PrewarmOptions,
): Promise<PrewarmReport> {
  const started = performance.now();
  const jobs: Array<{ text: string; language: string; format: MediaFormat }> = [];
  for (const language of options.languages) {
    for (const text of allPhraseTexts(language, options.businessNames)) {
      for (const format of options.formats) jobs.push({ text, language, format });
    }
  }
  const report: PrewarmReport = {
    phrases: jobs.length,
    cached: 0,
    synthesized: 0,
    failed: 0,
    ms: 0,
  };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !options.signal?.aborted) {
      const job = jobs[next++] as (typeof jobs)[number];
      try {
        const { source } = await tts.synthesizeAll(job.text, {
          language: job.language,
          format: job.format,
          engine: options.engine,
          signal: options.signal,
        });
        if (source === 'engine') report.synthesized += 1;
        else report.cached += 1;
      } catch (err) {
        if (isAbortError(err)) break;
        report.failed += 1;
        options.logger?.warn(
          { err: (err as Error).message, language: job.language, format: job.format },
          'tts pre-warm: phrase failed',
        );
      }
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 2);
  await Promise.all(Array.from({ length: concurrency }, worker));
  report.ms = performance.now() - started;
  options.logger?.info(report, 'tts pre-warm done');
  return report;
}
