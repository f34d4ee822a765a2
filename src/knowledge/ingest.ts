/**
 * Ingest: parse files into chunks, hash them, write the chunk table and its full-text index, and
 * embed new chunks with every configured embedder into that model's vector table. Idempotent by
 * content hash: an unchanged file is skipped, an unchanged chunk keeps its vector, a removed chunk
 * (or a removed file under an ingested folder) is deleted, and a vector whose text already exists
 * elsewhere is reused instead of embedded again.
 *
 * @module
 */

import type { ParseError } from '../errors.js';
import type { Embedder } from '../providers/embeddings/embedder.js';
import type { Logger } from '../telemetry/logger.js';
import type { ChunkOptions } from './chunker.js';
import { listSources, parseSource } from './documents.js';
import { detectLanguage } from './language.js';
import { sha256 } from './normalize.js';
import type { KbDocument, KnowledgeStore } from './store.js';
import type { KbChunk } from './types.js';

/** Progress callbacks, e.g. for a progress bar. */
export interface IngestProgress {
  /** Called once the work is known: chunks to embed over all models. */
  start(totalToEmbed: number): void;
  /** Called after each embedded batch. */
  advance(count: number): void;
  stop(): void;
}

/** Options for {@link ingest}. */
export interface IngestOptions {
  store: KnowledgeStore;
  /** Embedders to build vector tables for; none means keyword-only. */
  embedders: readonly Embedder[];
  logger?: Logger;
  progress?: IngestProgress;
  chunk?: ChunkOptions;
  /** Texts per embedding request (default 16). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Why there is no embedder, for the one log line that says the ingest is keyword-only. */
  noEmbedderReason?: string;
}

/** What an ingest did. */
export interface IngestSummary {
  /** Files read. */
  documents: number;
  /** Chunks in the ingested files. */
  chunks: number;
  /** Chunk vectors computed, over all models. */
  embedded: number;
  /** Chunk vectors reused from an earlier ingest (unchanged text). */
  reused: number;
  /** Chunks of files whose content had not changed. */
  skipped: number;
  /** Chunks deleted (changed or removed text, removed files). */
  removed: number;
  /** Malformed records, each naming file and line. */
  errors: ParseError[];
  /** Embedding models written. */
  models: string[];
  /** True when no embedder was available: the text is searchable by keywords only. */
  keywordOnly: boolean;
  /** The knowledge-base version after the ingest. */
  version: string;
  seconds: number;
}

function chunkId(doc: string, hash: string, seen: Map<string, number>): string {
  const base = `${doc}#${hash.slice(0, 16)}`;
  const n = seen.get(base) ?? 0;
  seen.set(base, n + 1);
  return n === 0 ? base : `${base}~${n}`;
}

/**
 * Ingests files and folders into the knowledge base.
 *
 * @example
 * ```ts
 * const summary = await ingest(['examples/knowledge-base'], { store, embedders: [local] });
 * console.log(summary.chunks, summary.embedded, summary.seconds);
 * ```
 */
