/**
 * The ARI connection attempts are bounded: an abort or a deadline ends the attempt in flight
 * (a probe to an Asterisk that accepted the request and never answered), not only the backoff
 * between attempts, and the error says what happened.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortedError, TelephonyError } from '../../src/errors.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { connectAri } from '../../src/telephony/ari-connection.js';
import { connectAriWithRetry } from '../../src/telephony/ari-retry.js';

describe('bounded ARI connection attempts', () => {
  let sim: SimulatedAsterisk;
  let url: string;
  const options = () => ({
    url,
    user: 'voxstate',
    password: 'voxstate',
    app: 'voxstate',
    // Far longer than the tests may take: only the abort or the deadline can end them.
    connectTimeoutMs: 120_000,
  });

  beforeEach(async () => {
    sim = new SimulatedAsterisk();
    ({ url } = await sim.start());
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('an abort ends a probe that Asterisk never answers', async () => {
    sim.faults.stallRest(true);
    const seen = new Promise<void>((resolve) => sim.once('request', () => resolve()));
    const abort = new AbortController();
    const pending = connectAri(options(), abort.signal);
    await seen;
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  }, 20_000);

  it('a deadline ends the retries and the attempt in flight, naming the last failure', async () => {
    sim.faults.refuseEventSockets(true);
    const retries: string[] = [];
    const refused = connectAriWithRetry(options(), {
      deadlineMs: 2_000,
      backoff: { initialMs: 20, maxMs: 40 },
      onRetry: (err) => retries.push(err.message),
    });
    const err = await refused.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TelephonyError);
    expect(err).toMatchObject({ retryable: false });
    expect((err as Error).message).toMatch(
      /^ARI at 127\.0\.0\.1:\d+ not reachable within 2000 ms: ARI events WebSocket refused: HTTP 503$/,
    );
    expect(retries.length).toBeGreaterThan(0);
    expect(sim.connectedApps).toEqual([]);
    // The refused attempts gave the process-wide login back: other credentials may log in.
    await expect(connectAri({ ...options(), user: 'other' })).rejects.toThrow(
      /rejected the credentials of user "other"/,
    );

    sim.faults.refuseEventSockets(false);
    sim.faults.stallRest(true);
    await expect(connectAriWithRetry(options(), { deadlineMs: 300 })).rejects.toThrow(
      /not reachable within 300 ms$/,
    );
  }, 20_000);

  it('an abort from the caller is an AbortedError, not a deadline', async () => {
    sim.faults.stallRest(true);
    const abort = new AbortController();
    const pending = connectAriWithRetry(options(), { signal: abort.signal, deadlineMs: 60_000 });
    await new Promise<void>((resolve) => sim.once('request', () => resolve()));
    abort.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  }, 20_000);
});
