/**
 * The write side of an ingest: chunks arrive in batches as files are parsed; each batch's new
 * chunks are written to the chunk table and each embedding model's missing vectors are reused
 * (same text stored elsewhere) or computed, and written, before the next batch is read. Memory
 * stays bounded by the batch, whatever the size of the files.
 *
 * @module
 */
import type { Embedder } from '../providers/embeddings/embedder.js';
import type { KnowledgeStore } from './store.js';
import type { KbChunk } from './types.js';

/** Where a stored chunk or vector belongs, by chunk id. */
export type StoredIds = Map<string, { doc: string; hash: string }>;

/** Progress callbacks, e.g. for a progress bar. */
export interface IngestProgress {
  /** Called once at the start with the work known then (chunks to embed over all models). */
  start(totalToEmbed: number): void;
  /** Called when more chunks to embed are found, as files are read. */
  grow?(count: number): void;
  /** Called after each embedded (or reused) batch. */
  advance(count: number): void;
  stop(): void;
}

/** What {@link IngestWriter} works with. */
export interface IngestWriterOptions {
  store: KnowledgeStore;
  embedders: readonly Embedder[];
  /** Chunk ids in the chunk table; updated as chunks are written. */
  storedChunks: StoredIds;
  /** Per model id, the chunk ids that have a vector; updated as vectors are written. */
  vectors: Map<string, StoredIds>;
  /** Texts per embedding request. */
  batchSize: number;
  progress?: IngestProgress;
  /** Aborts the writes (the caller's signal, or the writer lock being lost). */
  signal?: AbortSignal;
}

/** Writes chunk batches and their vectors; counts what it did. */
export class IngestWriter {
  readonly #o: IngestWriterOptions;
  /** Chunks written to the chunk table. */
  written = 0;
  /** Vectors computed, over all models. */
  embedded = 0;
  /** Vectors reused from chunks with the same text. */
  reused = 0;

  constructor(options: IngestWriterOptions) {
    this.#o = options;
  }

  /** Writes the chunks that are not stored yet, then the vectors missing for all of them. */
  async write(chunks: readonly KbChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    this.#o.signal?.throwIfAborted();
    const { store, storedChunks } = this.#o;
    const fresh = chunks.filter((c) => storedChunks.get(c.id)?.hash !== c.hash);
    const replaced = fresh.filter((c) => storedChunks.has(c.id)).map((c) => c.id);
    await store.writeChunks(fresh, replaced);
    for (const c of fresh) storedChunks.set(c.id, { doc: c.doc, hash: c.hash });
    this.written += fresh.length;
    await this.embed(chunks);
  }

  /** Writes the vectors each model lacks for `chunks`. */
  async embed(chunks: readonly KbChunk[]): Promise<void> {
    const { store, progress, signal } = this.#o;
    for (const embedder of this.#o.embedders) {
      const have = this.#o.vectors.get(embedder.model) ?? new Map();
      this.#o.vectors.set(embedder.model, have);
      const missing = chunks.filter((c) => have.get(c.id)?.hash !== c.hash);
      if (missing.length === 0) continue;
      progress?.grow?.(missing.length);
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
      this.reused += rows.length;
      progress?.advance(rows.length);
      for (let i = 0; i < toEmbed.length; i += this.#o.batchSize) {
        signal?.throwIfAborted();
        const slice = toEmbed.slice(i, i + this.#o.batchSize);
        const vectors = await embedder.embed(
          slice.map((c) => c.text),
          { kind: 'passage', ...(signal ? { signal } : {}) },
        );
        slice.forEach((chunk, j) => {
          const vector = vectors[j];
          if (vector) rows.push({ chunk, vector });
        });
        this.embedded += slice.length;
        progress?.advance(slice.length);
      }
      const replaced = missing.filter((c) => have.has(c.id)).map((c) => c.id);
      await store.writeVectors(embedder.model, rows, replaced);
      for (const { chunk } of rows) have.set(chunk.id, { doc: chunk.doc, hash: chunk.hash });
    }
  }
}
