/**
 * Settings of `voxstate serve` beyond the runtime and telephony: where the operations server
 * listens, its bearer token (a secret, so only from the environment) and how long a graceful
 * shutdown waits for calls in progress.
 *
 * @module
 */
import { type Config, type RawEnv, readEnv } from '../config/schema.js';

/** Settings of the serve loop. */
export interface ServeConfig {
  /** Interface of the operations server (`VOXSTATE_OPS_HOST`, default `127.0.0.1`). */
  opsHost: string;
  /** Port of the operations server (`VOXSTATE_OPS_PORT`, default 9464; 0 picks a free one). */
  opsPort: number;
  /** Bearer token for every ops endpoint but `/healthz` (`VOXSTATE_OPS_TOKEN`); a secret. */
  opsToken: string | undefined;
  /** Longest wait for calls in progress at shutdown, ms (`VOXSTATE_DRAIN_MS`, default 30000). */
  drainMs: number;
}

/**
 * Reads the serve settings from the environment.
 *
 * @throws {ConfigError} naming the variable on a wrong value.
 * @example
 * ```ts
 * const { opsHost, opsPort, drainMs } = serveConfigFromEnv(process.env);
 * ```
 */
export function serveConfigFromEnv(env: RawEnv = process.env): ServeConfig {
  return serveConfig(readEnv(env));
}

/** The serve settings from the parsed environment ({@link readEnv}). */
export function serveConfig(c: Config): ServeConfig {
  return {
    opsHost: c.VOXSTATE_OPS_HOST,
    opsPort: c.VOXSTATE_OPS_PORT,
    opsToken: c.VOXSTATE_OPS_TOKEN,
    drainMs: c.VOXSTATE_DRAIN_MS,
  };
}
