/**
 * Runs a streaming parser over a whole text in memory and collects what it finds: the parsers'
 * synchronous form, for tests and small inputs.
 *
 * @module
 */
import type { ParseError } from '../../errors.js';
import type { ChunkOptions } from '../chunker.js';
import type { ChunkDraft, ParsedDocument, ParserFactory } from '../types.js';

/**
 * Parses `source` whole with the parser `factory` makes.
 *
 * @example
 * ```ts
 * const { chunks, errors } = parseWhole(markdownParser, '# Hours\n\n7-20', 'hours.md');
 * ```
 */
export function parseWhole(
  factory: ParserFactory,
  source: string,
  file: string,
  options: ChunkOptions = {},
): ParsedDocument {
  const chunks: ChunkDraft[] = [];
  const errors: ParseError[] = [];
  let refused: string | undefined;
  const parser = factory(
    file,
    {
      chunk: (draft) => {
        if (refused === undefined) chunks.push(draft);
      },
      error: (error) => {
        if (refused === undefined) errors.push(error);
      },
      refuse: (reason) => {
        refused ??= reason;
      },
    },
    options,
  );
  parser.push(source);
  parser.end();
  return refused === undefined ? { chunks, errors } : { chunks: [], errors: [], refused };
}
