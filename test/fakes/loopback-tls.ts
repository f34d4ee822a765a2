/**
 * A self-signed TLS certificate for fixture servers on loopback (`127.0.0.1`, `localhost`), made
 * once per process with the `openssl` command into a temporary folder. The OpenAI SDK's realtime
 * client always connects with `wss:`, so its fixture server needs TLS; tests trust the
 * certificate by passing it as `ca` to the WebSocket options, never by turning verification off.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A PEM key and certificate valid for 127.0.0.1 and localhost. */
export interface LoopbackCertificate {
  key: string;
  cert: string;
}

let pending: Promise<LoopbackCertificate> | undefined;

async function make(): Promise<LoopbackCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'voxstate-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]);
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } catch (err) {
    throw new Error(
      `cannot make a loopback TLS certificate with openssl (is it installed?): ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The process's loopback certificate, made on first use. */
export function loopbackCertificate(): Promise<LoopbackCertificate> {
  pending ??= make();
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}
