import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import { toneAudio } from '../../src/simulator/caller-script.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { AriApp } from '../../src/telephony/ari-app.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';
import type { HangupReason, PhoneCall } from '../../src/telephony/phone-call.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 4_000, interval: 10 };

function tone(value: number): Buffer {
  const b = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) b.writeInt16LE(Math.round(value * Math.sin(i / 3)), i * 2);
  return b;
}

function nextCall(app: AriApp): Promise<PhoneCall> {
  return new Promise((resolve) => app.once('call', resolve));
}

describe.each(['audiosocket', 'rtp'] as const)('AriApp with %s media', (transport) => {
  let sim: SimulatedAsterisk;
  let ari: AriConnection;
  let audio: AudioSocketServer;
  let app: AriApp;

  beforeEach(async () => {
    sim = new SimulatedAsterisk();
    const { url } = await sim.start();
    audio = new AudioSocketServer();
    const { port } = await audio.listen();
    ari = await connectAri({
      url,
      user: 'voxstate',
      password: 'voxstate',
      app: 'voxstate',
      requestTimeoutMs: 2000,
    });
    app = new AriApp({
      ari,
      media:
        transport === 'audiosocket'
          ? { transport, server: audio, externalHost: `127.0.0.1:${port}` }
          : { transport, bindHost: '127.0.0.1', externalAddress: '127.0.0.1' },
    });
    app.start();
  });
  afterEach(async () => {
    await app.stop();
    ari.close();
    await audio.close();
    await sim.stop();
  });

  it('answers a caller, bridges media both ways, relays DTMF, and cleans up when the caller hangs up', async () => {
    const incoming = nextCall(app);
    const simCall = await sim.placeCall({
      callerNumber: '+15557654321',
      script: {
        steps: [
          { say: 'hello', audio: toneAudio(440, 300) },
          { dtmf: '42' },
          { waitForBot: { silenceMs: 200, timeoutMs: 3000 } },
          { hangup: true },
        ],
      },
    });
    const call = await incoming;
    expect(call.direction).toBe('inbound');
    expect(call.callerNumber).toBe('+15557654321');
    expect(call.id).toBe(simCall.channelId);
    expect(call.media.transport).toBe(transport);

    const frames: Buffer[] = [];
    const digits: string[] = [];
    const ended = new Promise<HangupReason>((resolve) => call.on('hangup', resolve));
    call.media.on('audio', (f) => frames.push(f));
    call.on('dtmf', (d) => digits.push(d));
    await vi.waitFor(() => expect(digits.length).toBe(2), WAIT);
    expect(digits).toEqual(['4', '2']);
    // The caller's tone came through as 640-byte frames with energy in them.
    expect(frames.every((f) => f.length === 640)).toBe(true);
    expect(
      frames.some(
        (f) => Math.abs(f.readInt16LE(100)) > 1000 || Math.abs(f.readInt16LE(300)) > 1000,
      ),
    ).toBe(true);

    // The bot answers: 300 ms of audio, paced at 20 ms.
    for (let i = 0; i < 15; i++) {
      call.media.send(tone(6000));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await ended).toBe('remote');
    await simCall.ended;
    const kinds = simCall.recording.timeline.map((e) => e.kind);
    expect(kinds).toContain('bot.audio.start');
    expect(simCall.recording.turns()[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    // No leaks: bridge destroyed, media channel hung up, nothing left in the app.
    await vi.waitFor(
      () =>
        expect(sim.bridges.size === 0 && sim.channels.size === 0 && app.activeCalls === 0).toBe(
          true,
        ),
      WAIT,
    );
    await vi.waitFor(() => expect(call.media.closed).toBe(true), WAIT);
  });

  it('hangs up everything when the app hangs up', async () => {
    const incoming = nextCall(app);
    const simCall = await sim.placeCall({});
    const call = await incoming;
    const reasons: string[] = [];
    app.on('callEnded', (_c, r) => reasons.push(r));
    await call.hangup();
    await simCall.ended;
    expect(reasons).toEqual(['local']);
    expect(sim.channels.size).toBe(0);
    expect(sim.bridges.size).toBe(0);
  });

  it('originates an outbound call that resolves when the callee answers', async () => {
    const call = await app.originate('PJSIP/1000', { callerId: '"Clinic" <100>', timeoutSec: 5 });
    expect(call.direction).toBe('outbound');
    expect(call.callerNumber).toBe('1000');
    const frames: Buffer[] = [];
    call.media.on('audio', (f) => frames.push(f));
    await vi.waitFor(() => expect(frames.length).toBeGreaterThanOrEqual(3), WAIT);
    await call.hangup();
    await vi.waitFor(
      () => expect(sim.channels.size === 0 && sim.bridges.size === 0).toBe(true),
      WAIT,
    );
  });
});

describe('AriApp with RTP slin16 in', () => {
  it('receives 16 kHz PT 118 audio and sends mu-law back', async () => {
    const sim = new SimulatedAsterisk();
    const { url } = await sim.start();
    const ari = await connectAri({ url, user: 'voxstate', password: 'voxstate', app: 'voxstate' });
    const app = new AriApp({
      ari,
      media: {
        transport: 'rtp',
        bindHost: '127.0.0.1',
        externalAddress: '127.0.0.1',
        format: 'slin16',
      },
    });
    app.start();
    try {
      const incoming = nextCall(app);
      const simCall = await sim.placeCall({
        script: {
          steps: [{ say: 'x', audio: toneAudio(440, 200) }, { waitForBot: { silenceMs: 100 } }],
        },
      });
      const call = await incoming;
      const frames: Buffer[] = [];
      call.media.on('audio', (f) => frames.push(f));
      await vi.waitFor(
        () => expect(frames.some((f) => Math.abs(f.readInt16LE(200)) > 1000)).toBe(true),
        WAIT,
      );
      for (let i = 0; i < 10; i++) call.media.send(tone(6000));
      await vi.waitFor(
        () =>
          expect(simCall.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true),
        WAIT,
      );
      await call.hangup();
    } finally {
      await app.stop();
      ari.close();
      await sim.stop();
    }
  });
});

describe('AriApp failures', () => {
  it('rejects an originate nobody answers, and ends a call whose media connection resets', async () => {
    const sim = new SimulatedAsterisk({
      onOriginate: (endpoint) => ({ answer: endpoint !== 'PJSIP/busy' }),
    });
    const { url } = await sim.start();
    const audio = new AudioSocketServer();
    const { port } = await audio.listen();
    const ari = await connectAri({ url, user: 'voxstate', password: 'voxstate', app: 'voxstate' });
    const app = new AriApp({
      ari,
      media: { transport: 'audiosocket', server: audio, externalHost: `127.0.0.1:${port}` },
    });
    app.start();
    try {
      await expect(app.originate('PJSIP/busy', { timeoutSec: 0.2 })).rejects.toThrow(
        /No user responding|timed out/,
      );
      const incoming = nextCall(app);
      const simCall = await sim.placeCall({});
      const call = await incoming;
      const ended = new Promise<HangupReason>((resolve) => call.on('hangup', resolve));
      sim.faults.resetMedia(call.mediaChannelId);
      expect(await ended).toBe('media');
      await simCall.ended;
      await vi.waitFor(
        () => expect(sim.channels.size === 0 && sim.bridges.size === 0).toBe(true),
        WAIT,
      );
    } finally {
      await app.stop();
      ari.close();
      await audio.close();
      await sim.stop();
    }
  });
});

describe('AriApp resilience', () => {
  let sim: SimulatedAsterisk;
  let ari: AriConnection;
  let audio: AudioSocketServer;
  let app: AriApp;
  let port: number;

  beforeEach(async () => {
    sim = new SimulatedAsterisk();
    const { url } = await sim.start();
    audio = new AudioSocketServer();
    ({ port } = await audio.listen());
    ari = await connectAri({
      url,
      user: 'voxstate',
      password: 'voxstate',
      app: 'voxstate',
      reconnect: { initialMs: 20, maxMs: 50 },
    });
  });
  afterEach(async () => {
    await app.stop();
    ari.close();
    await audio.close();
    await sim.stop();
  });

  it('keeps a call through an events-socket outage and notices a hang-up that happened during it', async () => {
    app = new AriApp({
      ari,
      media: { transport: 'audiosocket', server: audio, externalHost: `127.0.0.1:${port}` },
    });
    app.start();
    const incoming = nextCall(app);
    const kept = await sim.placeCall({});
    const keptCall = await incoming;
    const incoming2 = nextCall(app);
    const dropped = await sim.placeCall({});
    const droppedCall = await incoming2;
    const frames: Buffer[] = [];
    keptCall.media.on('audio', (f) => frames.push(f));

    sim.faults.refuseEventSockets(true);
    sim.faults.dropEventSockets();
    await vi.waitFor(() => expect(ari.connected).toBe(false), WAIT);
    dropped.hangup(); // its StasisEnd is lost: nobody is listening
    const before = frames.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(frames.length).toBeGreaterThan(before); // media keeps flowing meanwhile
    sim.faults.refuseEventSockets(false);
    await vi.waitFor(() => expect(droppedCall.ended).toBe(true), WAIT);
    expect(droppedCall.endReason).toBe('remote');
    expect(keptCall.ended).toBe(false);
    await keptCall.hangup();
    await kept.ended;
    await vi.waitFor(
      () => expect(sim.channels.size === 0 && sim.bridges.size === 0).toBe(true),
      WAIT,
    );
  });

  it('releases everything when the caller hangs up while the media is still being set up', async () => {
    // A media host that accepts TCP but never speaks AudioSocket: set-up hangs on the UUID.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const silentPort = (silent.address() as net.AddressInfo).port;
    app = new AriApp({
      ari,
      media: { transport: 'audiosocket', server: audio, externalHost: `127.0.0.1:${silentPort}` },
      mediaTimeoutMs: 400,
    });
    app.start();
    const failed = new Promise<Error>((resolve) =>
      app.once('callFailed', (_id, err) => resolve(err)),
    );
    const call = await sim.placeCall({});
    await vi.waitFor(() => expect(sim.channels.size).toBe(2), WAIT); // caller + media channel
    call.hangup();
    const err = await failed;
    expect(err.name).toMatch(/TelephonyError|TimeoutError/);
    await vi.waitFor(
      () =>
        expect(sim.channels.size === 0 && sim.bridges.size === 0 && app.activeCalls === 0).toBe(
          true,
        ),
      WAIT,
    );
    silent.close();
  });

  it('reports a call whose media cannot be set up and releases its channels', async () => {
    app = new AriApp({
      ari,
      media: { transport: 'audiosocket', server: audio, externalHost: '127.0.0.1:1' },
    });
    app.start();
    const failed = new Promise<[string, Error]>((resolve) =>
      app.once('callFailed', (id, err) => resolve([id, err])),
    );
    const call = await sim.placeCall({});
    const [id, err] = await failed;
    expect(id).toBe(call.channelId);
    expect(err.name).toBe('AriRequestError');
    await call.ended;
    expect(sim.channels.size).toBe(0);
    expect(sim.bridges.size).toBe(0);
  });
});
