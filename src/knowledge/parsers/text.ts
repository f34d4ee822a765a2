/**
 * Plain-text parser: paragraphs and sentences, chunked.
 *
 * @module
 */
import { type ChunkOptions, chunkText } from '../chunker.js';
import type { ParsedDocument } from '../types.js';

/** Parses a plain-text document into chunks. */
export function parseText(
  source: string,
  _file: string,
  options: ChunkOptions = {},
): ParsedDocument {
  const firstLine = source.split(/\r?\n/u).findIndex((l) => l.trim() !== '') + 1;
  return {
    chunks: chunkText(source, options).map((text) => ({
      text,
      kind: 'text',
      line: Math.max(1, firstLine),
    })),
    errors: [],
  };
}
