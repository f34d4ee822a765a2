import { once } from 'node:events';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, ProviderError, RealtimeSessionError } from '../../src/errors.js';
import type { RealtimeSession } from '../../src/providers/realtime/session.js';
import {
  type FakeRealtimeServer,
  refusedBaseUrl,
  startFakeRealtimeServer,
} from '../fakes/openai-realtime-server.js';
import { metricValue } from '../helpers/metrics.js';
import { callerFrames, nextResponseDone, openSession } from './realtime-helpers.js';

let server: FakeRealtimeServer | undefined;
let session: RealtimeSession | undefined;

afterEach(async () => {
  await session?.close();
  await server?.close();
  session = undefined;
  server = undefined;
});

async function openError(
  s: FakeRealtimeServer,
  overrides: Parameters<typeof openSession>[1] = {},
): Promise<unknown> {
  return openSession(s, overrides).then(
    (opened) => {
      session = opened;
      throw new Error('the session opened');
    },
    (err: unknown) => err,
  );
}

describe('RealtimeSession.open failures (the call stays in cascade mode)', () => {
  it('a refused connection is a retryable connect failure', async () => {
    server = await startFakeRealtimeServer();
    const err = await openError(server, { baseUrl: await refusedBaseUrl() });
    expect(err).toBeInstanceOf(RealtimeSessionError);
    expect(err).toMatchObject({ failure: 'connect', retryable: true, provider: 'realtime' });
  });

  it('HTTP 401 on the upgrade is an auth failure that is not retried', async () => {
    server = await startFakeRealtimeServer({ failure: { kind: 'status', status: 401 } });
    const err = await openError(server);
    expect(err).toMatchObject({ failure: 'auth', retryable: false, status: 401 });
    expect((err as Error).message).toMatch(/refused the API key \(HTTP 401\)/);
    expect(server.connections[0]?.authorization).toBe('Bearer test-key');
  });

  it('HTTP 503 on the upgrade is a retryable rejection; 404 is not', async () => {
    server = await startFakeRealtimeServer({ failure: { kind: 'status', status: 503 } });
    expect(await openError(server)).toMatchObject({
      failure: 'rejected',
      status: 503,
      retryable: true,
    });
    server.options.failure = { kind: 'status', status: 404 };
    expect(await openError(server)).toMatchObject({
      failure: 'rejected',
      status: 404,
      retryable: false,
    });
  });

  it('no API key fails before connecting', async () => {
    server = await startFakeRealtimeServer();
    const err = await openError(server, { apiKey: undefined });
    expect(err).toMatchObject({ failure: 'auth', retryable: false });
    expect(server.connections).toHaveLength(0);
  });

  it('a server that never starts the session times out within the connect deadline', async () => {
    server = await startFakeRealtimeServer({ failure: { kind: 'silent' } });
    const err = await openError(server, { connectTimeoutMs: 200 });
    expect(err).toMatchObject({ failure: 'timeout', retryable: true });
    expect((err as Error).message).toMatch(/no session within 200 ms/);
  });

  it('a hang-up while opening aborts it', async () => {
    server = await startFakeRealtimeServer({ failure: { kind: 'silent' } });
    const controller = new AbortController();
    const pending = openError(server, { signal: controller.signal });
    await vi.waitFor(() => expect(server?.connections).toHaveLength(1));
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortedError);
  });
});

describe('RealtimeSession failures mid-call', () => {
  it('a server error event fails the session with a typed error, and waits end at once', async () => {
    server = await startFakeRealtimeServer({ failure: { kind: 'error', afterResponses: 1 } });
    session = await openSession(server);
    const greeted = nextResponseDone(session);
    await session.respond();
    await greeted;
    const failed = once(session, 'failed');
    const err = await session.respond().catch((e: unknown) => e);
    const [event] = (await failed) as [RealtimeSessionError];
    expect(err).toBe(event);
    expect(event).toMatchObject({ failure: 'server', retryable: true });
    expect(event.message).toMatch(/The server had an error/);
    expect(session.state).toBe('failed');
    await expect(session.upgrade('full')).rejects.toBe(event);
    session.appendAudio(Buffer.alloc(640));
  });

  it('a dropped socket fails the session as closed and retryable', async () => {
    server = await startFakeRealtimeServer({ failure: { kind: 'drop', afterResponses: 0 } });
    session = await openSession(server);
    const failed = once(session, 'failed');
    for (const frame of callerFrames(400, 700)) session.appendAudio(frame);
    const [event] = (await failed) as [RealtimeSessionError];
    expect(event).toMatchObject({ failure: 'closed', retryable: true });
    expect(event.message).toMatch(/closed mid-session \(code 1006\)/);
  });

  it('a refused request rejects that request only; the session goes on', async () => {
    server = await startFakeRealtimeServer({ pauseAfterChunks: 2 });
    session = await openSession(server, { turnDetection: 'local' });
    await session.respond();
    const err = await session.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(session.state).toBe('open');
    server.resume();
  });

  it('close() ends the session without a failure', async () => {
    server = await startFakeRealtimeServer();
    session = await openSession(server);
    let failures = 0;
    session.on('failed', () => failures++);
    const closed = once(session, 'closed');
    await session.close();
    await closed;
    expect(session.state).toBe('closed');
    expect(failures).toBe(0);
    await expect(session.respond()).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('RealtimeSession metrics', () => {
  it('counts sessions by outcome and failures by kind and phase', async () => {
    const registry = new Registry();
    server = await startFakeRealtimeServer({ failure: { kind: 'status', status: 401 } });
    await openError(server, { registry });
    server.options.failure = { kind: 'drop', afterResponses: 0 };
    session = await openSession(server, { registry });
    const failed = once(session, 'failed');
    await session.respond().catch(() => {});
    await failed;
    const count = (name: string, labels: Record<string, string>) =>
      metricValue(registry, name, labels);
    expect(await count('voxstate_realtime_sessions_total', { outcome: 'failed' })).toBe(1);
    expect(await count('voxstate_realtime_sessions_total', { outcome: 'opened' })).toBe(1);
    expect(
      await count('voxstate_realtime_failures_total', { failure: 'auth', phase: 'open' }),
    ).toBe(1);
    expect(
      await count('voxstate_realtime_failures_total', { failure: 'closed', phase: 'call' }),
    ).toBe(1);
  });
});
