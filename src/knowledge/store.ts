/**
 * The knowledge base on disk: an embedded LanceDB database in the data folder with a chunk table
 * (text, language, hashes, and a full-text index over keyword terms), one vector table per
 * embedding model, and a document table with each file's content hash for idempotent re-ingest.
 * A chunk table indexed by an older keyword analysis (its terms column has another version) is
 * re-indexed from the stored text once, the first time it is written or searched by keywords.
 *
 * The database access without the schema is in `lance-tables.ts`, the row layout in
 * `chunk-rows.ts`, the keyword analysis and index in `keyword-terms.ts` and `keyword-index.ts`.
 *
 * @module
 */
import type { Table } from '@lancedb/lancedb';
import type { Logger } from '../telemetry/logger.js';
import { CHUNK_COLUMNS, chunkRow, inLanguageFirst, toChunk, vectorRow } from './chunk-rows.js';
import {
  createKeywordIndex,
  keywordQuery,
  upgradeKeywordTerms,
  VocabularyCache,
} from './keyword-index.js';
import { TERMS_COLUMN } from './keyword-terms.js';
import { BATCH, guardStorage, LanceTables, sqlIn } from './lance-tables.js';
import { sha256 } from './normalize.js';
import { removeDuplicateRows } from './store-repair.js';
import { CHUNKS_TABLE, DOCUMENTS_TABLE, VECTORS_PREFIX, vectorTableName } from './table-name.js';
import type { KbChunk } from './types.js';

/** Options for {@link KnowledgeStore.open}. */
export interface KnowledgeStoreOptions {
  /** Folder of the LanceDB database (created when missing). */
  dir: string;
  /**
   * How often an open store looks for writes made by another process (an ingest run while the
   * runtime serves calls), ms. Default 5000; 0 checks on every read.
   */
  readConsistencyMs?: number;
  /** Says when a knowledge base is re-indexed for a new keyword analysis. */
  logger?: Logger;
}

/** A stored document record. */
export interface KbDocument {
  doc: string;
  docHash: string;
  chunks: number;
}

/** A raw search result from one index. */
export interface IndexHit {
  chunk: KbChunk;
  /** Cosine similarity (vector index) or BM25 score (keyword index). */
  score: number;
}

/** Options for one search. */
export interface SearchOptions {
  k: number;
  /** Prefer chunks in this language (or of unknown language); all languages when none match. */
  lang?: string;
}

/**
 * Access to the knowledge-base tables.
 *
 * @example
 * ```ts
 * const store = await KnowledgeStore.open({ dir: './data/kb' });
 * const hits = await store.searchKeyword('delivery sunday', { k: 5, lang: 'en' });
 * ```
 */
export class KnowledgeStore {
  readonly #t: LanceTables;
  /** The database folder. */
  readonly dir: string;
  readonly #logger: Logger | undefined;
  #termsReady: Promise<void> | undefined;
  readonly #vocabulary = new VocabularyCache();

  private constructor(tables: LanceTables, dir: string, logger: Logger | undefined) {
    this.#t = tables;
    this.dir = dir;
    this.#logger = logger;
  }

  /** Opens (or creates) the database in `options.dir`. */
  static async open(options: KnowledgeStoreOptions): Promise<KnowledgeStore> {
    const tables = await LanceTables.open(options.dir, options.readConsistencyMs ?? 5_000);
    return new KnowledgeStore(tables, options.dir, options.logger);
  }

  /** Every stored document. */
  async documents(): Promise<Map<string, KbDocument>> {
    const table = await this.#t.get(DOCUMENTS_TABLE);
    const out = new Map<string, KbDocument>();
    if (!table) return out;
    for (const row of await table.query().toArray()) {
      out.set(String(row.doc), {
        doc: String(row.doc),
        docHash: String(row.doc_hash),
        chunks: Number(row.chunks),
      });
    }
    return out;
  }

  /** Chunk id to content hash for every stored chunk (no text). */
  chunkIds(): Promise<Map<string, { doc: string; hash: string }>> {
    return this.#ids(CHUNKS_TABLE);
  }

