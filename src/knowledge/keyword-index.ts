/**
 * The full-text index of the chunk table: its LanceDB FTS index over the analyzed terms column
 * (`keyword-terms.ts`), the weighted boolean query a question becomes, the index's vocabulary
 * (read again whenever the table has a new version), and the one-time re-index of a chunk table
 * written by an older version of the analysis.
 *
 * @module
 */
import {
  BooleanQuery,
  type Connection,
  Index,
  MatchQuery,
  Occur,
  type Table,
} from '@lancedb/lancedb';
import type { Logger } from '../telemetry/logger.js';
import { KEYWORD_INDEX_VERSION, queryTerms, TERMS_COLUMN, Vocabulary } from './keyword-terms.js';

const BATCH = 400;

/** (Re)creates the FTS index over the terms column: split on spaces, nothing else. */
export async function createKeywordIndex(table: Table): Promise<void> {
  await table.createIndex(TERMS_COLUMN, {
    config: Index.fts({
      baseTokenizer: 'whitespace',
      lowercase: false,
      stem: false,
      removeStopWords: false,
      withPosition: false,
    }),
    replace: true,
  });
}

/** The FTS query for `query` in language `lang`; undefined when it has no content word. */
export function keywordQuery(
  query: string,
  lang: string | undefined,
  vocabulary: Vocabulary,
): BooleanQuery | undefined {
  const terms = queryTerms(query, lang, vocabulary);
  if (terms.length === 0) return undefined;
  return new BooleanQuery(
    terms.map(({ term, boost }) => [Occur.Should, new MatchQuery(term, TERMS_COLUMN, { boost })]),
  );
}

/** The distinct terms of a chunk table, cached per table version. */
export class VocabularyCache {
  #cached: { version: number; vocabulary: Promise<Vocabulary> } | undefined;

  /** The vocabulary of `table` as it is now. */
  async of(table: Table): Promise<Vocabulary> {
    const version = await table.version();
    if (this.#cached?.version !== version) {
      const vocabulary = table
        .query()
        .select([TERMS_COLUMN])
        .toArray()
        .then((rows) => {
          const terms = new Set<string>();
          for (const row of rows)
            for (const term of String(row[TERMS_COLUMN] ?? '').split(' '))
              if (term) terms.add(term);
          return new Vocabulary(terms);
        });
      vocabulary.catch(() => {
        if (this.#cached?.vocabulary === vocabulary) this.#cached = undefined;
      });
      this.#cached = { version, vocabulary };
    }
    return this.#cached.vocabulary;
  }
}

/** What {@link upgradeKeywordTerms} needs. */
export interface UpgradeOptions {
  db: Connection;
  /** The chunk table's name. */
  name: string;
  table: Table;
  /** Columns to read from each stored row. */
  columns: string[];
  /** A stored row as it is written now (with the terms of this analysis). */
  rewrite: (row: Record<string, unknown>) => Record<string, unknown>;
  logger?: Logger;
}

/**
 * Re-indexes a chunk table written by an older analysis (no column `TERMS_COLUMN`): every row is
 * read and written again, in one overwrite, with the terms of this version, and the FTS index is
 * built. Returns the new table, `null` when the table was empty (and is dropped), or `undefined`
 * when it was already current.
 */
export async function upgradeKeywordTerms(o: UpgradeOptions): Promise<Table | null | undefined> {
  const fields = (await o.table.schema()).fields.map((f) => f.name);
  if (fields.includes(TERMS_COLUMN)) return undefined;
  const started = performance.now();
  const rows = (await o.table.query().select(o.columns).toArray()).map(o.rewrite);
  o.table.close();
  if (rows.length === 0) {
    await o.db.dropTable(o.name);
    return null;
  }
  const created = await o.db.createTable(o.name, rows.slice(0, BATCH), { mode: 'overwrite' });
  for (let i = BATCH; i < rows.length; i += BATCH) await created.add(rows.slice(i, i + BATCH));
  await createKeywordIndex(created);
  o.logger?.info(
    {
      chunks: rows.length,
      version: KEYWORD_INDEX_VERSION,
      ms: Math.round(performance.now() - started),
    },
    'knowledge base re-indexed for keyword search (new analysis version)',
  );
  return created;
}
