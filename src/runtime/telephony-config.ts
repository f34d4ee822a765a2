/**
 * Telephony settings for `voxstate serve` and `voxstate call`: how to reach ARI and where
 * Asterisk sends the call audio.
 *
 * @module
 */
import { type Config, type RawEnv, readEnv } from '../config/schema.js';

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

/** Reads the telephony settings. */
export function telephonyConfigFromEnv(env: RawEnv = process.env): TelephonyConfig {
  return telephonyConfig(readEnv(env));
}

/** The telephony settings from the parsed environment ({@link readEnv}). */
export function telephonyConfig(c: Config): TelephonyConfig {
  return {
    ariUrl: c.VOXSTATE_ARI_URL,
    ariUser: c.VOXSTATE_ARI_USER,
    ariPassword: c.VOXSTATE_ARI_PASSWORD,
    app: c.VOXSTATE_ARI_APP,
    transport: c.VOXSTATE_MEDIA_TRANSPORT,
    mediaBindHost: c.VOXSTATE_MEDIA_BIND,
    mediaPort: c.VOXSTATE_MEDIA_PORT,
    mediaExternalHost: c.VOXSTATE_MEDIA_HOST,
    requestTimeoutMs: c.VOXSTATE_ARI_TIMEOUT_MS,
  };
}
