/**
 * Plain-text parser: paragraphs and sentences, chunked as the text streams in. Every chunk
 * names the file's first line with text.
 *
 * @module
 */
import { type ChunkOptions, ChunkStream } from '../chunker.js';
import type { ParsedDocument, ParserFactory } from '../types.js';
import { parseWhole } from './collect.js';

/** Makes a streaming plain-text parser. */
export const textParser: ParserFactory = (_file, sink, options) => {
  let firstLine = 1;
  let found = false;
  const stream = new ChunkStream(
    (text) => sink.chunk({ text, kind: 'text', line: firstLine }),
    options,
  );
  return {
    push(text) {
      if (!found) {
        const at = text.search(/\S/u);
        const blank = at < 0 ? text : text.slice(0, at);
        firstLine += blank.split('\n').length - 1;
        found = at >= 0;
      }
      stream.push(text);
    },
    end() {
      stream.end();
    },
  };
};

/** Parses a plain-text document into chunks. */
export function parseText(
  source: string,
  file: string,
  options: ChunkOptions = {},
): ParsedDocument {
  return parseWhole(textParser, source, file, options);
}
