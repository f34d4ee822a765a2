/**
 * The production serve loop behind `voxstate serve`: configuration from the environment (secrets
 * only there), the runtime, call-record retention at start-up, the operations server
 * (`/metrics`, `/healthz`, `/readyz`, `/calls`), the Stately inspector when asked for, the ARI
 * application (reconnecting with backoff), and a graceful shutdown on SIGTERM/SIGINT: no new
 * calls, active calls drain up to `VOXSTATE_DRAIN_MS`, the rest are hung up, call records and
 * the dead-letter queue are flushed, everything is closed.
 *
 * The operations server listens before ARI is reached, so `/readyz` answers 503 while Asterisk
 * is not connected (or the instance is draining) and 200 once it is.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import { enforceRetention, retentionDaysFromEnv } from '../calllog/retention.js';
import { openCallStore } from '../cost/store.js';
import { ConfigError, isAbortError } from '../errors.js';
import { createOpsServer, type OpsServer, type ReadinessState } from '../ops/server.js';
import {
  type GracefulShutdown,
  installGracefulShutdown,
  type ShutdownResult,
} from '../ops/shutdown.js';
import {
  type CallInspector,
  createCallInspector,
  inspectorOptions,
} from '../telemetry/inspector.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createRegistry } from '../telemetry/metrics.js';
import { activeCallInfo } from './active-calls.js';
import { type RuntimeConfig, runtimeConfigFromEnv } from './config.js';
import { Runtime, type RuntimeOptions } from './runtime.js';
import { type ServeConfig, serveConfigFromEnv } from './serve-config.js';
import { connectTelephony, type Telephony } from './telephony.js';
import { type TelephonyConfig, telephonyConfigFromEnv } from './telephony-config.js';

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Where configuration and secrets are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Command-line words, for `--inspect[=port]` and `--inspect-pii`. */
  argv?: readonly string[];
  logger?: Logger;
  /** Where the logger built from the environment writes (default stdout); ignored with `logger`. */
  logDestination?: NodeJS.WritableStream;
  registry?: Registry;
  /** Where SIGTERM/SIGINT come from; default `process` (tests pass an emitter). */
  emitter?: EventEmitter;
  /** Runs on a second signal during the drain; default `process.exit(130)`. */
  onForce?: () => void;
  /** Changes to the runtime configuration after it is read. */
  configure?: (config: RuntimeConfig) => RuntimeConfig;
  /**
   * Extra runtime options, e.g. `scriptText` when serving the simulated Asterisk with
   * `VOXSTATE_STT=script`, or `recordCalls: false`.
   */
  runtimeOptions?: Omit<RuntimeOptions, 'config' | 'logger' | 'registry' | 'inspect'>;
}

/** A running `voxstate serve`. */
export interface VoxstateServer {
  runtime: Runtime;
  /** Base URL of the operations server. */
  opsUrl: string;
  /** The inspector, when enabled. */
  inspector: CallInspector | undefined;
  config: { runtime: RuntimeConfig; telephony: TelephonyConfig; serve: ServeConfig };
  /**
   * Resolves once ARI is connected and the Stasis app started; rejects when it cannot connect
   * for good (wrong credentials), after which the server shuts itself down.
   */
  telephony: Promise<Telephony>;
  /** Starts a graceful shutdown (as SIGTERM does); the same promise on later calls. */
  shutdown(reason?: string): Promise<ShutdownResult>;
  /** Resolves when a shutdown has completed and everything is closed. */
  done: Promise<ShutdownResult>;
}

function addressInUse(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  }
  return false;
}

