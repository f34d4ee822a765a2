import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, Index } from '@lancedb/lancedb';
import { afterEach, describe, expect, it } from 'vitest';
import { EVAL_KB, evalQuestions, evaluateKeywordSearch } from '../../bench/kbquality/evaluate.js';
import { createOfflineAnswerer } from '../../src/answer/offline-answerer.js';
import { HybridRetriever } from '../../src/knowledge/hybrid-retriever.js';
import { ingest } from '../../src/knowledge/ingest.js';
import { TERMS_COLUMN } from '../../src/knowledge/keyword-terms.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';
import { CHUNKS_TABLE } from '../../src/knowledge/table-name.js';
import { captureLogs } from '../helpers/logs.js';
import { SAMPLE_KB, tempDir } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function keywordKb(paths: string[] = [SAMPLE_KB]) {
  const { dir, cleanup } = await tempDir();
  const store = await KnowledgeStore.open({ dir: join(dir, 'db'), readConsistencyMs: 0 });
  cleanups.push(async () => {
    store.close();
    await cleanup();
  });
  await ingest(paths, { store, embedders: [] });
  return { dir, store, retriever: new HybridRetriever({ store, k: 3 }) };
}

async function spoken(
  query: string,
  language: string,
  passages: { id: string; text: string; score: number }[],
) {
  const answerer = createOfflineAnswerer({ phone: '+1-555-0142' });
  let text = '';
  for await (const e of answerer.answer({
    query,
    passages,
    history: [],
    system: '',
    language,
    signal: new AbortController().signal,
  })) {
    if (e.type === 'done') text = e.text;
  }
  return text;
}

describe('keyword search quality (no embedding model)', () => {
  it('answers the Russian demo turn 2 from the delivery section, not cake prices', async () => {
    const { retriever } = await keywordKb();
    for (const language of ['ru', undefined]) {
      const { passages, layer } = await retriever.retrieve({
        query: 'Сколько стоит доставка?',
        ...(language ? { language } : {}),
      });
      expect(layer).toBe('keyword');
      expect(passages[0]!.lang).toBe('ru');
      expect(passages[0]!.text).toMatch(/[Дд]оставка/u);
      expect(passages[0]!.text).not.toMatch(/[Тт]орт/u);
      expect(await spoken('Сколько стоит доставка?', 'ru', passages)).toMatch(/\$4\.99/u);
    }
  });

  it('answers every question from passages in its own language, without a language hint', async () => {
    // The evaluation knowledge base has the same twelve sections in Russian and Ukrainian.
    const { retriever } = await keywordKb([EVAL_KB]);
    const wrong: string[] = [];
    for (const q of evalQuestions()) {
      const { passages } = await retriever.retrieve({ query: q.q });
      if (passages[0]?.lang !== q.lang) wrong.push(`${q.q} -> ${passages[0]?.lang}`);
    }
    expect(wrong).toEqual([]);
  });

  it('spreads keyword-only scores by BM25 instead of rank', async () => {
    const { retriever } = await keywordKb();
    const { passages } = await retriever.retrieve({ query: 'Сколько стоит доставка?', k: 3 });
    expect(passages[0]!.score).toBe(1);
    expect(passages.at(-1)!.score).toBeLessThan(0.9);
  });

  it('meets words of one family that the stemmer leaves apart, after a later ingest too', async () => {
    const { dir, store, retriever } = await keywordKb();
    expect(
      (await retriever.retrieve({ query: 'Сколько стоит имплант?' })).passages[0]?.text ?? '',
    ).not.toMatch(/имплантат/u);
    const extra = join(dir, 'extra');
    await mkdir(extra, { recursive: true });
    await writeFile(
      join(extra, 'implants.md'),
      '# Имплантация\n\nСтавим титановые имплантаты, гарантия на имплантацию десять лет.\n',
    );
    await ingest([extra], { store, embedders: [] });
    const { passages } = await retriever.retrieve({ query: 'Сколько стоит имплант?' });
    expect(passages[0]!.text).toMatch(/имплантаты/u);
  });

  it('reaches top1 >= 0.85 on the kbquality evaluation set', async () => {
    const result = await evaluateKeywordSearch();
    expect(result.overall.n).toBeGreaterThanOrEqual(60);
    expect(result.overall.top1).toBeGreaterThanOrEqual(0.85);
    expect(result.bySplit.heldout!.top1).toBeGreaterThanOrEqual(0.85);
    for (const lang of ['en', 'ru', 'uk', 'he']) {
      expect(result.byLanguage[lang]!.top3).toBeGreaterThanOrEqual(0.9);
    }
  });
});

describe('knowledge bases indexed by an older keyword analysis', () => {
  it('are re-indexed once, from the stored text, and then searched', async () => {
    const { dir, cleanup } = await tempDir();
    cleanups.push(cleanup);
    const db = await connect(join(dir, 'db'));
    const row = (id: string, text: string, lang: string) => ({
      id,
      doc: 'kb/faq.md',
      text,
      terms: 'legacy terms',
      title: '',
      kind: 'section',
      lang,
      line: 1,
      hash: id,
      doc_hash: 'h',
    });
    const legacy = await db.createTable(CHUNKS_TABLE, [
      row('a', 'Доставка работает каждый день с 10:00 до 19:00.', 'ru'),
      row('b', 'Торты на заказ стоят от $38 за килограмм.', 'ru'),
    ]);
    await legacy.createIndex('terms', { config: Index.fts({ baseTokenizer: 'whitespace' }) });
    db.close();

    const { logger, lines } = captureLogs();
    const store = await KnowledgeStore.open({ dir: join(dir, 'db'), readConsistencyMs: 0, logger });
    cleanups.push(async () => store.close());
    const hits = await store.searchKeyword('доставку', { k: 2 });
    expect(hits.map((h) => h.chunk.id)).toEqual(['a']);
    expect(await store.chunkCount()).toBe(2);
    expect(lines.filter((l) => String(l.msg).includes('re-indexed'))).toHaveLength(1);
    await store.searchKeyword('торт', { k: 2 });
    expect(lines.filter((l) => String(l.msg).includes('re-indexed'))).toHaveLength(1);

    const reopened = await connect(join(dir, 'db'));
    const fields = (await (await reopened.openTable(CHUNKS_TABLE)).schema()).fields.map(
      (f) => f.name,
    );
    reopened.close();
    expect(fields).toContain(TERMS_COLUMN);
    expect(fields).not.toContain('terms');
  });
});
