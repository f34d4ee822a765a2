/**
 * Where dead-letter jobs wait while Redis is unreachable: a bounded in-memory buffer (the oldest
 * job is dropped and logged when it is full), drained to Redis in order when Redis returns, and
 * written to a JSON-lines spill file at shutdown so that the next process reads it back.
 *
 * @module
 */
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Logger } from '../telemetry/logger.js';
import { type JobEnvelope, parseEnvelope } from './jobs.js';

/** Options for {@link OfflineBuffer}. */
export interface OfflineBufferOptions {
  /** Most jobs held (default 1000). */
  capacity?: number;
  /** JSON-lines file written by {@link OfflineBuffer.spill} and read by {@link OfflineBuffer.loadSpill}. */
  spillFile?: string;
  logger?: Logger;
  /** Called with the number of jobs held after each change (the `voxstate_dlq_buffered` gauge). */
  onSize?: (size: number) => void;
}

/** The jobs a dead-letter queue holds in memory, oldest first. */
export class OfflineBuffer {
  readonly #capacity: number;
  readonly #spillFile: string | undefined;
  readonly #logger: Logger | undefined;
  readonly #onSize: ((size: number) => void) | undefined;
  #jobs: JobEnvelope[] = [];

  constructor(options: OfflineBufferOptions = {}) {
    this.#capacity = options.capacity ?? 1_000;
    this.#spillFile = options.spillFile;
    this.#logger = options.logger;
    this.#onSize = options.onSize;
  }

  /** Jobs held. */
  get size(): number {
    return this.#jobs.length;
  }

  /** Holds a job; when full, drops the oldest one and logs it. */
  push(env: JobEnvelope): void {
    this.#jobs.push(env);
    if (this.#jobs.length > this.#capacity) {
      const lost = this.#jobs.shift();
      this.#logger?.error(
        { kind: lost?.kind, jobId: lost?.id },
        'dlq buffer full; oldest job dropped',
      );
    }
    this.#onSize?.(this.#jobs.length);
  }

  /**
   * Writes held jobs oldest first with `write`, stopping at the first failed write (Redis is
   * still down). Resolves to how many are still held.
   */
  async drain(write: (env: JobEnvelope) => Promise<unknown>): Promise<number> {
    while (this.#jobs.length > 0) {
      try {
        await write(this.#jobs[0]!);
      } catch {
        break;
      }
      this.#jobs.shift();
    }
    this.#onSize?.(this.#jobs.length);
    return this.#jobs.length;
  }

  /** Writes the held jobs to the spill file (or logs them as lost without one) and empties it. */
  spill(): void {
    if (this.#jobs.length > 0 && this.#spillFile) {
      writeFileSync(this.#spillFile, `${this.#jobs.map((e) => JSON.stringify(e)).join('\n')}\n`);
      this.#logger?.warn(
        { jobs: this.#jobs.length, file: this.#spillFile },
        'dlq jobs spilled to file',
      );
      this.#jobs = [];
    } else if (this.#jobs.length > 0) {
      this.#logger?.error(
        { jobs: this.#jobs.length },
        'dlq jobs lost at shutdown: Redis unreachable and no spill file',
      );
    }
    this.#onSize?.(this.#jobs.length);
  }

  /** Reads back (and deletes) a spill file a previous process left; unreadable lines are skipped. */
  loadSpill(): void {
    const file = this.#spillFile;
    if (!file || !existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) {
      const env = parseEnvelope(line);
      if (env) this.#jobs.push(env);
    }
    unlinkSync(file);
    this.#onSize?.(this.#jobs.length);
    this.#logger?.info({ jobs: lines.length, file }, 'dlq jobs read back from spill file');
  }
}
