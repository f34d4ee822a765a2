/**
 * Settings of `voxstate serve` beyond the runtime and telephony: where the operations server
 * listens, its bearer token (a secret, so only from the environment) and how long a graceful
 * shutdown waits for calls in progress.
 *
 * @module
 */
import { ConfigError } from '../errors.js';

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

/** Default operations server port (Prometheus exporters' customary range). */
export const DEFAULT_OPS_PORT = 9464;
/** Default drain deadline at shutdown, ms. */
export const DEFAULT_DRAIN_MS = 30_000;

/**
 * Reads the serve settings from the environment.
 *
 * @throws {ConfigError} naming the variable on a wrong value.
 * @example
 * ```ts
 * const { opsHost, opsPort, drainMs } = serveConfigFromEnv(process.env);
 * ```
 */
export function serveConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const rawPort = env.VOXSTATE_OPS_PORT;
  let opsPort = DEFAULT_OPS_PORT;
  if (rawPort !== undefined && rawPort !== '') {
    opsPort = Number(rawPort);
    if (!/^\d+$/.test(rawPort.trim()) || opsPort > 65_535) {
      throw new ConfigError(`VOXSTATE_OPS_PORT must be a port number 0-65535, got "${rawPort}"`);
    }
  }
  const rawDrain = env.VOXSTATE_DRAIN_MS;
  let drainMs = DEFAULT_DRAIN_MS;
  if (rawDrain !== undefined && rawDrain !== '') {
    drainMs = Number(rawDrain);
    if (!Number.isFinite(drainMs) || drainMs < 0 || drainMs > 86_400_000) {
      throw new ConfigError(
        `VOXSTATE_DRAIN_MS must be a number of milliseconds from 0 to 86400000, got "${rawDrain}"`,
      );
    }
  }
  const opsHost = env.VOXSTATE_OPS_HOST || '127.0.0.1';
  if (/[\s/]/.test(opsHost)) {
    throw new ConfigError(
      `VOXSTATE_OPS_HOST must be a host name or IP address, got "${env.VOXSTATE_OPS_HOST}"`,
    );
  }
  return { opsHost, opsPort, opsToken: env.VOXSTATE_OPS_TOKEN || undefined, drainMs };
}