export async function ingest(
  paths: readonly string[],
  options: IngestOptions,
): Promise<IngestSummary> {
  const started = performance.now();
  const { store, embedders, logger } = options;
  const listing = await listSources(paths);
  if (embedders.length === 0) {
    logger?.warn(
      { reason: options.noEmbedderReason },
      `no embedding model available${options.noEmbedderReason ? ` (${options.noEmbedderReason})` : ''}: ingesting text for keyword search only`,
    );
  }
  const storedDocs = await store.documents();
  const storedChunks = await store.chunkIds();
  const errors: ParseError[] = [];
  const current: KbChunk[] = [];
  const docs: KbDocument[] = [];
  let skipped = 0;
  const seenDocs = new Set<string>();
  for (const file of listing.files) {
    seenDocs.add(file.id);
    const { text, parsed } = await parseSource(file, options.chunk);
    errors.push(...parsed.errors);
    for (const err of parsed.errors) logger?.warn({ source: err.source }, err.message);
    const docHash = sha256(text);
    if (storedDocs.get(file.id)?.docHash === docHash)
      skipped += storedDocs.get(file.id)?.chunks ?? 0;
    const seen = new Map<string, number>();
    for (const draft of parsed.chunks) {
      const hash = sha256(draft.text);
      current.push({
        id: chunkId(file.id, hash, seen),
        doc: file.id,
        text: draft.text,
        title: draft.title ?? '',
        kind: draft.kind,
        lang: draft.lang ?? detectLanguage(draft.text),
        line: draft.line,
        hash,
        docHash,
      });
    }
    docs.push({ doc: file.id, docHash, chunks: parsed.chunks.length });
  }
  const removedDocs = [...storedDocs.keys()].filter(
    (d) => !seenDocs.has(d) && listing.prefixes.some((p) => d.startsWith(p)),
  );
  const ingestedDocs = new Set([...seenDocs]);
  const keepIds = new Set(current.map((c) => c.id));
  const goneIds = [...storedChunks]
    .filter(
      ([id, c]) => !keepIds.has(id) && (ingestedDocs.has(c.doc) || removedDocs.includes(c.doc)),
    )
    .map(([id]) => id);
  const newChunks = current.filter((c) => !storedChunks.has(c.id));
  await store.writeChunks(newChunks, goneIds);
  if (newChunks.length > 0 || goneIds.length > 0) await store.rebuildKeywordIndex();

  let embedded = 0;
  let reused = 0;
  const plans: Array<{ embedder: Embedder; missing: KbChunk[]; gone: string[] }> = [];
  for (const embedder of embedders) {
    const have = await store.vectorIds(embedder.model);
    const missing = current.filter((c) => have.get(c.id)?.hash !== c.hash);
    const gone = [...have]
      .filter(
        ([id, v]) => !keepIds.has(id) && (ingestedDocs.has(v.doc) || removedDocs.includes(v.doc)),
      )
      .map(([id]) => id);
    plans.push({ embedder, missing, gone });
  }
  options.progress?.start(plans.reduce((n, p) => n + p.missing.length, 0));
  try {
    for (const { embedder, missing, gone } of plans) {
      const known = await store.vectorsByHash(embedder.model, [
        ...new Set(missing.map((c) => c.hash)),
      ]);
      const rows: Array<{ chunk: KbChunk; vector: Float32Array }> = [];
      const toEmbed: KbChunk[] = [];
      for (const chunk of missing) {
        const vector = known.get(chunk.hash);
        if (vector) rows.push({ chunk, vector });
        else toEmbed.push(chunk);
      }
      reused += rows.length;
      options.progress?.advance(rows.length);
      const batch = options.batchSize ?? 16;
      for (let i = 0; i < toEmbed.length; i += batch) {
        const slice = toEmbed.slice(i, i + batch);
        const vectors = await embedder.embed(
          slice.map((c) => c.text),
          { kind: 'passage', ...(options.signal ? { signal: options.signal } : {}) },
        );
        slice.forEach((chunk, j) => {
          const vector = vectors[j];
          if (vector) rows.push({ chunk, vector });
        });
        embedded += slice.length;
        options.progress?.advance(slice.length);
      }
      await store.writeVectors(embedder.model, rows, [
        ...new Set([...gone, ...missing.map((c) => c.id)]),
      ]);
    }
  } finally {
    options.progress?.stop();
  }
  const changedDocs = docs.filter((d) => {
    const stored = storedDocs.get(d.doc);
    return stored?.docHash !== d.docHash || stored.chunks !== d.chunks;
  });
  await store.writeDocuments(changedDocs, removedDocs);
  if (
    changedDocs.length > 0 ||
    removedDocs.length > 0 ||
    embedded + reused > 0 ||
    goneIds.length > 0
  ) {
    await store.compact();
  }
  const summary: IngestSummary = {
    documents: listing.files.length,
    chunks: current.length,
    embedded,
    reused,
    skipped,
    removed: goneIds.length,
    errors,
    models: embedders.map((e) => e.model),
    keywordOnly: embedders.length === 0,
    version: await store.version(),
    seconds: (performance.now() - started) / 1000,
  };
  logger?.info(
    {
      documents: summary.documents,
      chunks: summary.chunks,
      embedded,
      reused,
      skipped,
      removed: summary.removed,
      errors: errors.length,
      seconds: Number(summary.seconds.toFixed(2)),
    },
    'knowledge base ingested',
  );
  return summary;
}
