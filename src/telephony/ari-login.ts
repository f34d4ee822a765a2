/**
 * Logging in to ARI without tripping ari-client 2.2.0: a credential probe of our own before
 * ari-client is involved, swagger-client's throwing `fail` made to report instead, and the one
 * login a process may hold (swagger-client keeps credentials globally; see `ari-connection.ts`
 * for why).
 *
 * @module
 */

import { createRequire } from 'node:module';
import { ConfigError, TelephonyError, TimeoutError } from '../errors.js';
import { abortReason } from './ari-deadline.js';

const requireCjs = createRequire(import.meta.url);
let swaggerPatched = false;

/**
 * Makes swagger-client's `SwaggerApi.prototype.fail` report without throwing, once per process.
 * ari-client loads the same swagger-client module instance, so the patch covers it.
 */
export function patchSwaggerFail(): void {
  if (swaggerPatched) return;
  const swaggerPath = requireCjs.resolve('swagger-client', {
    paths: [requireCjs.resolve('ari-client')],
  });
  const swagger = requireCjs(swaggerPath) as {
    SwaggerApi: {
      prototype: { fail(this: { failure(m: unknown): void }, message: unknown): void };
    };
  };
  swagger.SwaggerApi.prototype.fail = function fail(message: unknown): void {
    this.failure(message);
  };
  swaggerPatched = true;
}

/** The process's ARI login and how many connections hold it. */
let activeLogin: { key: string; count: number } | undefined;

/** The login `url`'s host, `user` and `password` stand for; ConfigError for a bad URL. */
export function loginKey(url: string, user: string, password: string): string {
  try {
    return `${new URL(url).host}\u0000${user}\u0000${password}`;
  } catch (err) {
    throw new ConfigError(`ARI url is not a URL: ${url}`, { cause: err });
  }
}

/**
 * Refuses (ConfigError) a login other than the one the process holds; with `take`, counts one
 * more connection on it.
 */
export function claimLogin(key: string, take: boolean, message: string): void {
  if (activeLogin && activeLogin.key !== key) throw new ConfigError(message);
  if (!take) return;
  activeLogin = activeLogin ?? { key, count: 0 };
  activeLogin.count++;
}

/** Gives one connection's hold on login `key` back; the last one frees it for other credentials. */
export function releaseLogin(key: string): void {
  if (activeLogin?.key === key && --activeLogin.count <= 0) activeLogin = undefined;
}

/**
 * Checks the URL and credentials with an authenticated GET of `resources.json`, so that a wrong
 * password becomes a typed error before swagger-client is involved.
 */
export async function probeAri(
  url: string,
  user: string,
  password: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const target = new URL('/ari/api-docs/resources.json', url);
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(timeoutMs);
    res = await fetch(target, {
      headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal, 'ARI connect');
    if (err instanceof Error && err.name === 'TimeoutError')
      throw new TimeoutError(`ARI probe of ${target.host}`, timeoutMs, { cause: err });
    throw new TelephonyError(`ARI at ${target.host} is unreachable: ${(err as Error).message}`, {
      cause: err,
    });
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status === 401 || res.status === 403) {
    throw new TelephonyError(
      `ARI at ${target.host} rejected the credentials of user "${user}" (${res.status})`,
      {
        retryable: false,
      },
    );
  }
  if (res.status !== 200) {
    throw new TelephonyError(`ARI at ${target.host} answered ${res.status} for resources.json`);
  }
}
