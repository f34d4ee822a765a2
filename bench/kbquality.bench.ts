/**
 * Benchmark suite `kbquality`: how often keyword search (no embedding model, as in the offline
 * demo) puts the right knowledge-base section first (`top1`) and in the first three (`top3`),
 * for 104 colloquial phone questions in English, Russian, Ukrainian and Hebrew against a
 * 48-section knowledge base, overall, per language and for the tuning and held-out halves.
 * Goal: `top1` >= 0.85. Also reported: the time of each retrieval (`retrieveMs`, the first
 * includes reading the index vocabulary). Run: `npm run bench -- kbquality [--json]`;
 * `--misses` lists the questions that missed first place.
 *
 * @module
 */
import { evaluateKeywordSearch } from './kbquality/evaluate.js';

function percentiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(2));
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

/** Runs the suite. */
export default async function run(opts: { json: boolean }): Promise<Record<string, unknown>> {
  const result = await evaluateKeywordSearch();
  if (!opts.json && process.argv.includes('--misses')) {
    for (const o of result.outcomes.filter((x) => x.rank !== 1)) {
      console.log(
        `[${o.question.lang} ${o.question.split}] ${o.question.q}\n  want ${o.question.expect}, got ${o.got.join(' | ')}`,
      );
    }
  }
  return {
    top1: result.overall.top1,
    top3: result.overall.top3,
    questions: result.overall.n,
    byLanguage: result.byLanguage,
    tune: result.bySplit.tune,
    heldout: result.bySplit.heldout,
    mode: 'keyword',
    retrieveMs: percentiles(result.retrieveMs),
  };
}
