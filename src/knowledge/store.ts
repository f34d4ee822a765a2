/**
 * The knowledge base on disk: an embedded LanceDB database in the data folder with a chunk table
 * (text, language, hashes, and a full-text index over keyword terms), one vector table per
 * embedding model, and a document table with each file's content hash for idempotent re-ingest.
 * A chunk table indexed by an older keyword analysis (its terms column has another version) is
 * re-indexed from the stored text once, the first time it is written or searched by keywords.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { type Connection, connect, type Table } from '@lancedb/lancedb';
import { StorageError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import {
  createKeywordIndex,
  keywordQuery,
  upgradeKeywordTerms,
  VocabularyCache,
} from './keyword-index.js';
import { keywordTerms, TERMS_COLUMN } from './keyword-terms.js';
import { isKbLanguage, type KbLanguage } from './language.js';
import { sha256 } from './normalize.js';
import { removeDuplicateRows } from './store-repair.js';
import { CHUNKS_TABLE, DOCUMENTS_TABLE, VECTORS_PREFIX, vectorTableName } from './table-name.js';
import type { ChunkKind, KbChunk } from './types.js';

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

const BATCH = 400;

function quote(value: string): string {
  return `'${value.replace(/'/gu, "''")}'`;
}

function toChunk(row: Record<string, unknown>): KbChunk {
  const lang = String(row.lang ?? 'und');
  return {
    id: String(row.id),
    doc: String(row.doc),
    text: String(row.text),
    title: String(row.title ?? ''),
    kind: String(row.kind ?? 'text') as ChunkKind,
    lang: isKbLanguage(lang) ? lang : 'und',
    line: Number(row.line ?? 0),
    hash: String(row.hash),
    docHash: String(row.doc_hash ?? ''),
  };
}

function chunkRow(c: KbChunk): Record<string, unknown> {
  return {
    id: c.id,
    doc: c.doc,
    text: c.text,
    [TERMS_COLUMN]: keywordTerms(c.text, c.lang),
    title: c.title,
    kind: c.kind,
    lang: c.lang,
    line: c.line,
    hash: c.hash,
    doc_hash: c.docHash,
  };
}

/** The chunk columns a search returns, besides its score. */
const CHUNK_COLUMNS = ['id', 'doc', 'text', 'title', 'kind', 'lang', 'line', 'hash', 'doc_hash'];

/** Searches within the caller's language first, and in every language when that finds nothing. */
async function inLanguageFirst(
  lang: string | undefined,
  run: (filter: string | undefined) => Promise<IndexHit[]>,
): Promise<IndexHit[]> {
  const filter = langFilter(lang);
  const hits = filter ? await run(filter) : [];
  return hits.length > 0 ? hits : run(undefined);
}

