/**
 * The production serve loop behind `voxstate serve`: configuration from the environment (secrets
 * only there), the runtime, call-record retention at start-up, the operations server
 * (`/metrics`, `/healthz`, `/readyz`, `/calls`), the Stately inspector when asked for, the ARI
 * application (reconnecting with backoff), and a graceful shutdown on SIGTERM/SIGINT: no new
 * calls, active calls drain up to `VOXSTATE_DRAIN_MS`, the rest are hung up, call records and
 * the dead-letter queue are flushed, everything is closed.
 *
 * The operations and media ports are bound first, so a taken port is reported at once; the
 * operations server answers `/readyz` 503 while the runtime starts and Asterisk is not
 * connected (or the instance is draining), and 200 once the Stasis application is registered.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import { readEnv } from '../config/schema.js';
import { createConsole } from '../console/console.js';
import { isAbortError } from '../errors.js';
import type { AudioSocketServer } from '../media/audiosocket-server.js';
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
import { type Tracing, tracingOptionsOf } from '../tracing/setup.js';
import { activeCallInfo, consoleCallOf, keepWhenEnded } from './active-calls.js';
import { type RuntimeConfig, runtimeConfig } from './config.js';
import type { Runtime, RuntimeOptions } from './runtime.js';
import { type ServeConfig, serveConfig as serveConfigOf } from './serve-config.js';
import {
  checkAriEarly,
  enforceRecordingRetentionAtStart,
  enforceRetentionAtStart,
  listenMedia,
  listenOps,
  mediaPortError,
  startupAbortReason,
  stopOnSignalDuringStartup,
} from './startup.js';
import type { Telephony } from './telephony.js';
import { type TelephonyConfig, telephonyConfig as telephonyConfigOf } from './telephony-config.js';

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
  /** Runs on a second signal (during the start-up or the drain); default `process.exit(130)`. */
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