  /** Chunk id to document and content hash for every chunk that has a vector for `model`. */
  vectorIds(model: string): Promise<Map<string, { doc: string; hash: string }>> {
    return this.#ids(vectorTableName(model));
  }

  async #ids(name: string): Promise<Map<string, { doc: string; hash: string }>> {
    const table = await this.#t.get(name);
    const out = new Map<string, { doc: string; hash: string }>();
    if (!table) return out;
    for (const row of await table.query().select(['id', 'doc', 'hash']).toArray()) {
      out.set(String(row.id), { doc: String(row.doc), hash: String(row.hash) });
    }
    return out;
  }

  /** Stored vectors of `model` for chunks with the given content hashes (for reuse). */
  async vectorsByHash(
    model: string,
    hashes: readonly string[],
  ): Promise<Map<string, Float32Array>> {
    const table = await this.#t.get(vectorTableName(model));
    const out = new Map<string, Float32Array>();
    if (!table || hashes.length === 0) return out;
    for (let i = 0; i < hashes.length; i += BATCH) {
      const rows = await table
        .query()
        .where(sqlIn('hash', hashes.slice(i, i + BATCH)))
        .select(['hash', 'vector'])
        .toArray();
      for (const row of rows)
        out.set(String(row.hash), Float32Array.from(row.vector as Iterable<number>));
    }
    return out;
  }

  /**
   * Moves the open tables to their latest version, so the next read sees every write made since,
   * by any process (a writer calls it once it holds the writer lock).
   */
  refresh(): Promise<void> {
    return this.#t.refresh();
  }

  /**
   * Removes rows that repeat a key (chunk id, document, vector id) in any table; returns how
   * many were removed.
   */
  async removeDuplicates(): Promise<number> {
    let removed = 0;
    for (const name of await this.#t.names()) {
      const key = name === DOCUMENTS_TABLE ? 'doc' : 'id';
      if (name !== CHUNKS_TABLE && name !== DOCUMENTS_TABLE && !name.startsWith(VECTORS_PREFIX))
        continue;
      const table = await this.#t.get(name);
      if (table)
        removed += await guardStorage(`repair ${name}`, () => removeDuplicateRows(table, key));
    }
    return removed;
  }

  /**
   * The chunk table, re-indexed first when its keyword terms come from another version of the
   * analysis (once per process; a failed attempt is retried on the next call).
   */
  async #chunkTable(): Promise<Table | undefined> {
    this.#termsReady ??= guardStorage('re-index keywords', () => this.#upgradeTerms()).catch(
      (err: unknown) => {
        this.#termsReady = undefined;
        throw err;
      },
    );
    await this.#termsReady;
    return this.#t.get(CHUNKS_TABLE);
  }

  async #upgradeTerms(): Promise<void> {
    const table = await this.#t.get(CHUNKS_TABLE);
    if (!table) return;
    const upgraded = await upgradeKeywordTerms({
      db: this.#t.db,
      name: CHUNKS_TABLE,
      table,
      columns: CHUNK_COLUMNS,
      rewrite: (row) => chunkRow(toChunk(row)),
      ...(this.#logger ? { logger: this.#logger } : {}),
    });
    if (upgraded !== undefined) this.#t.replace(CHUNKS_TABLE, upgraded || undefined);
  }

  /** Adds chunks and removes chunks by id. */
  async writeChunks(add: readonly KbChunk[], removeIds: readonly string[]): Promise<void> {
    await this.#chunkTable();
    await guardStorage('write chunks', async () => {
      await this.#t.deleteIn(CHUNKS_TABLE, 'id', removeIds);
      await this.#t.add(CHUNKS_TABLE, add.map(chunkRow));
    });
  }

  /** Adds vectors of `model` for chunks and removes vectors by chunk id. */
  async writeVectors(
    model: string,
    add: ReadonlyArray<{ chunk: KbChunk; vector: Float32Array }>,
    removeIds: readonly string[],
  ): Promise<void> {
    const name = vectorTableName(model);
    await guardStorage('write vectors', async () => {
      await this.#t.deleteIn(name, 'id', removeIds);
      await this.#t.add(
        name,
        add.map(({ chunk, vector }) => vectorRow(chunk, vector)),
      );
    });
  }

  /** Records documents (replacing earlier records) and forgets removed ones. */
  async writeDocuments(docs: readonly KbDocument[], removeDocs: readonly string[]): Promise<void> {
    await guardStorage('write documents', async () => {
      await this.#t.deleteIn(DOCUMENTS_TABLE, 'doc', [...removeDocs, ...docs.map((d) => d.doc)]);
      await this.#t.add(
        DOCUMENTS_TABLE,
        docs.map((d) => ({
          doc: d.doc,
          doc_hash: d.docHash,
          chunks: d.chunks,
          ingested_at: new Date().toISOString(),
        })),
      );
    });
  }

  /** (Re)builds the full-text index over the keyword terms of every chunk. */
  async rebuildKeywordIndex(): Promise<void> {
    const table = await this.#chunkTable();
    if (!table) return;
    await guardStorage('full-text index', () => createKeywordIndex(table));
  }

  /** Vector search in `model`'s table by cosine similarity. */
  async searchVector(
    model: string,
    vector: Float32Array,
    options: SearchOptions,
  ): Promise<IndexHit[]> {
    const table = await this.#t.get(vectorTableName(model));
    if (!table) return [];
    const run = async (filter: string | undefined): Promise<IndexHit[]> => {
      let q = table.vectorSearch(vector).distanceType('cosine').limit(options.k);
      if (filter) q = q.where(filter);
      const rows = await q.select([...CHUNK_COLUMNS, '_distance']).toArray();
      return rows.map((row) => ({ chunk: toChunk(row), score: 1 - Number(row._distance) }));
    };
    return guardStorage('vector search', () => inLanguageFirst(options.lang, run));
  }

  /**
   * Full-text (BM25) search for the weighted keyword terms of `query` (see `queryTerms`),
   * analyzed as text in `options.lang`.
   */
  async searchKeyword(query: string, options: SearchOptions): Promise<IndexHit[]> {
    const table = await this.#chunkTable();
    if (!table) return [];
    const vocabulary = await guardStorage('keyword vocabulary', () => this.#vocabulary.of(table));
    const fts = keywordQuery(query, options.lang, vocabulary);
    if (!fts) return [];
    const run = async (filter: string | undefined): Promise<IndexHit[]> => {
      let q = table.query().fullTextSearch(fts, { columns: TERMS_COLUMN }).limit(options.k);
      if (filter) q = q.where(filter);
      const rows = await q.select([...CHUNK_COLUMNS, '_score']).toArray();
      return rows.map((row) => ({ chunk: toChunk(row), score: Number(row._score) }));
    };
    return guardStorage('keyword search', () => inLanguageFirst(options.lang, run));
  }

  /** Number of vectors stored for `model` (0 when the knowledge base was not embedded with it). */
  async vectorCount(model: string): Promise<number> {
    const table = await this.#t.get(vectorTableName(model));
    return table ? table.countRows() : 0;
  }

  /**
   * Compacts the tables after writes (merges small fragments, folds deletions); old versions are
   * pruned by LanceDB's default age rule, so a process still reading them is not disturbed.
   */
  compact(): Promise<void> {
    return this.#t.compact();
  }

  /** Number of chunks. */
  async chunkCount(): Promise<number> {
    const table = await this.#t.get(CHUNKS_TABLE);
    return table ? table.countRows() : 0;
  }

  /**
   * The knowledge-base version: a hash of every document's content hash and of the vector tables
   * and their sizes. It changes whenever content changes and stays the same on a no-op re-ingest.
   */
  async version(): Promise<string> {
    const docs = [...(await this.documents()).values()]
      .map((d) => `${d.doc}\u0000${d.docHash}`)
      .sort();
    const names = (await this.#t.names()).filter((n) => n.startsWith(VECTORS_PREFIX)).sort();
    const counts: string[] = [];
    for (const name of names)
      counts.push(`${name}:${await (await this.#t.get(name))?.countRows()}`);
    return sha256(`${docs.join('\n')}\n${counts.join('\n')}`).slice(0, 16);
  }

  /** Closes the database. */
  close(): void {
    this.#t.close();
  }
}
