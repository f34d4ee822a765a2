/**
 * The programmatic entry point: a runtime connected to Asterisk in one call, for scripts and
 * applications that place or answer calls without the `voxstate serve` loop (`voxstate call`
 * uses it).
 *
 * @module
 */
import { type RuntimeConfig, runtimeConfigFromEnv } from './config.js';
import { type CallHandle, Runtime, type RuntimeOptions } from './runtime.js';
import { connectTelephony, type Telephony } from './telephony.js';
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
  /** Stops waiting for ARI (it is retried with backoff while unreachable). */
  signal?: AbortSignal;
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
  /** Hangs up the calls in progress, flushes call records, closes every connection and pool. */
  close(): Promise<void>;
}

/**
 * Builds the runtime, connects it to ARI (retrying while Asterisk is unreachable) and starts the
 * Stasis application: inbound calls are answered from then on.
 *
 * @throws {ConfigError} on a wrong setting, {@link TelephonyError} on rejected ARI credentials.
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
  const runtime = await Runtime.create({ ...options.runtime, config });
  let telephony: Telephony;
  try {
    telephony = await connectTelephony(
      runtime,
      telephonyConfig,
      options.signal ? { signal: options.signal } : {},
    );
  } catch (err) {
    await runtime.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    runtime,
    telephony,
    originate: (endpoint, originateOptions) => telephony.originate(endpoint, originateOptions),
    close() {
      closing ??= (async () => {
        await telephony.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}
