/**
 * The start-up steps of `voxstate serve` (and `startVoxstate`) that must fail fast, before the
 * slow ones (model loads, the speech pre-warm): binding the operations and media ports, checking
 * the ARI credentials, and turning SIGTERM/SIGINT during start-up into a clean stop. Each failure
 * is one `ConfigError` or `TelephonyError` line naming what to fix. This module loads nothing
 * heavy, so that a taken port is reported within moments of the process starting.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import { enforceRecordingRetention, repairRecordings } from '../calllog/recordings.js';
import { enforceRetention } from '../calllog/retention.js';
import { AbortedError, ConfigError, VoxstateError } from '../errors.js';
import { AudioSocketServer } from '../media/audiosocket-server.js';
import type { OpsServer } from '../ops/server.js';
import type { Logger } from '../telemetry/logger.js';
import type { RuntimeConfig } from './config.js';
import type { ServeConfig } from './serve-config.js';
import type { TelephonyConfig } from './telephony-config.js';

/** True when `err` (or one of its causes) is EADDRINUSE. */
export function addressInUse(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  }
  return false;
}

/** `err` as the one-line error about the media port, when the port was the problem. */
export function mediaPortError(err: unknown, config: TelephonyConfig): unknown {
  if (!addressInUse(err)) return err;
  return new ConfigError(
    `VOXSTATE_MEDIA_BIND/VOXSTATE_MEDIA_PORT: cannot listen for call audio on ${config.mediaBindHost}:${config.mediaPort} (${(err as Error).message})`,
    { cause: err },
  );
}

/** Starts the operations server; a taken port is a `ConfigError` naming the variables. */
export async function listenOps(ops: OpsServer, config: ServeConfig): Promise<string> {
  try {
    return (await ops.listen()).url;
  } catch (err) {
    await ops.close().catch(() => undefined);
    throw new ConfigError(
      `VOXSTATE_OPS_HOST/VOXSTATE_OPS_PORT: cannot listen on ${config.opsHost}:${config.opsPort} (${(err as Error).message})`,
      { cause: err },
    );
  }
}

/**
 * Opens the AudioSocket server Asterisk sends call audio to, when the transport is AudioSocket
 * (RTP binds a socket per call): a taken port fails here, at once, with a `TelephonyError`.
 *
 * @example
 * ```ts
 * const media = await listenForMedia(config); // before the slow start-up work
 * const telephony = await connectTelephony(runtime, config, { media });
 * ```
 */
export async function listenForMedia(
  config: TelephonyConfig,
): Promise<AudioSocketServer | undefined> {
  if (config.transport !== 'audiosocket') return undefined;
  const audio = new AudioSocketServer({ host: config.mediaBindHost, port: config.mediaPort });
  try {
    await audio.listen();
  } catch (err) {
    await audio.close();
    throw err;
  }
  return audio;
}

/** Opens the AudioSocket server (AudioSocket transport); a taken port is a `ConfigError`. */
export async function listenMedia(config: TelephonyConfig): Promise<AudioSocketServer | undefined> {
  try {
    return await listenForMedia(config);
  } catch (err) {
    throw mediaPortError(err, config);
  }
}

/**
 * Checks the ARI credentials while the runtime is being built. Wrong credentials (or any
 * other non-retryable answer) abort `startup` with the error, so that start-up stops at once;
 * an Asterisk that is not up yet is only logged, the connection is retried once the runtime is
 * ready. `signal` abandons the check (the start-up does not wait for a slow Asterisk).
 */
export async function checkAriEarly(
  config: TelephonyConfig,
  startup: AbortController,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  try {
    // Loaded here, beside the runtime, not before the ports are bound (ari-client is heavy).
    const { probeAri } = await import('../telephony/ari-connection.js');
    await probeAri(config.ariUrl, config.ariUser, config.ariPassword, 10_000, signal);
  } catch (err) {
    if (signal.aborted || startup.signal.aborted) return;
    if (err instanceof VoxstateError && !err.retryable) {
      startup.abort(err);
      return;
    }
    logger.warn(
      { err: (err as Error).message },
      'ARI not reachable yet: connecting once the runtime is ready',
    );
  }
}

/**
 * Listens for SIGTERM/SIGINT during start-up: the first signal aborts `startup` (the pre-warm
 * and the ARI check stop, what was built is closed), a second one runs `onForce`.
 * Returns the function that removes the listeners.
 */
export function stopOnSignalDuringStartup(
  emitter: EventEmitter,
  startup: AbortController,
  logger: Logger,
  onForce: () => void,
): () => void {
  const listeners = (['SIGTERM', 'SIGINT'] as const).map((signal) => {
    const listener = () => {
      if (startup.signal.aborted) {
        logger.warn({ signal }, 'second signal during start-up: forcing exit');
        onForce();
        return;
      }
      logger.info({ signal }, 'signal during start-up: stopping');
      startup.abort(new AbortedError(`start-up (stopped by ${signal})`));
    };
    emitter.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) emitter.off(signal, listener);
  };
}

/** The reason start-up was aborted, as an error to throw (a voxstate error, one line). */
export function startupAbortReason(signal: AbortSignal): VoxstateError {
  return signal.reason instanceof VoxstateError
    ? signal.reason
    : new AbortedError('start-up', { cause: signal.reason });
}

/** Deletes call records past the retention period; a failure is logged, never fatal. */
export async function enforceRetentionAtStart(
  config: RuntimeConfig,
  days: number,
  enabled: boolean,
  logger: Logger,
): Promise<void> {
  if (!enabled) return;
  try {
    const { openCallStore } = await import('../cost/store.js');
    const store = await openCallStore({ dataDir: config.knowledge.dataDir });
    try {
      const { deleted, cutoff } = await enforceRetention(store, days);
      logger.info(
        { retentionDays: days, deleted, cutoff: new Date(cutoff).toISOString() },
        'call-record retention enforced',
      );
    } finally {
      store.close();
    }
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'call-record retention failed at start-up');
  }
}

/**
 * Finishes recordings a crash left open (their headers) and deletes those past their retention;
 * a failure is logged, never fatal.
 */
export async function enforceRecordingRetentionAtStart(
  dataDir: string,
  days: number,
  logger: Logger,
): Promise<void> {
  try {
    const { repaired } = await repairRecordings(dataDir);
    if (repaired.length > 0) logger.warn({ repaired }, 'recordings left by a crash finished');
    const { deleted, kept } = await enforceRecordingRetention(dataDir, days);
    if (deleted > 0)
      logger.info({ retentionDays: days, deleted, kept }, 'recording retention enforced');
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'recording retention failed at start-up');
  }
}
