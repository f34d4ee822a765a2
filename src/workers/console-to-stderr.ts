/**
 * Imported first by every worker file: a worker thread's `console.log` writes to the process's
 * stdout directly, past the main thread's logger, and would break `voxstate serve`'s JSON log
 * lines and `voxstate call --json`. Libraries that run in workers (transformers.js logs its
 * info and debug messages with `console.log`) are sent to stderr instead.
 *
 * @module
 */
import { format } from 'node:util';
import { isMainThread } from 'node:worker_threads';

if (!isMainThread) {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}