function langFilter(lang: string | undefined): string | undefined {
  if (!lang || !isKbLanguage(lang) || lang === 'und') return undefined;
  return `lang IN (${quote(lang as KbLanguage)}, 'und')`;
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
  readonly #db: Connection;
  readonly #tables = new Map<string, Table>();
  /** The database folder. */
  readonly dir: string;
  readonly #logger: Logger | undefined;
  #termsReady: Promise<void> | undefined;
  readonly #vocabulary = new VocabularyCache();

  private constructor(db: Connection, dir: string, logger: Logger | undefined) {
    this.#db = db;
    this.dir = dir;
    this.#logger = logger;
  }

  /** Opens (or creates) the database in `options.dir`. */
  static async open(options: KnowledgeStoreOptions): Promise<KnowledgeStore> {
    try {
      mkdirSync(options.dir, { recursive: true });
      const db = await connect(options.dir, {
        readConsistencyInterval: (options.readConsistencyMs ?? 5_000) / 1000,
      });
      return new KnowledgeStore(db, options.dir, options.logger);
    } catch (err) {
      throw new StorageError('lancedb', `cannot open ${options.dir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async #table(name: string): Promise<Table | undefined> {
    const cached = this.#tables.get(name);
    if (cached) return cached;
    if (!(await this.#db.tableNames()).includes(name)) return undefined;
    const table = await this.#db.openTable(name);
    this.#tables.set(name, table);
    return table;
  }

  async #write(name: string, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    const table = await this.#table(name);
    if (table) {
      for (let i = 0; i < rows.length; i += BATCH) await table.add(rows.slice(i, i + BATCH));
      return;
    }
    const created = await this.#db.createTable(name, rows.slice(0, BATCH));
    this.#tables.set(name, created);
    for (let i = BATCH; i < rows.length; i += BATCH) await created.add(rows.slice(i, i + BATCH));
  }

  async #delete(name: string, column: string, values: readonly string[]): Promise<void> {
    const table = await this.#table(name);
    if (!table || values.length === 0) return;
    for (let i = 0; i < values.length; i += BATCH) {
      await table.delete(
        `${column} IN (${values
          .slice(i, i + BATCH)
          .map(quote)
          .join(', ')})`,
      );
    }
  }

  /** Every stored document. */
  async documents(): Promise<Map<string, KbDocument>> {
    const table = await this.#table(DOCUMENTS_TABLE);
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
  async chunkIds(): Promise<Map<string, { doc: string; hash: string }>> {
    const table = await this.#table(CHUNKS_TABLE);
    const out = new Map<string, { doc: string; hash: string }>();
    if (!table) return out;
    for (const row of await table.query().select(['id', 'doc', 'hash']).toArray()) {
      out.set(String(row.id), { doc: String(row.doc), hash: String(row.hash) });
    }
    return out;
  }

  /** Chunk id to document and content hash for every chunk that has a vector for `model`. */
  async vectorIds(model: string): Promise<Map<string, { doc: string; hash: string }>> {
    const table = await this.#table(vectorTableName(model));
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
    const table = await this.#table(vectorTableName(model));
    const out = new Map<string, Float32Array>();
    if (!table || hashes.length === 0) return out;
    for (let i = 0; i < hashes.length; i += BATCH) {
      const rows = await table
        .query()
        .where(
          `hash IN (${hashes
            .slice(i, i + BATCH)
            .map(quote)
            .join(', ')})`,
        )
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
  async refresh(): Promise<void> {
    for (const [name, table] of this.#tables)
      await this.#guard(`refresh ${name}`, () => table.checkoutLatest());
  }

  /**
   * Removes rows that repeat a key (chunk id, document, vector id) in any table; returns how
   * many were removed.
   */
  async removeDuplicates(): Promise<number> {
    let removed = 0;
    for (const name of await this.#db.tableNames()) {
      const key = name === DOCUMENTS_TABLE ? 'doc' : 'id';
      if (name !== CHUNKS_TABLE && name !== DOCUMENTS_TABLE && !name.startsWith(VECTORS_PREFIX))
        continue;
      const table = await this.#table(name);
      if (table)
        removed += await this.#guard(`repair ${name}`, () => removeDuplicateRows(table, key));
    }
    return removed;
  }

  /**
   * The chunk table, re-indexed first when its keyword terms come from another version of the
   * analysis (once per process; a failed attempt is retried on the next call).
   */
  async #chunkTable(): Promise<Table | undefined> {
    this.#termsReady ??= this.#guard('re-index keywords', () => this.#upgradeTerms()).catch(
      (err: unknown) => {
        this.#termsReady = undefined;
        throw err;
      },
    );
    await this.#termsReady;
    return this.#table(CHUNKS_TABLE);
  }

  async #upgradeTerms(): Promise<void> {
    const table = await this.#table(CHUNKS_TABLE);
    if (!table) return;
    const upgraded = await upgradeKeywordTerms({
      db: this.#db,
      name: CHUNKS_TABLE,
      table,
      columns: CHUNK_COLUMNS,
      rewrite: (row) => chunkRow(toChunk(row)),
      ...(this.#logger ? { logger: this.#logger } : {}),
    });
    if (upgraded === undefined) return;
    this.#tables.delete(CHUNKS_TABLE);
    if (upgraded) this.#tables.set(CHUNKS_TABLE, upgraded);
  }

  /** Adds chunks and removes chunks by id. */
  async writeChunks(add: readonly KbChunk[], removeIds: readonly string[]): Promise<void> {
    await this.#chunkTable();
    await this.#guard('write chunks', async () => {
      await this.#delete(CHUNKS_TABLE, 'id', removeIds);
      await this.#write(CHUNKS_TABLE, add.map(chunkRow));
    });
  }

  /** Adds vectors of `model` for chunks and removes vectors by chunk id. */
  async writeVectors(
    model: string,
    add: ReadonlyArray<{ chunk: KbChunk; vector: Float32Array }>,
    removeIds: readonly string[],
  ): Promise<void> {
    const name = vectorTableName(model);
    await this.#guard('write vectors', async () => {
      await this.#delete(name, 'id', removeIds);
      await this.#write(
        name,
        add.map(({ chunk, vector }) => ({
          id: chunk.id,
          doc: chunk.doc,
          text: chunk.text,
          title: chunk.title,
          kind: chunk.kind,
          lang: chunk.lang,
          line: chunk.line,
          hash: chunk.hash,
          doc_hash: chunk.docHash,
          vector: Array.from(vector),
        })),
      );
    });
  }

  /** Records documents (replacing earlier records) and forgets removed ones. */
  async writeDocuments(docs: readonly KbDocument[], removeDocs: readonly string[]): Promise<void> {
    await this.#guard('write documents', async () => {
      await this.#delete(DOCUMENTS_TABLE, 'doc', [...removeDocs, ...docs.map((d) => d.doc)]);
      await this.#write(
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
    await this.#guard('full-text index', () => createKeywordIndex(table));
  }

  /** Vector search in `model`'s table by cosine similarity. */
  async searchVector(
    model: string,
    vector: Float32Array,
    options: SearchOptions,
  ): Promise<IndexHit[]> {
    const table = await this.#table(vectorTableName(model));
    if (!table) return [];
    const run = async (filter: string | undefined): Promise<IndexHit[]> => {
      let q = table.vectorSearch(vector).distanceType('cosine').limit(options.k);
      if (filter) q = q.where(filter);
      const rows = await q.select([...CHUNK_COLUMNS, '_distance']).toArray();
      return rows.map((row) => ({ chunk: toChunk(row), score: 1 - Number(row._distance) }));
    };
    return this.#guard('vector search', () => inLanguageFirst(options.lang, run));
  }

  /**
   * Full-text (BM25) search for the weighted keyword terms of `query` (see `queryTerms`),
   * analyzed as text in `options.lang`.
   */
  async searchKeyword(query: string, options: SearchOptions): Promise<IndexHit[]> {
    const table = await this.#chunkTable();
    if (!table) return [];
    const vocabulary = await this.#guard('keyword vocabulary', () => this.#vocabulary.of(table));
    const fts = keywordQuery(query, options.lang, vocabulary);
    if (!fts) return [];
    const run = async (filter: string | undefined): Promise<IndexHit[]> => {
      let q = table.query().fullTextSearch(fts, { columns: TERMS_COLUMN }).limit(options.k);
      if (filter) q = q.where(filter);
      const rows = await q.select([...CHUNK_COLUMNS, '_score']).toArray();
      return rows.map((row) => ({ chunk: toChunk(row), score: Number(row._score) }));
    };
    return this.#guard('keyword search', () => inLanguageFirst(options.lang, run));
  }

  /** Number of vectors stored for `model` (0 when the knowledge base was not embedded with it). */
  async vectorCount(model: string): Promise<number> {
    const table = await this.#table(vectorTableName(model));
    return table ? table.countRows() : 0;
  }

  /**
   * Compacts the tables after writes (merges small fragments, folds deletions); old versions are
   * pruned by LanceDB's default age rule, so a process still reading them is not disturbed.
   */
  async compact(): Promise<void> {
    for (const name of await this.#db.tableNames()) {
      const table = await this.#table(name);
      if (table) await this.#guard(`compact ${name}`, () => table.optimize());
    }
  }

  /** Number of chunks. */
  async chunkCount(): Promise<number> {
    const table = await this.#table(CHUNKS_TABLE);
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
    const names = (await this.#db.tableNames()).filter((n) => n.startsWith(VECTORS_PREFIX)).sort();
    const counts: string[] = [];
    for (const name of names)
      counts.push(`${name}:${await (await this.#table(name))?.countRows()}`);
    return sha256(`${docs.join('\n')}\n${counts.join('\n')}`).slice(0, 16);
  }

  /** Closes the database. */
  close(): void {
    for (const table of this.#tables.values()) table.close();
    this.#tables.clear();
    this.#db.close();
  }

  async #guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StorageError('lancedb', `${what}: ${(err as Error).message}`, { cause: err });
    }
  }
}