async function loadModules() {
  const [{ Runtime }, { connectTelephony }] = await Promise.all([
    import('./runtime.js'),
    import('./telephony.js'),
  ]);
  return { Runtime, connectTelephony };
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

/**
 * Starts serving. In order: reads and checks every setting (a wrong one throws a `ConfigError`
 * naming the variable before anything starts); binds the operations port and the media port
 * (a taken port fails here, at once); builds the runtime while checking the ARI credentials
 * (wrong ones stop the start-up as soon as Asterisk answers); pre-warms the greetings and
 * fillers; then connects to ARI in the background and registers the Stasis application. The
 * other fixed phrases are pre-warmed in the background after that. `/readyz` answers 503 until
 * the application is registered, 200 from then on.
 *
 * Every exit path (a failure at any step, SIGTERM during start-up or during the ARI retries, a
 * shutdown) closes every server, pool and socket it opened.
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
  const settings = readEnv(env);
  const config = configure(runtimeConfig(settings));
  const telephonyConfig = telephonyConfigOf(settings);
  const serveConfig = serveConfigOf(settings);
  const retentionDays = settings.VOXSTATE_RETENTION_DAYS;
  const inspectOptions = inspectorOptions(options.argv ?? [], env);
  const logger =
    options.logger ??
    createLogger({
      level: settings.VOXSTATE_LOG_LEVEL ?? 'info',
      redact: !config.logPii,
      ...(options.logDestination ? { destination: options.logDestination } : {}),
    });
  const registry = options.registry ?? createRegistry();
  const emitter = options.emitter ?? process;
  const onForce = options.onForce ?? (() => process.exit(130));

  let runtime: Runtime | undefined;
  let telephony: Telephony | undefined;
  let draining = false;
  let inspector: CallInspector | undefined;
  const web = createConsole({
    live: () => (runtime ? runtime.handles().map((h) => consoleCallOf(h)) : []),
    showText: config.logTranscripts,
    dataDir: settings.VOXSTATE_DATA_DIR ?? './data',
    inspectorUrl: () => inspector?.pageUrl ?? inspector?.url,
    costReport: async () => {
      // LanceDB loads only when the costs page is opened.
      const [{ openCallStore }, { buildCostReport }] = await Promise.all([
        import('../cost/store.js'),
        import('../cost/report.js'),
      ]);
      const store = await openCallStore(
        settings.VOXSTATE_DATA_DIR ? { dataDir: settings.VOXSTATE_DATA_DIR } : {},
      );
      try {
        return buildCostReport(await store.queryCalls({ since: Date.now() - 30 * 86_400_000 }));
      } finally {
        store.close();
      }
    },
  });
  const ops: OpsServer = createOpsServer({
    registry,
    host: serveConfig.opsHost,
    port: serveConfig.opsPort,
    ...(serveConfig.opsToken ? { token: serveConfig.opsToken } : {}),
    logger,
    readiness: (): Record<string, ReadinessState> => ({
      ari: telephony?.ari.connected ? true : telephony ? 'disconnected' : 'connecting',
      accepting: draining ? 'draining' : true,
      ...(runtime ? runtime.readiness() : { runtime: 'starting' }),
    }),
    calls: () => (runtime ? activeCallInfo(runtime.handles()) : []),
    routes: web.routes,
  });

  const startup = new AbortController();
  const stopListening = stopOnSignalDuringStartup(emitter, startup, logger, onForce);
  const opened: Array<() => Promise<unknown>> = [];
  let opsUrl: string;
  let media: AudioSocketServer | undefined;
  let tracing: Tracing | undefined;
  const tracingOptions = tracingOptionsOf(settings);
  let modules: Awaited<ReturnType<typeof loadModules>>;
  try {
    opsUrl = await listenOps(ops, serveConfig);
    opened.push(() => ops.close());
    media = await listenMedia(telephonyConfig);
    opened.push(async () => media?.close());
    inspector = inspectOptions ? await createCallInspector(inspectOptions) : undefined;
    if (inspector) {
      const i = inspector;
      opened.push(() => i.stop());
      logger.info(
        { url: i.pageUrl ?? i.url, personalData: i.allowPersonalData },
        'Stately inspector on: open the page to watch live calls',
      );
    }
    if (tracingOptions) {
      tracing = await (await import('../tracing/setup.js')).startTracing(tracingOptions);
      const t = tracing;
      opened.push(() => t.shutdown());
      logger.info(
        { exporter: tracingOptions.exporter, url: publicUrl(tracingOptions.url) },
        'OpenTelemetry tracing on: one trace per call',
      );
    }
    // The runtime's modules (models, LanceDB, ari-client...) load only once the ports are held.
    modules = await loadModules();
    const probeDone = new AbortController();
    const probeSignal = AbortSignal.any([startup.signal, probeDone.signal]);
    const ariChecked = checkAriEarly(telephonyConfig, startup, probeSignal, logger);
    try {
      runtime = await modules.Runtime.create({
        ...options.runtimeOptions,
        config,
        logger,
        registry,
        signal: startup.signal,
        ...(inspector ? { inspect: inspector.inspect } : {}),
        ...(tracing ? { tracer: tracing.tracer } : {}),
        onCallStarted: (handle) => {
          options.runtimeOptions?.onCallStarted?.(handle);
          keepWhenEnded(web, handle);
        },
      });
    } finally {
      probeDone.abort();
      await ariChecked;
    }
    const built = runtime;
    opened.push(() => built.close());
    if (startup.signal.aborted) throw startupAbortReason(startup.signal);
    await enforceRetentionAtStart(
      config,
      retentionDays,
      options.runtimeOptions?.recordCalls ?? true,
      logger,
    );
    await enforceRecordingRetentionAtStart(
      config.knowledge.dataDir,
      settings.VOXSTATE_RECORDING_RETENTION_DAYS,
      logger,
    );
    if (startup.signal.aborted) throw startupAbortReason(startup.signal);
  } catch (err) {
    stopListening();
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw startup.signal.aborted ? startupAbortReason(startup.signal) : err;
  }
  stopListening();
  const rt = runtime;

  const connectAbort = new AbortController();
  const graceful: GracefulShutdown = installGracefulShutdown({
    stopAccepting: () => {
      draining = true;
      connectAbort.abort();
      telephony?.stopAccepting();
    },
    activeCalls: () => Math.max(rt.activeCalls, telephony?.app.activeCalls ?? 0),
    drainTimeoutMs: serveConfig.drainMs,
    flushers: [
      // Hangs up the calls the drain deadline left, then closes ARI and the media server (a
      // failed or aborted connect has closed them already).
      {
        name: 'telephony',
        flush: async () => (await connected.catch(() => undefined))?.close(),
      },
      // Ends what is left, writes pending call records, stops the dead-letter queue, the pools.
      { name: 'runtime', flush: () => rt.close() },
      // Exports the spans of the calls that just ended.
      ...(tracing ? [{ name: 'tracing', flush: () => (tracing as Tracing).shutdown() }] : []),
    ],
    emitter,
    onForce,
    logger,
  });
  const done = graceful.done.then(async (result) => {
    graceful.dispose();
    await ops.close();
    await inspector?.stop();
    return result;
  });

  const connected = modules.connectTelephony(rt, telephonyConfig, {
    signal: connectAbort.signal,
    ...(media ? { media } : {}),
  });
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
          startupMs: Math.round(performance.now()),
        },
        `voxstate serving: ARI ${publicUrl(telephonyConfig.ariUrl)} app "${telephonyConfig.app}", ` +
          `media ${telephonyConfig.transport}, ops ${opsUrl}`,
      );
      return t;
    },
    (cause: unknown) => {
      const err = mediaPortError(cause, telephonyConfig);
      if (!isAbortError(err)) {
        logger.error({ err: (err as Error).message }, 'cannot start telephony: shutting down');
        void graceful.shutdown('telephony failed');
      }
      throw err;
    },
  );
  telephonyReady.catch(() => undefined);

  return {
    runtime: rt,
    opsUrl,
    inspector,
    config: { runtime: config, telephony: telephonyConfig, serve: serveConfig },
    telephony: telephonyReady,
    shutdown: (reason) => graceful.shutdown(reason),
    done,
  };
}
