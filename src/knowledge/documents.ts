/**
 * Finds knowledge-base files under the paths given to `kb ingest` and parses each by its
 * extension: `.md`/`.markdown`, `.txt`, `.jsonl` (FAQ), `.csv` (FAQ). README files, hidden files
 * and other extensions are ignored, so a knowledge-base folder can carry its own README and data
 * files such as `business.json`.
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';
import { faqCsvParser } from './parsers/faq-csv.js';
import { faqJsonlParser } from './parsers/faq-jsonl.js';
import { markdownParser } from './parsers/markdown.js';
import { textParser } from './parsers/text.js';
import type { ParserFactory } from './types.js';

/** A file to ingest. */
export interface SourceFile {
  /** Stable document id: the path below the ingest root, prefixed by the root folder's name. */
  id: string;
  /** Absolute path. */
  path: string;
}

/** The files found, and the folder prefixes whose missing documents should be removed. */
export interface SourceListing {
  files: SourceFile[];
  /** Document id prefixes (`<root>/`) fully covered by this listing. */
  prefixes: string[];
}

const PARSERS: Record<string, ParserFactory> = {
  '.md': markdownParser,
  '.markdown': markdownParser,
  '.txt': textParser,
  '.jsonl': faqJsonlParser,
  '.csv': faqCsvParser,
};

/** True when `path` has an extension the ingest reads. */
export function isKnowledgeFile(path: string): boolean {
  const name = basename(path);
  if (name.startsWith('.') || /^readme(\.|$)/iu.test(name)) return false;
  return extname(name).toLowerCase() in PARSERS;
}

async function walk(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, out);
    else if (entry.isFile() && isKnowledgeFile(full)) out.push(full);
  }
}

/**
 * Lists the knowledge-base files under `paths` (files or folders).
 *
 * @throws {ConfigError} when a path does not exist.
 */
export async function listSources(paths: readonly string[]): Promise<SourceListing> {
  const files = new Map<string, SourceFile>();
  const prefixes: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new ConfigError(`no such file or folder: ${p}`);
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(abs, found);
      const root = basename(abs);
      prefixes.push(`${root}/`);
      for (const f of found.sort())
        files.set(f, { id: `${root}/${relative(abs, f).split(sep).join('/')}`, path: f });
    } else {
      files.set(abs, { id: basename(abs), path: abs });
    }
  }
  return { files: [...files.values()], prefixes };
}

/** The streaming parser for a file, by its extension. */
export function parserFor(file: SourceFile): ParserFactory {
  return PARSERS[extname(file.path).toLowerCase()] ?? textParser;
}

/** How messages name a file: relative to the working folder when below it, else absolute. */
export function displayPath(file: SourceFile): string {
  const rel = relative(process.cwd(), file.path);
  return rel && rel.split(sep)[0] !== '..' && !isAbsolute(rel) ? rel : file.path;
}
