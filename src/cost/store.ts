/**
 * The durable record of finished calls: one row per call in the LanceDB table `calls` (under
 * `VOXSTATE_DATA_DIR`, default `./data`), with the flags, the cost breakdown, the number of turns,
 * the end reason and the call event log.
 *
 * Writes are upserts keyed by call id, so a write retried by the dead-letter queue never makes a
 * duplicate row. A write that fails throws a retryable `StorageError`.
 *
 * @module
 */
import * as lancedb from '@lancedb/lancedb';
import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import type { CallEventLogJSON } from '../calllog/call-log.js';
import { readEnv } from '../config/schema.js';
import { StorageError } from '../errors.js';
import { type CostBreakdown, emptyBreakdown } from './ledger.js';

/** One finished call. Times are epoch ms. */
export interface CallRecord {
  id: string;
  startedAt: number;
  endedAt: number;
  direction: string;
  /** Feature flag variants assigned to the call. */
  flags: Record<string, string>;
  cost: CostBreakdown;
  turns: number;
  endReason: string;
  events: CallEventLogJSON;
  /**
   * The call's recording, relative to the data folder (`recordings/<day>/<callId>.wav`), when
   * it was recorded; resolve it with `findRecording` (`src/calllog/recordings.ts`).
   */
  recordingPath?: string;
}

/** A time range of {@link CallStore.queryCalls}. */
export interface CallQuery {
  /** Calls that started at or after this epoch ms. */
  since?: number;
  /** Calls that started before this epoch ms. */
  until?: number;
  /** At most this many rows. */
  limit?: number;
}

/** Options for {@link openCallStore}. */
export interface CallStoreOptions {
  /** LanceDB folder; default `VOXSTATE_DATA_DIR` or `./data`. */
  dataDir?: string;
  /** Table name; default `calls`. */
  table?: string;
}

/** Added with recording; tables made before it get the column when opened for writing. */
const RECORDING_COLUMN = 'recording_path';

const SCHEMA = new Schema([
  new Field('id', new Utf8(), false),
  new Field('started_at', new Float64(), false),
  new Field('ended_at', new Float64(), false),
  new Field('direction', new Utf8(), false),
  new Field('flags', new Utf8(), false),
  new Field('cost_stt', new Float64(), false),
  new Field('cost_llm', new Float64(), false),
  new Field('cost_tts', new Float64(), false),
  new Field('cost_embeddings', new Float64(), false),
  new Field('cost_total', new Float64(), false),
  new Field('cost_baseline', new Float64(), false),
  new Field('cost_json', new Utf8(), false),
  new Field('currency', new Utf8(), false),
  new Field('turns', new Int32(), false),
  new Field('end_reason', new Utf8(), false),
  new Field('events', new Utf8(), false),
  new Field(RECORDING_COLUMN, new Utf8(), true),
]);

function toRow(r: CallRecord): Record<string, unknown> {
  return {
    id: r.id,
    started_at: r.startedAt,
    ended_at: r.endedAt,
    direction: r.direction,
    flags: JSON.stringify(r.flags),
    cost_stt: r.cost.stt,
    cost_llm: r.cost.llm,
    cost_tts: r.cost.tts,
    cost_embeddings: r.cost.embeddings,
    cost_total: r.cost.total,
    cost_baseline: r.cost.baselineTotal,
    cost_json: JSON.stringify({
      realtime: r.cost.realtime,
      baseline: r.cost.baseline,
      byModel: r.cost.byModel,
      unpriced: r.cost.unpriced,
      wasted: r.cost.wasted,
      wastedTokens: r.cost.wastedTokens,
    }),
    currency: r.cost.currency,
    turns: Math.trunc(r.turns),
    end_reason: r.endReason,
    events: JSON.stringify(r.events),
    [RECORDING_COLUMN]: r.recordingPath ?? null,
  };
}

