/**
 * Keyword-search quality on the evaluation set in this folder: the dental-clinic knowledge base
 * (`kb/*.md`, 12 sections in each of English, Russian, Ukrainian and Hebrew) and 104 colloquial
 * phone questions (`questions.json`), half of them held out from tuning. Each question is asked
 * without a language hint, as `voxstate kb search` does without `--lang`, and scores a hit when
 * the section it names (in the question's language) comes first (`top1`) or among the first
 * three (`top3`). Used by `npm run bench -- kbquality` and by the retrieval quality test.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HybridRetriever } from '../../src/knowledge/hybrid-retriever.js';
import { ingest } from '../../src/knowledge/ingest.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';

/** Folder of the evaluation knowledge base. */
export const EVAL_KB = fileURLToPath(new URL('./kb', import.meta.url));

/** One evaluation question. */
export interface EvalQuestion {
  lang: 'en' | 'ru' | 'uk' | 'he';
  split: 'tune' | 'heldout';
  q: string;
  /** Heading of the section that answers it, in the knowledge-base file of `lang`. */
  expect: string;
}

/** The evaluation questions. */
export function evalQuestions(): EvalQuestion[] {
  const file = fileURLToPath(new URL('./questions.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { questions: EvalQuestion[] }).questions;
}

/** Share of questions answered first and in the top three. */
export interface Score {
  top1: number;
  top3: number;
  n: number;
}

/** One question's outcome. */
export interface Outcome {
  question: EvalQuestion;
  /** 1-based rank of the expected section; 0 when it was not among the first three. */
  rank: number;
  /** `lang > heading` of the first three passages. */
  got: string[];
}

/** The result of one evaluation run. */
export interface EvalResult {
  overall: Score;
  byLanguage: Record<string, Score>;
  bySplit: Record<string, Score>;
  outcomes: Outcome[];
  /** Time of each retrieval (keyword search in LanceDB plus ranking), ms, in question order. */
  retrieveMs: number[];
}

function score(outcomes: readonly Outcome[]): Score {
  const n = outcomes.length;
  const r = (x: number) => Number((n ? x / n : 0).toFixed(3));
  return {
    top1: r(outcomes.filter((o) => o.rank === 1).length),
    top3: r(outcomes.filter((o) => o.rank >= 1 && o.rank <= 3).length),
    n,
  };
}

function groupScore(outcomes: readonly Outcome[], key: (o: Outcome) => string) {
  const groups = new Map<string, Outcome[]>();
  for (const o of outcomes) groups.set(key(o), [...(groups.get(key(o)) ?? []), o]);
  return Object.fromEntries([...groups].map(([k, list]) => [k, score(list)]));
}

/**
 * Ingests the evaluation knowledge base (keyword search only, no embedding model) into a temp
 * folder and asks every question.
 */
export async function evaluateKeywordSearch(
  questions: readonly EvalQuestion[] = evalQuestions(),
): Promise<EvalResult> {
  const dir = await mkdtemp(join(tmpdir(), 'voxstate-kbquality-'));
  const store = await KnowledgeStore.open({ dir: join(dir, 'db'), readConsistencyMs: 0 });
  try {
    await ingest([EVAL_KB], { store, embedders: [] });
    const retriever = new HybridRetriever({ store, k: 3 });
    const outcomes: Outcome[] = [];
    const retrieveMs: number[] = [];
    for (const question of questions) {
      const started = performance.now();
      const { passages } = await retriever.retrieve({ query: question.q, k: 3 });
      retrieveMs.push(performance.now() - started);
      const got = passages.map((p) => {
        const lang = basename(p.source.split(':')[0] ?? '', '.md');
        return `${lang} > ${p.title.split(' > ').at(-1) ?? ''}`;
      });
      const rank = got.indexOf(`${question.lang} > ${question.expect}`) + 1;
      outcomes.push({ question, rank, got });
    }
    return {
      overall: score(outcomes),
      byLanguage: groupScore(outcomes, (o) => o.question.lang),
      bySplit: groupScore(outcomes, (o) => o.question.split),
      outcomes,
      retrieveMs,
    };
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
