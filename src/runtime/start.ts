/**
 * The programmatic entry point: a runtime connected to Asterisk in one call, for scripts and
 * applications that place or answer calls without the `voxstate serve` loop (`voxstate call`
 * uses it).
 *
 * @module
 */

import { silentLogger } from '../telemetry/logger.js';
import { type RuntimeConfig, runtimeConfigFromEnv } from './config.js';
import type { OutboundCall } from './outbound-amd.js';
import { type CallHandle, Runtime, type RuntimeOptions } from './runtime.js';
import { checkAriEarly, startupAbortReason } from './startup.js';
import { connectTelephony, listenForMedia, type Telephony } from './telephony.js';
import { type TelephonyConfig, telephonyConfigFromEnv } from './telephony-config.js';

/** Options of {@link startVoxstate}. */
export interface StartVoxstateOptions {
  /** Runtime configuration; default `runtimeConfigFromEnv(env)`. */
  config?: RuntimeConfig;
  /** ARI and media settings; default `telephonyConfigFromEnv(env)`. */
  telephony?: TelephonyConfig;
  /** Where the defaults are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Everything else the runtime takes (logger, registry, inspector observer...). */
  runtime?: Omit<RuntimeOptions, 'config'>;
  /**
   * Stops the start-up: the ARI connection attempts (retried with backoff while Asterisk is
   * unreachable) and the speech pre-warm. Everything opened is closed before it rejects.
   */
  signal?: AbortSignal;
  /** Longest time for the ARI connection attempts, ms; default: retry until `signal` aborts. */
  connectDeadlineMs?: number;
}

/** A runtime connected to Asterisk. */
export interface Voxstate {
  runtime: Runtime;
  telephony: Telephony;
  /**
   * Places an outbound call and runs it (the bot speaks first); resolves with its handle once
   * the callee answered. `handle.done` resolves with the call's outcome.
   */
  originate(endpoint: string, options?: Parameters<Telephony['originate']>[1]): Promise<CallHandle>;
  /** Places an outbound call with answering-machine detection when `VOXSTATE_AMD` is on. */
  dial(endpoint: string, options?: Parameters<Telephony['dial']>[1]): Promise<OutboundCall>;
  /** Hangs up the calls in progress, flushes call records, closes every connection and pool. */
  close(): Promise<void>;
}

/**
 * Opens the media port, builds the runtime, connects it to ARI (retrying while Asterisk is
 * unreachable, up to `connectDeadlineMs`) and starts the Stasis application: inbound calls are
 * answered from then on. On any failure everything opened so far is closed.
 *
 * @throws {ConfigError} on a wrong setting, {@link TelephonyError} on rejected ARI credentials
 *   or when `connectDeadlineMs` passed, AbortedError when `signal` aborted.
 * @example
 * ```ts
 * const vox = await startVoxstate({ env: process.env });
 * const call = await vox.originate('PJSIP/1000', { purpose: 'appointment reminder' });
 * console.log(await call.done); // { endReason: 'hangup', turns: 2, ... }
 * await vox.close();
 * ```
 */
export async function startVoxstate(options: StartVoxstateOptions = {}): Promise<Voxstate> {
  const env = options.env ?? process.env;
  const config = options.config ?? runtimeConfigFromEnv(env);
  const telephonyConfig = options.telephony ?? telephonyConfigFromEnv(env);
  // The media port first: a taken one fails before the slow start-up work. The ARI
  // credentials are checked while the runtime is built: wrong ones stop the start-up at once.
  const media = await listenForMedia(telephonyConfig);
  const startup = new AbortController();
  const forward = () => startup.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener('abort', forward, { once: true });
  const probeDone = new AbortController();
  const logger = options.runtime?.logger ?? silentLogger();
  let runtime: Runtime;
  try {
    const ariChecked = checkAriEarly(
      telephonyConfig,
      startup,
      AbortSignal.any([startup.signal, probeDone.signal]),
      logger,
    );
    try {
      runtime = await Runtime.create({ ...options.runtime, config, signal: startup.signal });
    } finally {
      probeDone.abort();
      await ariChecked;
    }
    if (startup.signal.aborted) {
      await runtime.close();
      throw startupAbortReason(startup.signal);
    }
  } catch (err) {
    options.signal?.removeEventListener('abort', forward);
    await media?.close();
    throw startup.signal.aborted ? startupAbortReason(startup.signal) : err;
  }
  options.signal?.removeEventListener('abort', forward);
  let telephony: Telephony;
  try {
    telephony = await connectTelephony(runtime, telephonyConfig, {
      ...(media ? { media } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.connectDeadlineMs !== undefined
        ? { connectDeadlineMs: options.connectDeadlineMs }
        : {}),
    });
  } catch (err) {
    await runtime.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    runtime,
    telephony,
    originate: (endpoint, originateOptions) => telephony.originate(endpoint, originateOptions),
    dial: (endpoint, originateOptions) => telephony.dial(endpoint, originateOptions),
    close() {
      closing ??= (async () => {
        await telephony.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}
