/**
 * How knowledge-base chunks are laid out in LanceDB rows: the chunk table's row (with its
 * keyword terms), the vector table's row, the columns a search returns, reading a row back into a
 * {@link KbChunk}, and the language filter every search tries first.
 *
 * @module
 */
import { keywordTerms, TERMS_COLUMN } from './keyword-terms.js';
import { sqlString } from './lance-tables.js';
import { isKbLanguage } from './language.js';
import type { ChunkKind, KbChunk } from './types.js';

/** The chunk columns a search returns, besides its score. */
export const CHUNK_COLUMNS = [
  'id',
  'doc',
  'text',
  'title',
  'kind',
  'lang',
  'line',
  'hash',
  'doc_hash',
];

/** A stored row (of the chunk table or a vector table) as a chunk. */
export function toChunk(row: Record<string, unknown>): KbChunk {
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

/** The chunk table's row of a chunk, with its keyword terms after the text. */
export function chunkRow(c: KbChunk): Record<string, unknown> {
  const { id, doc, text, ...rest } = baseRow(c);
  return { id, doc, text, [TERMS_COLUMN]: keywordTerms(c.text, c.lang), ...rest };
}

/** A vector table's row: the chunk (without keyword terms) and then its vector. */
export function vectorRow(c: KbChunk, vector: Float32Array): Record<string, unknown> {
  return { ...baseRow(c), vector: Array.from(vector) };
}

/** The chunk's columns in the tables' order. */
function baseRow(c: KbChunk): Record<string, unknown> {
  return {
    id: c.id,
    doc: c.doc,
    text: c.text,
    title: c.title,
    kind: c.kind,
    lang: c.lang,
    line: c.line,
    hash: c.hash,
    doc_hash: c.docHash,
  };
}

/** Searches within the caller's language first, and in every language when that finds nothing. */
export async function inLanguageFirst<T>(
  lang: string | undefined,
  run: (filter: string | undefined) => Promise<T[]>,
): Promise<T[]> {
  const filter = langFilter(lang);
  const hits = filter ? await run(filter) : [];
  return hits.length > 0 ? hits : run(undefined);
}

function langFilter(lang: string | undefined): string | undefined {
  if (!lang || !isKbLanguage(lang) || lang === 'und') return undefined;
  return `lang IN (${sqlString(lang)}, 'und')`;
}
