/**
 * Shapes shared by the knowledge-base parsers, the store and the retriever.
 *
 * @module
 */
import type { ParseError } from '../errors.js';
import type { ChunkOptions } from './chunker.js';
import type { KbLanguage } from './language.js';

/**
 * A knowledge-base passage as a turn carries it: from the retriever through the call machine's
 * context into the answer prompt. The one passage shape of the contracts.
 */
export interface Passage {
  /** Chunk id. */
  id: string;
  text: string;
  /** Rank score in [0, 1]. */
  score: number;
  /** Where it is written: `document:line`. */
  source?: string;
}

/** What a chunk came from: a document section, a whole FAQ pair, or plain text. */
export type ChunkKind = 'section' | 'faq' | 'text';

/** A chunk as a parser produces it, before hashing and embedding. */
export interface ChunkDraft {
  /** The text that is embedded, indexed and given to the LLM. */
  text: string;
  kind: ChunkKind;
  /** Heading path or FAQ question, for display. */
  title?: string;
  /** Language given by the file (FAQ `lang` field); otherwise detected from the text. */
  lang?: KbLanguage;
  /** 1-based line in the source file where the chunk starts. */
  line: number;
}

/** The result of parsing one file: the chunks that could be read and the problems found. */
export interface ParsedDocument {
  chunks: ChunkDraft[];
  /** Malformed records, each naming `file:line`; the rest of the file is still ingested. */
  errors: ParseError[];
  /** Why the file as a whole is not of its format (nothing of it is kept). */
  refused?: string;
}

/** Where a streaming parser hands what it finds, as soon as it finds it. */
export interface ParserSink {
  chunk(draft: ChunkDraft): void;
  /** A malformed record; the rest of the file is still read. */
  error(error: ParseError): void;
  /** The file is not of this format at all: nothing of it is kept, the rest is not read. */
  refuse(reason: string): void;
}

/** A parser fed the text of one file piece by piece, split anywhere. */
export interface StreamingParser {
  push(text: string): void;
  end(): void;
}

/** Makes a streaming parser for `file` (the name used in messages). */
export type ParserFactory = (
  file: string,
  sink: ParserSink,
  options: ChunkOptions,
) => StreamingParser;

/** A stored chunk. */
export interface KbChunk {
  /** Stable id: document id plus the chunk's content hash. */
  id: string;
  /** Document id (path relative to the ingest root). */
  doc: string;
  text: string;
  title: string;
  kind: ChunkKind;
  lang: KbLanguage;
  line: number;
  /** SHA-256 of `text`. */
  hash: string;
  /** SHA-256 of the whole source file. */
  docHash: string;
}

/** How a passage was found. */
export type FoundBy = 'vector' | 'keyword';

/** A search hit. */
export interface KbHit {
  chunk: KbChunk;
  /** Cosine similarity to the query vector, when the vector index found it. */
  similarity?: number;
  /** BM25 score from the full-text index, when it found it. */
  keywordScore?: number;
  /** Fused score in [0, 1] (reciprocal rank fusion, normalized). */
  score: number;
  foundBy: FoundBy[];
}
