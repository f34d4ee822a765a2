/**
 * The LanceDB database under the knowledge base, with nothing of the knowledge base's schema:
 * opening it, a cache of open table handles, batched writes (a table is created by its first
 * write) and deletes, refreshing, compacting and closing, and the {@link StorageError} that every
 * failure becomes. `store.ts` puts the knowledge-base tables on top.
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { type Connection, connect, type Table } from '@lancedb/lancedb';
import { StorageError } from '../errors.js';

/** Rows per write, and values per `IN (...)` list. */
export const BATCH = 400;

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/gu, "''")}'`;
}

/** `column IN ('a', 'b', ...)`. */
export function sqlIn(column: string, values: readonly string[]): string {
  return `${column} IN (${values.map(sqlString).join(', ')})`;
}

/** Runs `fn`, turning its failure into a {@link StorageError} that says what was being done. */
export async function guardStorage<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new StorageError('lancedb', `${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** An open LanceDB database and its open tables. */
export class LanceTables {
  /** The connection (for work on whole tables, such as re-creating one). */
  readonly db: Connection;
  readonly #tables = new Map<string, Table>();

  private constructor(db: Connection) {
    this.db = db;
  }

  /** Opens (or creates) the database in `dir`, looking for other processes' writes every `readConsistencyMs`. */
  static async open(dir: string, readConsistencyMs: number): Promise<LanceTables> {
    try {
      mkdirSync(dir, { recursive: true });
      return new LanceTables(
        await connect(dir, { readConsistencyInterval: readConsistencyMs / 1000 }),
      );
    } catch (err) {
      throw new StorageError('lancedb', `cannot open ${dir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** The names of the tables in the database. */
  names(): Promise<string[]> {
    return this.db.tableNames();
  }

  /** The table `name`, opened once; undefined when it does not exist. */
  async get(name: string): Promise<Table | undefined> {
    const cached = this.#tables.get(name);
    if (cached) return cached;
    if (!(await this.db.tableNames()).includes(name)) return undefined;
    const table = await this.db.openTable(name);
    this.#tables.set(name, table);
    return table;
  }

  /** Uses `table` as `name` from now on (undefined: open it again on the next {@link get}). */
  replace(name: string, table: Table | undefined): void {
    this.#tables.delete(name);
    if (table) this.#tables.set(name, table);
  }

  /** Adds rows in batches, creating the table from the first batch when it does not exist. */
  async add(name: string, rows: Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    const table = await this.get(name);
    if (table) {
      for (let i = 0; i < rows.length; i += BATCH) await table.add(rows.slice(i, i + BATCH));
      return;
    }
    const created = await this.db.createTable(name, rows.slice(0, BATCH));
    this.#tables.set(name, created);
    for (let i = BATCH; i < rows.length; i += BATCH) await created.add(rows.slice(i, i + BATCH));
  }

  /** Deletes the rows whose `column` is one of `values`. */
  async deleteIn(name: string, column: string, values: readonly string[]): Promise<void> {
    const table = await this.get(name);
    if (!table || values.length === 0) return;
    for (let i = 0; i < values.length; i += BATCH) {
      await table.delete(sqlIn(column, values.slice(i, i + BATCH)));
    }
  }

  /** Moves every open table to its latest version. */
  async refresh(): Promise<void> {
    for (const [name, table] of this.#tables)
      await guardStorage(`refresh ${name}`, () => table.checkoutLatest());
  }

  /** Compacts every table (merges small fragments, folds deletions). */
  async compact(): Promise<void> {
    for (const name of await this.db.tableNames()) {
      const table = await this.get(name);
      if (table) await guardStorage(`compact ${name}`, () => table.optimize());
    }
  }

  /** Closes the tables and the database. */
  close(): void {
    for (const table of this.#tables.values()) table.close();
    this.#tables.clear();
    this.db.close();
  }
}
