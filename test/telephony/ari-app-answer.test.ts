/**
 * Issue 13.8, measured on a real Asterisk: `Answer()` before `Stasis()` delays the greeting by
 * up to ~0.5 s, so voxstate answers callers itself; and every AudioSocket call counted a
 * `channels.hangup` with outcome `error` for a channel that was already gone (a 404 the code
 * rightly treats as done).
 */
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { AriApp } from '../../src/telephony/ari-app.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';
import type { PhoneCall } from '../../src/telephony/phone-call.js';

describe('AriApp answering and hanging up', () => {
  let sim: SimulatedAsterisk;
  let ari: AriConnection;
  let audio: AudioSocketServer;
  let app: AriApp;
  let registry: Registry;
  const requests: string[] = [];
  const calls: PhoneCall[] = [];

  beforeEach(async () => {
    requests.length = 0;
    calls.length = 0;
    sim = new SimulatedAsterisk();
    sim.on('request', (method, path) => requests.push(`${method} ${path}`));
    const { url } = await sim.start();
    audio = new AudioSocketServer();
    const { port } = await audio.listen();
    registry = new Registry();
    ari = await connectAri({
      url,
      user: 'voxstate',
      password: 'voxstate',
      app: 'voxstate',
      registry,
    });
    app = new AriApp({
      ari,
      media: { transport: 'audiosocket', server: audio, externalHost: `127.0.0.1:${port}` },
    });
    app.on('call', (call) => calls.push(call));
    app.start();
  });
  afterEach(async () => {
    await app.stop();
    await ari.close();
    await audio.close();
    await sim.stop();
  });

  /** Sample values of `voxstate_ari_request_seconds_count` by `operation/outcome`. */
  const requestCounts = async () => {
    const out: Record<string, number> = {};
    for (const line of (await registry.metrics()).split('\n')) {
      const m =
        /^voxstate_ari_request_seconds_count\{operation="([^"]+)",outcome="([^"]+)"\} (\d+)/.exec(
          line,
        );
      if (m) out[`${m[1]}/${m[2]}`] = Number(m[3]);
    }
    return out;
  };

  it('answers a caller that enters the app ringing, and does not answer one already up', async () => {
    const ringing = await sim.placeCall({});
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    expect(sim.channels.get(ringing.channelId)?.state).toBe('Up');
    expect(requests).toContain(`POST /ari/channels/${ringing.channelId}/answer`);

    const answered = await sim.placeCall({ answered: true });
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(requests).not.toContain(`POST /ari/channels/${answered.channelId}/answer`);
    await Promise.all(calls.map((c) => c.hangup()));
    await Promise.all([ringing.ended, answered.ended]);
  });

  it('counts a hang-up of a channel already gone as gone, never as an error', async () => {
    // The caller hangs up (its channel is gone: voxstate does not hang it up again); then
    // voxstate hangs up a call itself: the AudioSocket hangup message ends the media channel
    // on Asterisk's side, and the REST hang-up of it that follows finds it gone.
    const first = await sim.placeCall({});
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    first.hangup();
    await vi.waitFor(() => expect(calls[0]!.ended).toBe(true));
    const second = await sim.placeCall({});
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    await calls[1]!.hangup();
    await second.ended;
    await vi.waitFor(() => expect(sim.channels.size + sim.bridges.size).toBe(0));
    // A second hang-up of a channel that is gone: 404 from Asterisk, done for voxstate.
    await ari.rest.hangup(second.channelId);
    const counts = await requestCounts();
    expect(Object.keys(counts).filter((k) => k.endsWith('/error'))).toEqual([]);
    expect(counts['channels.hangup/gone']).toBeGreaterThanOrEqual(1);
    expect(counts['channels.hangup/ok']).toBeGreaterThanOrEqual(1);
  });
});
