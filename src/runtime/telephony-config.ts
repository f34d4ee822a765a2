/**
 * Telephony settings for `voxstate serve` and `voxstate call`: how to reach ARI and where
 * Asterisk sends the call audio.
 *
 * @module
 */
import { ConfigError } from '../errors.js';

/** ARI and media settings. */
export interface TelephonyConfig {
  /** ARI base URL, e.g. `http://127.0.0.1:8088` (`VOXSTATE_ARI_URL`). */
  ariUrl: string;
  ariUser: string;
  /** Secret: only from the environment (`VOXSTATE_ARI_PASSWORD`). */
  ariPassword: string;
  /** Stasis application name (`VOXSTATE_ARI_APP`, default `voxstate`). */
  app: string;
  /** `audiosocket` (default) or `rtp`. */
  transport: 'audiosocket' | 'rtp';
  /** Interface the AudioSocket server listens on (default `0.0.0.0`). */
  mediaBindHost: string;
  /** AudioSocket TCP port (default 9092). */
  mediaPort: number;
  /** The address Asterisk reaches voxstate's media on (default `127.0.0.1`). */
  mediaExternalHost: string;
  /** Deadline of one ARI REST request, ms (default 5000). */
  requestTimeoutMs: number;
}

type Env = NodeJS.ProcessEnv;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 65_535) {
    throw new ConfigError(`${name} must be a port number 0-65535, got "${raw}"`);
  }
  return n;
}

/** Reads the telephony settings; `ariUrl` must be a URL. */
export function telephonyConfigFromEnv(env: Env = process.env): TelephonyConfig {
  const ariUrl = env.VOXSTATE_ARI_URL || 'http://127.0.0.1:8088';
  let protocol = '';
  try {
    protocol = new URL(ariUrl).protocol;
  } catch {}
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new ConfigError(
      `VOXSTATE_ARI_URL must be an http(s) URL like http://127.0.0.1:8088, got "${ariUrl}"`,
    );
  }
  const transport = env.VOXSTATE_MEDIA_TRANSPORT || 'audiosocket';
  if (transport !== 'audiosocket' && transport !== 'rtp') {
    throw new ConfigError(
      `VOXSTATE_MEDIA_TRANSPORT must be "audiosocket" or "rtp", got "${transport}"`,
    );
  }
  const timeout = Number(env.VOXSTATE_ARI_TIMEOUT_MS || 5_000);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 2_147_483_647) {
    throw new ConfigError(
      `VOXSTATE_ARI_TIMEOUT_MS must be a positive number of milliseconds, got "${env.VOXSTATE_ARI_TIMEOUT_MS}"`,
    );
  }
  return {
    ariUrl,
    ariUser: env.VOXSTATE_ARI_USER || 'voxstate',
    ariPassword: env.VOXSTATE_ARI_PASSWORD ?? '',
    app: env.VOXSTATE_ARI_APP || 'voxstate',
    transport,
    mediaBindHost: env.VOXSTATE_MEDIA_BIND || '0.0.0.0',
    mediaPort: port(env, 'VOXSTATE_MEDIA_PORT', 9092),
    mediaExternalHost: env.VOXSTATE_MEDIA_HOST || '127.0.0.1',
    requestTimeoutMs: timeout,
  };
}
