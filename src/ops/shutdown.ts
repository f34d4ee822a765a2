/**
 * Graceful shutdown: on SIGTERM or SIGINT stop taking new calls, let the active calls finish up
 * to a deadline, then flush the post-call work (call store, cost ledger, dead-letter queue) and
 * resolve. A second signal forces: the drain is cut short and `onForce` runs (by default the
 * process exits with code 130).
 *
 * Signals come from an injected emitter (default `process`), so tests need no real signals.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from '../telemetry/logger.js';

/** Something to flush on the way out. */
export interface Flusher {
  name: string;
  /**
   * Flushes. `signal` aborts at the flush deadline (`flushTimeoutMs`): pass it on to what can be
   * cancelled; the shutdown stops waiting for this flusher then, either way.
   */
  flush(signal: AbortSignal): Promise<unknown>;
}

/** Options for {@link installGracefulShutdown}. */
export interface ShutdownOptions {
  /** Stop answering new calls (unsubscribe from ARI, refuse StasisStart...). */
  stopAccepting: () => void | Promise<void>;
  /** Number of calls in progress. */
  activeCalls: () => number;
  /**
   * Resolves when no call is left; aborted at the deadline. Default: polls `activeCalls()`
   * every 100 ms.
   */
  waitForIdle?: (signal: AbortSignal) => Promise<void>;
  /** Flushed in order after the drain. */
  flushers?: readonly Flusher[];
  /** Longest wait for active calls, ms (default 30 000). */
  drainTimeoutMs?: number;
  /** Longest wait for each flusher, ms (default 10 000). */
  flushTimeoutMs?: number;
  /** Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly string[];
  /** Default `process`. */
  emitter?: EventEmitter;
  /** Runs on the second signal; default `process.exit(130)`. */
  onForce?: () => void;
  logger?: Logger;
}

/** How the shutdown went. */
export interface ShutdownResult {
  reason: string;
  /** True when every call ended before the deadline. */
  drained: boolean;
  /** Calls still active when the drain ended. */
  remainingCalls: number;
  /** `'ok'` or the error message, per flusher. */
  flushed: Record<string, string>;
  /** True when a second signal cut the drain short. */
  forced: boolean;
}

/** An installed shutdown handler. */
export interface GracefulShutdown {
  /** Resolves when a shutdown has completed. */
  readonly done: Promise<ShutdownResult>;
  /** Starts the shutdown now (as a signal would); the same promise on later calls. */
  shutdown(reason?: string): Promise<ShutdownResult>;
  /** Removes the signal listeners. */
  dispose(): void;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function pollIdle(activeCalls: () => number): (signal: AbortSignal) => Promise<void> {
  return async (signal) => {
    while (!signal.aborted && activeCalls() > 0) await delay(100, signal);
  };
}

/** Runs one flusher with its deadline signal; rejects when it fails or the deadline passes. */
function flushWithin(f: Flusher, ms: number): Promise<void> {
  const signal = AbortSignal.timeout(ms);
  const flushing = Promise.resolve().then(() => f.flush(signal));
  flushing.catch(() => undefined);
  return new Promise<void>((resolve, reject) => {
    const onDeadline = () => reject(new Error(`${f.name} timed out after ${ms} ms`));
    signal.addEventListener('abort', onDeadline, { once: true });
    flushing
      .then(() => resolve(), reject)
      .finally(() => signal.removeEventListener('abort', onDeadline));
  });
}

/**
 * Installs the shutdown handler on the signals.
 *
 * @example
 * ```ts
 * const shutdown = installGracefulShutdown({
 *   stopAccepting: () => telephony.stopAccepting(),
 *   activeCalls: () => calls.size,
 *   flushers: [{ name: 'dlq', flush: () => dlq.stop() }],
 *   logger,
 * });
 * await shutdown.done; process.exit(0);
 * ```
 */
export function installGracefulShutdown(options: ShutdownOptions): GracefulShutdown {
  const emitter = options.emitter ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const log = options.logger;
  const drainAbort = new AbortController();
  let forced = false;
  let running: Promise<ShutdownResult> | undefined;
  let resolveDone!: (r: ShutdownResult) => void;
  const done = new Promise<ShutdownResult>((r) => {
    resolveDone = r;
  });

  const run = async (reason: string): Promise<ShutdownResult> => {
    log?.info({ reason }, 'shutting down: no new calls');
    await Promise.resolve()
      .then(options.stopAccepting)
      .catch((err: unknown) => log?.error({ err: (err as Error).message }, 'stopAccepting failed'));
    const deadline = setTimeout(() => drainAbort.abort(), options.drainTimeoutMs ?? 30_000);
    const wait = options.waitForIdle ?? pollIdle(options.activeCalls);
    try {
      await Promise.race([
        wait(drainAbort.signal),
        new Promise<void>((r) => drainAbort.signal.addEventListener('abort', () => r())),
      ]);
    } catch (err) {
      log?.warn({ err: (err as Error).message }, 'waiting for calls failed');
    } finally {
      clearTimeout(deadline);
    }
    const remainingCalls = options.activeCalls();
    if (remainingCalls > 0) log?.warn({ remainingCalls }, 'drain deadline: calls still active');
    const flushed: Record<string, string> = {};
    for (const f of options.flushers ?? []) {
      try {
        await flushWithin(f, options.flushTimeoutMs ?? 10_000);
        flushed[f.name] = 'ok';
      } catch (err) {
        flushed[f.name] = (err as Error).message;
        log?.error({ flusher: f.name, err: flushed[f.name] }, 'flush failed at shutdown');
      }
    }
    const result = { reason, drained: remainingCalls === 0, remainingCalls, flushed, forced };
    log?.info(result, 'shutdown complete');
    return result;
  };

  const shutdown = (reason = 'shutdown'): Promise<ShutdownResult> => {
    running ??= run(reason).then((r) => {
      resolveDone(r);
      return r;
    });
    return running;
  };

  const onSignal = (signal: string) => {
    if (running) {
      forced = true;
      log?.warn({ signal }, 'second signal: forcing shutdown');
      drainAbort.abort();
      (options.onForce ?? (() => process.exit(130)))();
      return;
    }
    void shutdown(signal);
  };
  const listeners = signals.map((s) => [s, () => onSignal(s)] as const);
  for (const [s, l] of listeners) emitter.on(s, l);

  return {
    done,
    shutdown,
    dispose() {
      for (const [s, l] of listeners) emitter.off(s, l);
    },
  };
}
