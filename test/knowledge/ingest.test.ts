import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/knowledge/ingest.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';
import { HashEmbedder } from '../fakes/hash-embedder.js';
import { captureLogs } from '../helpers/logs.js';
import { copySampleKb, tempDir } from './helpers.js';

describe('ingest into LanceDB', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let kb: string;
  let store: KnowledgeStore;
  const local = new HashEmbedder({ model: 'test:local' });
  const cloud = new HashEmbedder({ model: 'test:cloud', dimensions: 32, layer: 'cloud', seed: 9 });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    kb = await copySampleKb(dir);
    store = await KnowledgeStore.open({ dir: join(dir, 'db'), readConsistencyMs: 0 });
  });
  afterAll(async () => {
    store.close();
    await cleanup();
  });

  it('ingests the sample knowledge base for two models with languages and a keyword index', async () => {
    const summary = await ingest([kb], { store, embedders: [local, cloud] });
    expect(summary.errors).toEqual([]);
    expect(summary.documents).toBe(18);
    expect(summary.chunks).toBeGreaterThan(50);
    expect(summary.embedded).toBe(summary.chunks * 2 - summary.reused);
    expect(await store.vectorCount('test:local')).toBe(summary.chunks);
    expect(await store.vectorCount('test:cloud')).toBe(summary.chunks);
    const ru = await store.searchKeyword('доставку в воскресенье', { k: 3, lang: 'ru' });
    expect(ru[0]!.chunk.lang).toBe('ru');
    expect(ru[0]!.chunk.text.toLowerCase()).toContain('воскресенье');
    const uk = await store.searchKeyword('доставка', { k: 10, lang: 'uk' });
    expect(uk.length).toBeGreaterThan(0);
    expect(uk.every((h) => h.chunk.lang === 'uk' || h.chunk.lang === 'und')).toBe(true);
    const he = await store.searchKeyword('משלוחים', { k: 3 });
    expect(he[0]!.chunk.lang).toBe('he');
    const faq = await store.searchKeyword('gluten-free bread', { k: 5, lang: 'en' });
    expect(
      faq.some(
        (h) =>
          h.chunk.kind === 'faq' && h.chunk.text.startsWith('Do you have gluten-free bread?\n'),
      ),
    ).toBe(true);
  });

  it('re-ingests idempotently: nothing embedded, same version', async () => {
    const before = await store.version();
    const calls = local.calls + cloud.calls;
    const summary = await ingest([kb], { store, embedders: [local, cloud] });
    expect(summary.embedded).toBe(0);
    expect(summary.removed).toBe(0);
    expect(summary.skipped).toBe(summary.chunks);
    expect(local.calls + cloud.calls).toBe(calls);
    expect(summary.version).toBe(before);
  });

  it('embeds only changed chunks, deletes removed ones and removed files', async () => {
    const file = join(kb, 'en', 'payment.md');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace('We do not accept checks.', 'We also accept bank transfers.'),
    );
    await rm(join(kb, 'he', 'faq.jsonl'));
    const chunksBefore = await store.chunkCount();
    const before = await store.version();
    local.texts = [];
    const summary = await ingest([kb], { store, embedders: [local] });
    expect(local.texts).toHaveLength(1);
    expect(local.texts[0]).toContain('bank transfers');
    expect(summary.embedded).toBe(1);
    expect(summary.removed).toBe(1 + 3);
    expect(await store.chunkCount()).toBe(chunksBefore - 3);
    expect(await store.vectorCount('test:local')).toBe(chunksBefore - 3);
    expect(summary.version).not.toBe(before);
    const hits = await store.searchKeyword('checks', { k: 5 });
    expect(hits.some((h) => h.chunk.text.includes('We do not accept checks'))).toBe(false);
  });

  it('reuses the vector of a text that already exists in another document', async () => {
    const source = await readFile(join(kb, 'en', 'faq.jsonl'), 'utf8');
    await writeFile(join(kb, 'en', 'faq-copy.jsonl'), source.split('\n').slice(0, 2).join('\n'));
    local.texts = [];
    const summary = await ingest([kb], { store, embedders: [local] });
    expect(summary.reused).toBe(2);
    expect(summary.embedded).toBe(0);
    expect(local.texts).toEqual([]);
    expect(await store.vectorCount('test:local')).toBe(await store.chunkCount());
  });

  it('reports a malformed file with file and line and ingests the rest', async () => {
    const bad = join(kb, 'en', 'extra.jsonl');
    await writeFile(
      bad,
      '{"question": "Do you sell coffee?", "answer": "Yes, coffee beans in bags of 250 g."}\n{"question": oops}\n',
    );
    await appendFile(bad, '{"question": "Do you sell tea?", "answer": "No tea, sorry."}\n');
    const { logger, lines } = captureLogs();
    const summary = await ingest([kb], { store, embedders: [local], logger });
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]!.source).toMatch(/knowledge-base\/en\/extra\.jsonl:2$/);
    expect(lines.some((l) => String(l.msg).includes('extra.jsonl:2'))).toBe(true);
    const hits = await store.searchKeyword('tea', { k: 3 });
    expect(hits[0]!.chunk.text).toBe('Do you sell tea?\nNo tea, sorry.');
    expect(hits[0]!.chunk.line).toBe(3);
  });
});

describe('keyword-only ingest', () => {
  it('writes text for keyword search and says so once', async () => {
    const { dir, cleanup } = await tempDir();
    const kb = await copySampleKb(dir);
    const store = await KnowledgeStore.open({ dir: join(dir, 'db') });
    try {
      const { logger, lines } = captureLogs();
      const summary = await ingest([kb], { store, embedders: [], logger });
      expect(summary.keywordOnly).toBe(true);
      expect(summary.embedded).toBe(0);
      expect(lines.filter((l) => String(l.msg).includes('keyword search only'))).toHaveLength(1);
      const hits = await store.searchKeyword('returns refund', { k: 3, lang: 'en' });
      expect(hits[0]!.chunk.doc).toBe('knowledge-base/en/returns.md');
    } finally {
      store.close();
      await cleanup();
    }
  });
});