/** The ARI URL without credentials, for logs. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

async function retention(
  config: RuntimeConfig,
  days: number,
  enabled: boolean,
  logger: Logger,
): Promise<void> {
  if (!enabled) return;
  try {
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
 * Starts serving: reads and checks every setting first (a wrong one throws a `ConfigError`
 * naming the variable before anything starts), then builds the runtime, enforces retention,
 * starts the ops server and the inspector, installs the graceful shutdown and connects to ARI in
 * the background.
 *
 * @example
 * ```ts
 * const server = await serve({ argv: process.argv.slice(2) });
 * await server.telephony;  // connected to Asterisk
 * const result = await server.done; // after SIGTERM: { drained: true, remainingCalls: 0, ... }
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<VoxstateServer> {
  const env = options.env ?? process.env;
  const configure = options.configure ?? ((c: RuntimeConfig) => c);
  const config = configure(runtimeConfigFromEnv(env));
  const telephonyConfig = telephonyConfigFromEnv(env);
  const serveConfig = serveConfigFromEnv(env);
  const retentionDays = retentionDaysFromEnv(env);
  const inspectOptions = inspectorOptions(options.argv ?? [], env);
  const logger =
    options.logger ??
    createLogger({
      level: env.VOXSTATE_LOG_LEVEL || 'info',
      redact: !config.logPii,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
  const registry = options.registry ?? createRegistry();

  const inspector = inspectOptions ? await createCallInspector(inspectOptions) : undefined;
  if (inspector) {
    logger.info(
      { url: inspector.pageUrl ?? inspector.url, personalData: inspector.allowPersonalData },
      'Stately inspector on: open the page to watch live calls',
    );
  }
  let runtime: Runtime;
  try {
    runtime = await Runtime.create({
      ...options.runtimeOptions,
      config,
      logger,
      registry,
      ...(inspector ? { inspect: inspector.inspect } : {}),
    });
  } catch (err) {
    await inspector?.stop();
    throw err;
  }
  await retention(config, retentionDays, options.runtimeOptions?.recordCalls ?? true, logger);

  let telephony: Telephony | undefined;
  let draining = false;
  const connectAbort = new AbortController();
  const ops: OpsServer = createOpsServer({
    registry,
    host: serveConfig.opsHost,
    port: serveConfig.opsPort,
    ...(serveConfig.opsToken ? { token: serveConfig.opsToken } : {}),
    logger,
    readiness: (): Record<string, ReadinessState> => ({
      ari: telephony?.ari.connected ? true : telephony ? 'disconnected' : 'connecting',
      accepting: draining ? 'draining' : true,
      ...runtime.readiness(),
    }),
    calls: () => activeCallInfo(runtime.handles()),
  });
  let opsUrl: string;
  try {
    ({ url: opsUrl } = await ops.listen());
  } catch (err) {
    await runtime.close();
    await inspector?.stop();
    throw new ConfigError(
      `VOXSTATE_OPS_HOST/VOXSTATE_OPS_PORT: cannot listen on ${serveConfig.opsHost}:${serveConfig.opsPort} (${(err as Error).message})`,
      { cause: err },
    );
  }

  const graceful: GracefulShutdown = installGracefulShutdown({
    stopAccepting: () => {
      draining = true;
      connectAbort.abort();
      telephony?.stopAccepting();
    },
    activeCalls: () => Math.max(runtime.activeCalls, telephony?.app.activeCalls ?? 0),
    drainTimeoutMs: serveConfig.drainMs,
    flushers: [
      // Hangs up the calls the drain deadline left, then closes ARI and the media server.
      {
        name: 'telephony',
        flush: async () => (await connected.catch(() => undefined))?.close(),
      },
      // Ends what is left, writes pending call records, stops the dead-letter queue, the pools.
      { name: 'runtime', flush: () => runtime.close() },
    ],
    ...(options.emitter ? { emitter: options.emitter } : {}),
    ...(options.onForce ? { onForce: options.onForce } : {}),
    logger,
  });
  const done = graceful.done.then(async (result) => {
    graceful.dispose();
    await ops.close();
    await inspector?.stop();
    return result;
  });

  const connected = connectTelephony(runtime, telephonyConfig, { signal: connectAbort.signal });
  const telephonyReady = connected.then(
    (t) => {
      telephony = t;
      if (draining) t.stopAccepting();
      logger.info(
        {
          ari: publicUrl(telephonyConfig.ariUrl),
          ariUser: telephonyConfig.ariUser,
          app: telephonyConfig.app,
          transport: telephonyConfig.transport,
          ops: opsUrl,
        },
        `voxstate serving: ARI ${publicUrl(telephonyConfig.ariUrl)} app "${telephonyConfig.app}", ` +
          `media ${telephonyConfig.transport}, ops ${opsUrl}`,
      );
      return t;
    },
    (cause: unknown) => {
      const err = addressInUse(cause)
        ? new ConfigError(
            `VOXSTATE_MEDIA_BIND/VOXSTATE_MEDIA_PORT: cannot listen for call audio on ${telephonyConfig.mediaBindHost}:${telephonyConfig.mediaPort} (${(cause as Error).message})`,
            { cause },
          )
        : cause;
      if (!isAbortError(err)) {
        logger.error({ err: (err as Error).message }, 'cannot start telephony: shutting down');
        void graceful.shutdown('telephony failed');
      }
      throw err;
    },
  );
  telephonyReady.catch(() => undefined);

  return {
    runtime,
    opsUrl,
    inspector,
    config: { runtime: config, telephony: telephonyConfig, serve: serveConfig },
    telephony: telephonyReady,
    shutdown: (reason) => graceful.shutdown(reason),
    done,
  };
}
