/**
 * Splits prose into chunks of at most `maxChars` characters on paragraph, then sentence, then
 * word boundaries (a word is never cut), with a sentence-level overlap between neighbours so that
 * a fact on a boundary is found from either side.
 *
 * @module
 */

/** Options for {@link chunkText}. */
export interface ChunkOptions {
  /** Largest chunk, characters (default 800). */
  maxChars?: number;
  /** Text repeated from the end of one chunk at the start of the next, at most (default 150). */
  overlapChars?: number;
}

interface Unit {
  text: string;
  /** Starts a new paragraph. */
  para: boolean;
}

const SENTENCE_END = /(?<=[.!?…;:])\s+(?=\S)/u;

function splitWords(sentence: string, maxChars: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of sentence.split(/\s+/u)) {
    if (!word) continue;
    if (current && current.length + 1 + word.length > maxChars) {
      out.push(current);
      current = '';
    }
    current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(current);
  return out;
}

function units(text: string, maxChars: number): Unit[] {
  const out: Unit[] = [];
  for (const paragraph of text.split(/\n\s*\n/u)) {
    const flat = paragraph.replace(/\s+/gu, ' ').trim();
    if (!flat) continue;
    let para = true;
    for (const sentence of flat.split(SENTENCE_END)) {
      const parts = sentence.length > maxChars ? splitWords(sentence, maxChars) : [sentence];
      for (const part of parts) {
        out.push({ text: part, para });
        para = false;
      }
    }
  }
  return out;
}

function join(list: Unit[]): string {
  return list.map((u, i) => (i === 0 ? u.text : `${u.para ? '\n\n' : ' '}${u.text}`)).join('');
}

/**
 * Chunks `text`; a text shorter than `maxChars` is one chunk.
 *
 * @example
 * ```ts
 * chunkText(longSection, { maxChars: 800, overlapChars: 150 }); // ['...', '...']
 * ```
 */
export function chunkText(text: string, options: ChunkOptions = {}): string[] {
  const maxChars = options.maxChars ?? 800;
  const overlapChars = options.overlapChars ?? 150;
  const chunks: string[] = [];
  let current: Unit[] = [];
  let length = 0;
  for (const unit of units(text, maxChars)) {
    const added = length === 0 ? unit.text.length : length + 2 + unit.text.length;
    if (current.length > 0 && added > maxChars) {
      chunks.push(join(current));
      const tail: Unit[] = [];
      let tailLength = 0;
      for (let i = current.length - 1; i > 0; i--) {
        const u = current[i]!;
        if (tailLength + u.text.length + 1 > overlapChars) break;
        tail.unshift(u);
        tailLength += u.text.length + 1;
      }
      current = tailLength + unit.text.length + 2 <= maxChars ? tail : [];
      length = current.length ? join(current).length : 0;
    }
    current.push(unit);
    length = length === 0 ? unit.text.length : length + 2 + unit.text.length;
  }
  if (current.length) chunks.push(join(current));
  return chunks;
}
