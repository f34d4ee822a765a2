/**
 * Healing a table that holds the same key more than once (left by concurrent ingests of older
 * versions, which had no writer lock): one row of each key is kept, the others are deleted.
 *
 * @module
 */
import type { Table } from '@lancedb/lancedb';
import { BATCH, sqlIn } from './lance-tables.js';

/**
 * Removes every row of `table` whose `key` another row already has; returns how many were
 * removed. Each key's rows are read, deleted, and one of them written back.
 *
 * @example
 * ```ts
 * const removed = await removeDuplicateRows(await db.openTable('kb_chunks'), 'id');
 * ```
 */
export async function removeDuplicateRows(table: Table, key: string): Promise<number> {
  const counts = new Map<string, number>();
  for (const row of await table.query().select([key]).toArray()) {
    const k = String(row[key]);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
  let removed = 0;
  for (let i = 0; i < duplicated.length; i += BATCH) {
    const keys = duplicated.slice(i, i + BATCH);
    const where = sqlIn(key, keys);
    const rows = await table.query().where(where).toArrow();
    const column = rows.getChild(key);
    const seen = new Set<string>();
    let keep: typeof rows | undefined;
    for (let r = 0; r < rows.numRows; r++) {
      const k = String(column?.get(r));
      if (seen.has(k)) continue;
      seen.add(k);
      const one = rows.slice(r, r + 1);
      keep = keep ? keep.concat(one) : one;
    }
    await table.delete(where);
    if (keep) await table.add(keep);
    removed += rows.numRows - seen.size;
  }
  return removed;
}