function parse<T>(text: unknown, fallback: T): T {
  try {
    return typeof text === 'string' ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

function fromRow(row: Record<string, unknown>): CallRecord {
  const currency = String(row.currency ?? 'USD');
  const extra = parse<Partial<CostBreakdown>>(row.cost_json, {});
  const cost: CostBreakdown = {
    ...emptyBreakdown(currency),
    stt: Number(row.cost_stt),
    llm: Number(row.cost_llm),
    tts: Number(row.cost_tts),
    embeddings: Number(row.cost_embeddings),
    realtime: Number(extra.realtime ?? 0),
    total: Number(row.cost_total),
    baselineTotal: Number(row.cost_baseline),
    baseline: { ...emptyBreakdown(currency).baseline, ...extra.baseline },
    byModel: extra.byModel ?? {},
    unpriced: extra.unpriced ?? [],
    wasted: Number(extra.wasted ?? 0),
    wastedTokens: Number(extra.wastedTokens ?? 0),
  };
  return {
    id: String(row.id),
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
    direction: String(row.direction),
    flags: parse(row.flags, {}),
    cost,
    turns: Number(row.turns),
    endReason: String(row.end_reason),
    events: parse(row.events, { events: [], dropped: 0 }),
    ...(typeof row[RECORDING_COLUMN] === 'string' && row[RECORDING_COLUMN]
      ? { recordingPath: row[RECORDING_COLUMN] }
      : {}),
  };
}

function num(v: number, what: string): string {
  if (!Number.isFinite(v)) throw new RangeError(`${what} must be a finite number`);
  return String(v);
}

/**
 * The `calls` table.
 *
 * @example
 * ```ts
 * const store = await openCallStore();
 * await store.write(record);
 * const lastWeek = await store.queryCalls({ since: Date.now() - 7 * 86_400_000 });
 * ```
 */
export class CallStore {
  readonly #db: lancedb.Connection;
  readonly #name: string;
  #table: Promise<lancedb.Table | undefined> | undefined;

  constructor(db: lancedb.Connection, table: string) {
    this.#db = db;
    this.#name = table;
  }

  /** Upserts one finished call. @throws StorageError (retryable) when LanceDB fails. */
  async write(record: CallRecord): Promise<void> {
    await this.writeMany([record]);
  }

  /** Upserts several finished calls in one commit. */
  async writeMany(records: readonly CallRecord[]): Promise<void> {
    if (records.length === 0) return;
    try {
      const table = await this.#open(true);
      await table!
        .mergeInsert('id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute(records.map(toRow));
    } catch (err) {
      this.#table = undefined;
      throw new StorageError(
        'lancedb',
        `writing to ${this.#name} failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Calls in a time range, oldest first. */
  async queryCalls(query: CallQuery = {}): Promise<CallRecord[]> {
    const table = await this.#open(false);
    if (!table) return [];
    const where: string[] = [];
    if (query.since !== undefined) where.push(`started_at >= ${num(query.since, 'since')}`);
    if (query.until !== undefined) where.push(`started_at < ${num(query.until, 'until')}`);
    let q = table.query();
    if (where.length > 0) q = q.where(where.join(' AND '));
    if (query.limit !== undefined) q = q.limit(query.limit);
    else q = q.limit(Math.max(1, await table.countRows()));
    const rows = (await q.toArray()) as Record<string, unknown>[];
    return rows.map(fromRow).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** One call by id (undefined when it is not stored). */
  async getCall(id: string): Promise<CallRecord | undefined> {
    const table = await this.#open(false);
    if (!table) return undefined;
    const rows = (await table
      .query()
      .where(`id = '${id.replace(/'/g, "''")}'`)
      .limit(1)
      .toArray()) as Record<string, unknown>[];
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** Number of stored calls. */
  async count(): Promise<number> {
    const table = await this.#open(false);
    return table ? table.countRows() : 0;
  }

  /** Deletes calls that started before `epochMs`; returns how many were deleted. */
  async deleteStartedBefore(epochMs: number): Promise<number> {
    const table = await this.#open(false);
    if (!table) return 0;
    const predicate = `started_at < ${num(epochMs, 'epochMs')}`;
    const n = await table.countRows(predicate);
    if (n > 0) await table.delete(predicate);
    return n;
  }

  /** Compacts the table files and prunes old versions (after deletes). */
  async compact(): Promise<void> {
    const table = await this.#open(false);
    if (table) await table.optimize({ cleanupOlderThan: new Date() });
  }

  /** Releases the connection. */
  close(): void {
    this.#db.close();
  }

  async #open(create: boolean): Promise<lancedb.Table | undefined> {
    if (this.#table) return this.#table;
    const names = await this.#db.tableNames();
    if (!names.includes(this.#name) && !create) return undefined;
    const p = names.includes(this.#name)
      ? this.#db
          .openTable(this.#name)
          .then((table) => (create ? withRecordingColumn(table) : table))
          .catch((err: unknown) => {
            // A table folder without a first version yet: another connection is creating it. A
            // reader sees no calls yet; a writer fails (retryable) and its record is retried.
            if (create) throw err;
            return undefined;
          })
      : this.#db.createEmptyTable(this.#name, SCHEMA, { existOk: true });
    this.#table = p;
    p.then(
      (table) => {
        if (!table && this.#table === p) this.#table = undefined;
      },
      () => {
        if (this.#table === p) this.#table = undefined;
      },
    );
    return p;
  }
}

/** Adds the `recording_path` column to a table made before recording existed. */
async function withRecordingColumn(table: lancedb.Table): Promise<lancedb.Table> {
  const schema = await table.schema();
  if (!schema.fields.some((f) => f.name === RECORDING_COLUMN)) {
    await table.addColumns([{ name: RECORDING_COLUMN, valueSql: 'CAST(NULL AS STRING)' }]);
  }
  return table;
}

/** Opens (without creating yet) the call store in `dataDir`. */
export async function openCallStore(options: CallStoreOptions = {}): Promise<CallStore> {
  const dir =
    options.dataDir ?? readEnv(process.env, ['VOXSTATE_DATA_DIR']).VOXSTATE_DATA_DIR ?? './data';
  try {
    return new CallStore(await lancedb.connect(dir), options.table ?? 'calls');
  } catch (err) {
    throw new StorageError('lancedb', `cannot open ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
