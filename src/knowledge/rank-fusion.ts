/**
 * Reciprocal rank fusion of the vector and keyword result lists.
 *
 * @module
 */
import type { IndexHit } from './store.js';
import type { FoundBy, KbHit } from './types.js';

/** One ranked list to fuse. */
export interface RankedList {
  by: FoundBy;
  hits: readonly IndexHit[];
  /** Weight of this list (default 1). */
  weight?: number;
}

/**
 * Fuses ranked lists: each hit scores `weight / (rrfK + rank)` per list it appears in; the score
 * is normalized to [0, 1] by the best score possible over the non-empty lists. Keeps the cosine
 * similarity and BM25 score of each hit.
 *
 * @example
 * ```ts
 * fuse([{ by: 'vector', hits: vec }, { by: 'keyword', hits: kw }], 4);
 * ```
 */
export function fuse(lists: readonly RankedList[], k: number, rrfK = 60): KbHit[] {
  const byId = new Map<string, KbHit & { raw: number }>();
  let best = 0;
  for (const list of lists) {
    const weight = list.weight ?? 1;
    if (list.hits.length > 0) best += weight / (rrfK + 1);
    list.hits.forEach((hit, rank) => {
      let entry = byId.get(hit.chunk.id);
      if (!entry) {
        entry = { chunk: hit.chunk, score: 0, raw: 0, foundBy: [] };
        byId.set(hit.chunk.id, entry);
      }
      entry.raw += weight / (rrfK + rank + 1);
      entry.foundBy.push(list.by);
      if (list.by === 'vector') entry.similarity = hit.score;
      else entry.keywordScore = hit.score;
    });
  }
  return [...byId.values()]
    .sort((a, b) => b.raw - a.raw || (b.similarity ?? 0) - (a.similarity ?? 0))
    .slice(0, k)
    .map(({ raw, ...hit }) => ({ ...hit, score: best > 0 ? raw / best : 0 }));
}
