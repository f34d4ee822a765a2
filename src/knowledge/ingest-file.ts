/**
 * One file of an ingest: a first pass checks that it is UTF-8 text and not empty (refusing it,
 * or warning per line that is not UTF-8), a second streams it through its format's parser; the
 * chunks are hashed, given ids, and handed to the writer in batches as they come.
 *
 * @module
 */
import type { ParseError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { ChunkOptions } from './chunker.js';
import { displayPath, parserFor, type SourceFile } from './documents.js';
import type { IngestWriter } from './ingest-writer.js';
import { chunkLanguage } from './language.js';
import { sha256 } from './normalize.js';
import { inspectSource, readSourceText } from './source-file.js';
import type { KbDocument } from './store.js';
import type { KbChunk } from './types.js';

/** Chunks parsed before a batch is written. */
const WRITE_BATCH = 512;

/** What the files of an ingest held, counted as they are read. */
export interface FileTally {
  /** Files read (not counting empty and refused ones). */
  documents: number;
  /** Chunks in the ingested files. */
  chunks: number;
  /** Chunks of files whose content had not changed. */
  skipped: number;
  /** Malformed records, each naming file and line. */
  errors: ParseError[];
  /** Lines that are not UTF-8, each naming file and line (the rest of the file is kept). */
  warnings: string[];
  /** Files with no text. */
  empty: string[];
  /** Files that are not of their format (binary, not UTF-8, a CSV without the FAQ header). */
  refused: Array<{ source: string; reason: string }>;
}

/**
 * A chunk's id: its document and content hash; the same text again in the same document gets
 * `~1`, `~2`... Ids already given are in `keep`; `repeats` counts the texts seen more than once.
 */
function chunkId(
  doc: string,
  hash: string,
  keep: Set<string>,
  repeats: Map<string, number>,
): string {
  const base = `${doc}#${hash.slice(0, 16)}`;
  if (!keep.has(base)) return base;
  const n = repeats.get(base) ?? 1;
  repeats.set(base, n + 1);
  return `${base}~${n}`;
}

/** What reading one file left to record: its document record, unless it was dropped. */
export type FileOutcome = { kind: 'dropped' } | { kind: 'read'; doc: KbDocument };

/** What {@link ingestFile} works with. */
export interface FileContext {
  writer: IngestWriter;
  tally: FileTally;
  logger?: Logger;
  chunk: ChunkOptions;
  /** Ids of the chunks read so far, over all files: the ones to keep. */
  keep: Set<string>;
  signal: AbortSignal;
}

/**
 * Checks, parses and writes one file; problems are logged once each and tallied.
 *
 * @example
 * ```ts
 * const outcome = await ingestFile(file, { writer, tally, keep, signal, chunk: {} });
 * ```
 */
export async function ingestFile(file: SourceFile, ctx: FileContext): Promise<FileOutcome> {
  const { tally, signal } = ctx;
  const log = ctx.logger;
  const name = displayPath(file);
  const seen = await inspectSource(file.path, signal);
  if (seen.notText) {
    tally.refused.push({ source: name, reason: seen.notText });
    log?.warn({ source: name }, `${name}: refused: ${seen.notText}`);
    return { kind: 'dropped' };
  }
  if (seen.empty) {
    tally.empty.push(name);
    log?.warn({ source: name }, `${name}: empty file, skipped`);
    return { kind: 'dropped' };
  }
  for (const line of seen.invalidLines) {
    const message = `${name}:${line}: invalid UTF-8 (read as U+FFFD); save the file as UTF-8`;
    tally.warnings.push(message);
    log?.warn({ source: `${name}:${line}` }, message);
  }
  const more = seen.invalidLineCount - seen.invalidLines.length;
  if (more > 0) {
    const message = `${name}: invalid UTF-8 on ${more} more lines`;
    tally.warnings.push(message);
    log?.warn({ source: name }, message);
  }

  const { keep } = ctx;
  const repeats = new Map<string, number>();
  let count = 0;
  let pending: KbChunk[] = [];
  let refused: string | undefined;
  const parser = parserFor(file)(
    name,
    {
      chunk: (draft) => {
        const hash = sha256(draft.text);
        const id = chunkId(file.id, hash, keep, repeats);
        keep.add(id);
        count++;
        pending.push({
          id,
          doc: file.id,
          text: draft.text,
          title: draft.title ?? '',
          kind: draft.kind,
          lang: draft.lang ?? chunkLanguage(draft.text),
          line: draft.line,
          hash,
          docHash: seen.docHash,
        });
      },
      error: (err) => {
        tally.errors.push(err);
        log?.warn({ source: err.source }, err.message);
      },
      refuse: (reason) => {
        refused ??= reason;
      },
    },
    ctx.chunk,
  );
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    await ctx.writer.write(batch);
  };
  for await (const text of readSourceText(file.path, signal)) {
    parser.push(text);
    if (refused) break;
    if (pending.length >= WRITE_BATCH) await flush();
  }
  if (!refused) parser.end();
  if (refused) {
    tally.refused.push({ source: name, reason: refused });
    log?.warn({ source: name }, `${name}: refused: ${refused}`);
    if (count > 0) for (const id of keep) if (id.startsWith(`${file.id}#`)) keep.delete(id);
    return { kind: 'dropped' };
  }
  await flush();
  return { kind: 'read', doc: { doc: file.id, docHash: seen.docHash, chunks: count } };
}
