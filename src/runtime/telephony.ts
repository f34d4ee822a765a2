/**
 * Connects a runtime to Asterisk: the ARI connection (with its guards and reconnects), the
 * media server Asterisk sends call audio to, and the Stasis application that turns each caller
 * channel into a call of the runtime.
 *
 * @module
 */
import { AudioSocketServer } from '../media/audiosocket-server.js';
import { AriApp, type OriginateOptions } from '../telephony/ari-app.js';
import { type AriConnection, connectAriWithRetry } from '../telephony/ari-connection.js';
import type { CallHandle, Runtime } from './runtime.js';
import type { TelephonyConfig } from './telephony-config.js';

/** A runtime attached to Asterisk. */
export interface Telephony {
  ari: AriConnection;
  app: AriApp;
  /** Places an outbound call; the bot speaks first. */
  originate(
    endpoint: string,
    options?: OriginateOptions & { purpose?: string },
  ): Promise<CallHandle>;
  /** Stops taking new calls (graceful shutdown); calls in progress go on. */
  stopAccepting(): void;
  /** Stops taking calls, hangs up the calls in progress, closes the connections. */
  close(): Promise<void>;
}

/**
 * Connects `runtime` to Asterisk with `config`.
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
  options: { signal?: AbortSignal } = {},
): Promise<Telephony> {
  const { logger, registry } = runtime;
  let audio: AudioSocketServer | undefined;
  let mediaHost = config.mediaExternalHost;
  if (config.transport === 'audiosocket') {
    audio = new AudioSocketServer({ host: config.mediaBindHost, port: config.mediaPort });
    const bound = await audio.listen();
    mediaHost = `${config.mediaExternalHost}:${bound.port}`;
  }
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
  await app.start();
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
