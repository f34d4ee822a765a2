/**
 * Connects a runtime to Asterisk: the ARI connection (with its guards and reconnects), the
 * media server Asterisk sends call audio to, and the Stasis application that turns each caller
 * channel into a call of the runtime.
 *
 * @module
 */
import type { AudioSocketServer } from '../media/audiosocket-server.js';
import { AriApp, type OriginateOptions } from '../telephony/ari-app.js';
import type { AriConnection } from '../telephony/ari-connection.js';
import { connectAriWithRetry } from '../telephony/ari-retry.js';
import { type OutboundCall, runOutbound } from './outbound-amd.js';
import type { CallHandle, Runtime } from './runtime.js';
import { listenForMedia } from './startup.js';
import type { TelephonyConfig } from './telephony-config.js';

export { listenForMedia } from './startup.js';

/** A runtime attached to Asterisk. */
export interface Telephony {
  ari: AriConnection;
  app: AriApp;
  /** Places an outbound call; the bot speaks first. */
  originate(
    endpoint: string,
    options?: OriginateOptions & { purpose?: string },
  ): Promise<CallHandle>;
  /**
   * Places an outbound call with answering-machine detection when `VOXSTATE_AMD` is on; resolves
   * once the callee is classified (and, for a machine, dealt with).
   */
  dial(endpoint: string, options?: OriginateOptions & { purpose?: string }): Promise<OutboundCall>;
  /** Stops taking new calls (graceful shutdown); calls in progress go on. */
  stopAccepting(): void;
  /** Stops taking calls, hangs up the calls in progress, closes the connections. */
  close(): Promise<void>;
}

/** Options of {@link connectTelephony}. */
export interface ConnectTelephonyOptions {
  /** Stops the ARI connection attempts (AbortedError); what was opened is closed. */
  signal?: AbortSignal;
  /** Longest time for the ARI connection attempts, ms; default: retry until aborted. */
  connectDeadlineMs?: number;
  /**
   * The AudioSocket server, already listening (see `listenForMedia`); by default one is
   * opened here. Either way it belongs to the telephony from then on: closed on failure and
   * by `close()`.
   */
  media?: AudioSocketServer;
}

/**
 * Connects `runtime` to Asterisk with `config`. On failure or abort every server and socket it
 * opened (or was given) is closed before it rejects.
 *
 * @example
 * ```ts
 * const telephony = await connectTelephony(runtime, telephonyConfigFromEnv());
 * // calls now run; on shutdown:
 * await telephony.close();
 * ```
 */
export async function connectTelephony(
  runtime: Runtime,
  config: TelephonyConfig,
  options: ConnectTelephonyOptions = {},
): Promise<Telephony> {
  const audio = options.media ?? (await listenForMedia(config));
  try {
    return await attach(runtime, config, audio, options);
  } catch (err) {
    await audio?.close();
    throw err;
  }
}

async function attach(
  runtime: Runtime,
  config: TelephonyConfig,
  audio: AudioSocketServer | undefined,
  options: ConnectTelephonyOptions,
): Promise<Telephony> {
  const { logger, registry } = runtime;
  const mediaHost = audio
    ? `${config.mediaExternalHost}:${audio.address().port}`
    : config.mediaExternalHost;
  const ari = await connectAriWithRetry(
    {
      url: config.ariUrl,
      user: config.ariUser,
      password: config.ariPassword,
      app: config.app,
      requestTimeoutMs: config.requestTimeoutMs,
      logger,
      registry,
    },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.connectDeadlineMs !== undefined ? { deadlineMs: options.connectDeadlineMs } : {}),
      onRetry: (err, delayMs) =>
        logger.warn({ err: err.message, delayMs }, 'ARI not reachable; retrying'),
    },
  );
  const app = new AriApp({
    ari,
    app: config.app,
    media:
      config.transport === 'audiosocket' && audio
        ? { transport: 'audiosocket', server: audio, externalHost: mediaHost }
        : {
            transport: 'rtp',
            externalAddress: config.mediaExternalHost,
            bindHost: config.mediaBindHost,
          },
    logger,
    registry,
  });
  app.on('call', (call) => {
    if (call.direction === 'inbound') runtime.startCall(call);
  });
  app.on('callFailed', (channelId, err) =>
    logger.warn({ channelId, err: err.message }, 'call set-up failed'),
  );
  app.start();
  logger.info(
    { app: config.app, transport: config.transport, media: mediaHost },
    'ARI application started',
  );
  return {
    ari,
    app,
    async originate(endpoint, originateOptions = {}) {
      const { purpose, ...rest } = originateOptions;
      const call = await app.originate(endpoint, rest);
      return runtime.startCall(call, purpose ? { purpose } : {});
    },
    async dial(endpoint, originateOptions = {}) {
      const { purpose, ...rest } = originateOptions;
      const call = await app.originate(endpoint, rest);
      return runOutbound(runtime, call, purpose ? { purpose } : {});
    },
    stopAccepting() {
      app.stopAccepting();
    },
    async close() {
      app.stopAccepting();
      await app.stop(true);
      await ari.close();
      await audio?.close();
    },
  };
}
