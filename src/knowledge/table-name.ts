/**
 * LanceDB table names: one chunk table with the text and the full-text index, one vector table
 * per embedding model, and a document table for idempotent re-ingest.
 *
 * @module
 */
import { sha256 } from './normalize.js';

/** The table of chunk text, with the full-text index. */
export const CHUNKS_TABLE = 'kb_chunks';
/** The table of ingested documents and their content hashes. */
export const DOCUMENTS_TABLE = 'kb_documents';
/** Prefix of the per-model vector tables. */
export const VECTORS_PREFIX = 'kb_vec_';

/**
 * The vector table for an embedding model id: the id made safe for a table name, plus a short
 * hash so that two ids that sanitize alike never share a table.
 *
 * @example
 * ```ts
 * vectorTableName('local:Xenova/multilingual-e5-small'); // 'kb_vec_local_xenova_multilingual_e5_small_3f2a9c1b'
 * ```
 */
export function vectorTableName(model: string): string {
  const safe = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/gu, '_')
    .replace(/^_+|_+$/gu, '')
    .slice(0, 60);
  return `${VECTORS_PREFIX}${safe}_${sha256(model).slice(0, 8)}`;
}
