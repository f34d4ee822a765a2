/**
 * Logging in to ARI without tripping ari-client 2.2.0: a credential probe of our own before
 * ari-client is involved, and swagger-client's throwing `fail` made to report instead (see
 * `ari-connection.ts` for why).
 *
 * @module
 */

import { createRequire } from 'node:module';
import { TelephonyError, TimeoutError } from '../errors.js';

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

/**
 * Checks the URL and credentials with an authenticated GET of `resources.json`, so that a wrong
 * password becomes a typed error before swagger-client is involved.
 */
export async function probeAri(
  url: string,
  user: string,
  password: string,
  timeoutMs: number,
): Promise<void> {
  const target = new URL('/ari/api-docs/resources.json', url);
  let res: Response;
  try {
    res = await fetch(target, {
      headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
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
