/**
 * Ingest: parse files into chunks, hash them, write the chunk table and its full-text index, and
 * embed new chunks with every configured embedder into that model's vector table. Idempotent by
 * content hash: an unchanged chunk is not written again and keeps its vector, a removed chunk
 * (or a removed file under an ingested folder) is deleted, and a vector whose text already exists
 * elsewhere is reused instead of embedded again.
 *
 * Safe against bad input and against other writers: files are streamed (a first pass checks that
 * a file is UTF-8 text and not empty, a second parses it in batches), so memory is bounded
 * whatever a file's size; one writer at a time holds the database's lock (another ingest waits
 * and says so), and rows a concurrent ingest of an older version duplicated are removed.
 *
 * @module
 */

import type { Embedder } from '../providers/embeddings/embedder.js';
import type { Logger } from '../telemetry/logger.js';
import type { ChunkOptions } from './chunker.js';
import { listSources } from './documents.js';
import { type FileTally, ingestFile } from './ingest-file.js';
import { type IngestProgress, IngestWriter, type StoredIds } from './ingest-writer.js';
import type { KbDocument, KnowledgeStore } from './store.js';
import { acquireWriteLock } from './write-lock.js';

export type { FileTally } from './ingest-file.js';
export type { IngestProgress } from './ingest-writer.js';

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
export interface IngestSummary extends FileTally {
  /** Chunk vectors computed, over all models. */
  embedded: number;
  /** Chunk vectors reused from an earlier ingest (unchanged text). */
  reused: number;
  /** Chunks deleted (changed or removed text, removed, emptied or refused files). */
  removed: number;
  /** Duplicate rows removed (left by concurrent ingests of older versions). */
  repaired: number;
  /** Embedding models written. */
  models: string[];
  /** True when no embedder was available: the text is searchable by keywords only. */
  keywordOnly: boolean;
  /** The knowledge-base version after the ingest. */
  version: string;
  seconds: number;
}

/** Ids in `stored` not kept whose document was ingested or removed. */
function goneIds(
  stored: StoredIds,
  keep: Set<string>,
  covered: (doc: string) => boolean,
): string[] {
  const out: string[] = [];
  for (const [id, { doc }] of stored) if (!keep.has(id) && covered(doc)) out.push(id);
  return out;
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
  const lock = await acquireWriteLock(store.dir, {
    onWait: () =>
      logger?.warn(
        { dir: store.dir },
        `another ingest into ${store.dir} is running; waiting for it to finish`,
      ),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    await store.refresh();
    const signal = options.signal ? AbortSignal.any([options.signal, lock.signal]) : lock.signal;
    const repaired = await store.removeDuplicates();
    if (repaired > 0) {
      logger?.warn(
        { repaired },
        `removed ${repaired} duplicate rows left by concurrent ingests of an older version`,
      );
    }
    const storedDocs = await store.documents();
    const storedChunks = await store.chunkIds();
    const vectors = new Map<string, StoredIds>();
    for (const e of embedders) vectors.set(e.model, await store.vectorIds(e.model));
    const writer = new IngestWriter({
      store,
      embedders,
      storedChunks,
      vectors,
      batchSize: options.batchSize ?? 16,
      signal,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    const tally: FileTally = {
      documents: 0,
      chunks: 0,
      skipped: 0,
      errors: [],
      warnings: [],
      empty: [],
      refused: [],
    };
    const keep = new Set<string>();
    const changedDocs: KbDocument[] = [];
    const droppedDocs: string[] = [];
    options.progress?.start(0);
    try {
      for (const file of listing.files) {
        const outcome = await ingestFile(file, {
          writer,
          tally,
          keep,
          signal,
          chunk: options.chunk ?? {},
          ...(logger ? { logger } : {}),
        });
        const stored = storedDocs.get(file.id);
        if (outcome.kind === 'dropped') {
          if (stored) droppedDocs.push(file.id);
          continue;
        }
        tally.documents++;
        tally.chunks += outcome.doc.chunks;
        if (stored?.docHash === outcome.doc.docHash) tally.skipped += outcome.doc.chunks;
        if (stored?.docHash !== outcome.doc.docHash || stored.chunks !== outcome.doc.chunks)
          changedDocs.push(outcome.doc);
      }
    } finally {
      options.progress?.stop();
    }

    const listed = new Set(listing.files.map((f) => f.id));
    const covered = (doc: string): boolean =>
      listed.has(doc) || listing.prefixes.some((p) => doc.startsWith(p));
    const removedDocs = [...storedDocs.keys()].filter((d) => !listed.has(d) && covered(d));
    const gone = goneIds(storedChunks, keep, covered);
    await store.writeChunks([], gone);
    for (const [model, have] of vectors)
      await store.writeVectors(model, [], goneIds(have, keep, covered));
    const chunksChanged = writer.written > 0 || gone.length > 0 || repaired > 0;
    if (chunksChanged) await store.rebuildKeywordIndex();
    await store.writeDocuments(changedDocs, [...removedDocs, ...droppedDocs]);
    if (
      chunksChanged ||
      changedDocs.length + removedDocs.length + droppedDocs.length > 0 ||
      writer.embedded + writer.reused > 0
    ) {
      await store.compact();
    }
    const summary: IngestSummary = {
      ...tally,
      embedded: writer.embedded,
      reused: writer.reused,
      removed: gone.length,
      repaired,
      models: embedders.map((e) => e.model),
      keywordOnly: embedders.length === 0,
      version: await store.version(),
      seconds: (performance.now() - started) / 1000,
    };
    logger?.info(
      {
        documents: summary.documents,
        chunks: summary.chunks,
        embedded: summary.embedded,
        reused: summary.reused,
        skipped: summary.skipped,
        removed: summary.removed,
        repaired,
        errors: summary.errors.length,
        empty: summary.empty.length,
        refused: summary.refused.length,
        seconds: Number(summary.seconds.toFixed(2)),
      },
      'knowledge base ingested',
    );
    return summary;
  } finally {
    await lock.release();
  }
}
