/**
 * An ingest while `serve` runs: the serving process reads the same database through its own
 * connection. After every write the ingest commits, such a reader finds the text in keyword and
 * vector search (new chunks are written before old ones are deleted), and at the end it sees the
 * new text only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/knowledge/ingest.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';
import { HashEmbedder } from '../fakes/hash-embedder.js';
import { tempDir } from './helpers.js';

const page = (hour: string) =>
  `# Hours\n\nThe bakery opens at ${hour} every morning and closes at eight.\n\n# Delivery\n\nWe deliver bread across the city every day.\n`;

describe('ingest while a serving process reads', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let writer: KnowledgeStore;
  let reader: KnowledgeStore;
  const embedder = new HashEmbedder({ model: 'test:local' });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('voxstate-kb-readers-'));
    await mkdir(join(dir, 'kb'));
    writer = await KnowledgeStore.open({ dir: join(dir, 'db') });
    reader = await KnowledgeStore.open({ dir: join(dir, 'db'), readConsistencyMs: 0 });
  });
  afterAll(async () => {
    writer.close();
    reader.close();
    await cleanup();
  });

  it('finds the text after every committed write, and the new text at the end', async () => {
    await writeFile(join(dir, 'kb', 'hours.md'), page('seven'));
    await ingest([join(dir, 'kb')], { store: writer, embedders: [embedder] });

    const query = 'when does the bakery open';
    const [vector] = await embedder.embed([query], { kind: 'query' });
    const seen: string[] = [];
    const check = async (step: string): Promise<void> => {
      const keyword = await reader.searchKeyword(query, { k: 3 });
      const vectors = await reader.searchVector('test:local', vector!, { k: 3 });
      for (const hits of [keyword, vectors]) {
        expect(
          hits.some((h) => /opens at (seven|ten)/.test(h.chunk.text)),
          step,
        ).toBe(true);
      }
      seen.push(step);
    };
    for (const name of [
      'writeChunks',
      'writeVectors',
      'rebuildKeywordIndex',
      'writeDocuments',
      'compact',
    ] as const) {
      const original = writer[name].bind(writer) as (...args: unknown[]) => Promise<void>;
      (writer as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
        await original(...args);
        await check(name);
      };
    }
    await writeFile(join(dir, 'kb', 'hours.md'), page('ten'));
    const summary = await ingest([join(dir, 'kb')], { store: writer, embedders: [embedder] });
    expect(summary.removed).toBe(1);
    expect(seen).toContain('writeChunks');
    expect(seen).toContain('compact');
    const after = await reader.searchKeyword(query, { k: 5 });
    expect(after.some((h) => h.chunk.text.includes('opens at ten'))).toBe(true);
    expect(after.some((h) => h.chunk.text.includes('opens at seven'))).toBe(false);
  });
});

describe('two writers in one process, each with its own connection', () => {
  it('run one after the other and write every row once, even with stale open tables', async () => {
    const { dir, cleanup } = await tempDir('voxstate-kb-writers-');
    const kb = join(dir, 'kb');
    await mkdir(kb);
    await writeFile(join(kb, 'p0.md'), page('five'));
    const db = join(dir, 'db');
    const a = await KnowledgeStore.open({ dir: db });
    const b = await KnowledgeStore.open({ dir: db });
    const embedder = new HashEmbedder({ model: 'test:local' });
    try {
      await ingest([kb], { store: a, embedders: [embedder] });
      for (let i = 1; i < 5; i++) await writeFile(join(kb, `p${i}.md`), page(`${i + 5}`));
      // `a` now holds open tables at that version; `b` writes more behind its back.
      await ingest([kb], { store: b, embedders: [embedder] });
      const again = await ingest([kb], { store: a, embedders: [embedder] });
      expect(again.skipped).toBe(10);
      await writeFile(join(kb, 'p4.md'), page('noon'));
      await Promise.all([
        ingest([kb], { store: a, embedders: [embedder] }),
        ingest([kb], { store: b, embedders: [embedder] }),
      ]);
      const check = await KnowledgeStore.open({ dir: db, readConsistencyMs: 0 });
      try {
        const ids = await check.chunkIds();
        expect(ids.size).toBe(10);
        expect(await check.chunkCount()).toBe(10);
        expect(await check.vectorCount('test:local')).toBe(10);
        expect((await check.documents()).size).toBe(5);
      } finally {
        check.close();
      }
    } finally {
      a.close();
      b.close();
      await cleanup();
    }
  });
});
