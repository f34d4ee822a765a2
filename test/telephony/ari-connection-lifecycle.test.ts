/**
 * The events socket's lifecycle as a real Asterisk saw it (issue 13.5 and 13.8): after
 * `core restart now` Asterisk was back in 1.9 s but voxstate re-registered its app 2.6 s later
 * (calls meanwhile were rejected: "Stasis app 'voxstate' doesn't exist"), and every stop dropped
 * the socket without a close frame ("Web socket closed abruptly"). The reconnect timing runs on
 * a fake clock; the sockets are real.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type EventSocketClose,
  SimulatedAsterisk,
} from '../../src/simulator/simulated-asterisk.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';

type ConnEvent = ['connected'] | ['reconnecting', number];

describe('the ARI events socket', () => {
  let sim: SimulatedAsterisk;
  let port: number;
  let conn: AriConnection | undefined;

  beforeEach(async () => {
    sim = new SimulatedAsterisk();
    ({ port } = await sim.start());
  });
  afterEach(async () => {
    vi.useRealTimers();
    await conn?.close();
    conn = undefined;
    await sim.stop();
  });

  const connect = () =>
    connectAri({
      url: sim.url,
      user: 'voxstate',
      password: 'voxstate',
      app: 'voxstate',
      pingIntervalMs: 0,
      reconnect: { jitter: 0 },
    });

  /** The connection's `connected` and `reconnecting` events, in order, awaited one by one. */
  function eventsOf(c: AriConnection): () => Promise<ConnEvent> {
    const queue: ConnEvent[] = [];
    const waiting: Array<(e: ConnEvent) => void> = [];
    const push = (e: ConnEvent) => {
      const w = waiting.shift();
      if (w) w(e);
      else queue.push(e);
    };
    c.on('connected', () => push(['connected']));
    c.on('reconnecting', (_attempt, delayMs) => push(['reconnecting', delayMs]));
    return () => {
      const e = queue.shift();
      return e ? Promise.resolve(e) : new Promise((resolve) => waiting.push(resolve));
    };
  }

  /**
   * Asterisk goes down now (fake time 0) and is back at `downMs`. Steps the fake clock from one
   * reconnect attempt to the next (the real sockets settle in between) until the app is
   * registered again; returns the fake time of that and every delay the connection chose.
   */
  async function restartAsterisk(
    c: AriConnection,
    downMs: number,
    /** Called on each reconnect; true when it dropped the new connection again. */
    onConnected?: () => boolean,
  ): Promise<{ registeredAtMs: number; delays: number[] }> {
    const next = eventsOf(c);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    await sim.stop();
    let now = 0;
    let back = false;
    const delays: number[] = [];
    for (;;) {
      const event = await next();
      if (event[0] === 'connected') {
        if (onConnected?.()) continue;
        return { registeredAtMs: now, delays };
      }
      const delay = event[1];
      delays.push(delay);
      if (!back && now + delay >= downMs) {
        sim = new SimulatedAsterisk({ port });
        await sim.start();
        back = true;
      }
      vi.advanceTimersByTime(delay);
      now += delay;
      if (now > 600_000) throw new Error('no reconnect within 10 minutes');
    }
  }

  it('closes with a close frame when stopped', async () => {
    conn = await connect();
    const closes: EventSocketClose[] = [];
    sim.on('eventSocketClosed', (c) => closes.push(c));
    await conn.close();
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toMatchObject({ apps: ['voxstate'], code: 1000, closeFrame: true });
    expect(closes[0]!.by).toBe('client');
    expect(sim.connectedApps).toEqual([]);
    conn = undefined;
  });

  it('re-registers within 250 ms of Asterisk being back from a 1.9 s restart', async () => {
    conn = await connect();
    const { registeredAtMs, delays } = await restartAsterisk(conn, 1_900);
    expect(registeredAtMs - 1_900).toBeLessThanOrEqual(250);
    expect(delays.every((d) => d >= 100)).toBe(true);
    vi.useRealTimers();
    await sim.waitForApp('voxstate');
    // A call now reaches the app instead of "Stasis app 'voxstate' doesn't exist".
    const started = new Promise<void>((resolve) => conn!.client.on('StasisStart', () => resolve()));
    await sim.placeCall({ app: 'voxstate' });
    await started;
  });

  it('backs off to at most 5 s during a long outage, without hammering Asterisk', async () => {
    conn = await connect();
    const { registeredAtMs, delays } = await restartAsterisk(conn, 120_000);
    expect(registeredAtMs - 120_000).toBeLessThanOrEqual(5_000);
    expect(Math.max(...delays)).toBe(5_000);
    expect(delays.length).toBeLessThan(40);
  });

  it('keeps backing off when each new connection is dropped at once', async () => {
    conn = await connect();
    let drops = 0;
    // Another process registering the same app would replace this one again and again.
    const { delays } = await restartAsterisk(conn, 0, () => {
      if (++drops > 20) return false;
      sim.faults.dropEventSockets();
      return true;
    });
    expect(delays).toHaveLength(21);
    expect(delays.slice(-3)).toEqual([5_000, 5_000, 5_000]);
  });
});
