import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { ulawEncode } from '../../src/audio/g711.js';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import { parseRtpPacket, RtpPayloadType, RtpSender } from '../../src/media/rtp-packet.js';
import { createEspeakEngine } from '../../src/providers/tts/espeak.js';
import { toneAudio } from '../../src/simulator/caller-script.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 3_000, interval: 10 };

const AUTH = { Authorization: `Basic ${Buffer.from('voxstate:voxstate').toString('base64')}` };

describe('SimulatedAsterisk', () => {
  let sim: SimulatedAsterisk;
  let url: string;
  const rest = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/ari${path}`, {
      method,
      headers: { ...AUTH, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  /** A fake app: an events socket, so that placeCall has somewhere to go. */
  const events: Array<Record<string, unknown>> = [];
  let ws: WebSocket | undefined;

  beforeEach(async () => {
    sim = new SimulatedAsterisk();
    ({ url } = await sim.start());
    events.length = 0;
    ws = new WebSocket(
      `${url.replace('http', 'ws')}/ari/events?app=voxstate&api_key=voxstate:voxstate`,
    );
    ws.on('message', (m) => events.push(JSON.parse(String(m))));
    await sim.waitForApp('voxstate');
  });
  afterEach(async () => {
    ws?.close();
    await sim.stop();
  });

  it('serves swagger 1.2 documents with an absolute basePath, behind Basic auth', async () => {
    expect((await fetch(`${url}/ari/api-docs/resources.json`)).status).toBe(401);
    const listing = await rest('GET', '/api-docs/resources.json');
    expect(listing.body.swaggerVersion).toBe('1.2');
    expect(listing.body.basePath).toBe(`${url}/ari`);
    expect(listing.body.apis.map((a: { path: string }) => a.path)).toContain(
      '/api-docs/channels.{format}',
    );
    const events = await rest('GET', '/api-docs/events.json');
    expect(Object.keys(events.body.models)).toEqual(
      expect.arrayContaining([
        'StasisStart',
        'StasisEnd',
        'ChannelDestroyed',
        'ChannelDtmfReceived',
        'PlaybackFinished',
      ]),
    );
    expect(events.body.models.StasisStart.properties.channel.type).toBe('Channel');
    expect((await fetch(`${url}/ari/channels?api_key=voxstate:voxstate`)).status).toBe(200);
    expect((await fetch(`${url}/ari/channels?api_key=voxstate:nope`)).status).toBe(401);
  });

  it('answers errors like Asterisk: 404 with a JSON message, 204 for void operations', async () => {
    const missing = await rest('DELETE', '/channels/nope');
    expect(missing).toEqual({ status: 404, body: { message: 'Channel not found' } });
    const call = await sim.placeCall({});
    expect((await rest('POST', `/channels/${call.channelId}/answer`)).status).toBe(204);
    const bad = await rest(
      'POST',
      `/channels/externalMedia?app=voxstate&external_host=127.0.0.1:1&format=slin16&encapsulation=audiosocket&transport=tcp&data=not-a-uuid`,
    );
    expect(bad.status).toBe(400);
    const refused = await rest(
      'POST',
      `/channels/externalMedia?app=voxstate&external_host=127.0.0.1:1&format=slin16&encapsulation=audiosocket&transport=tcp&data=${randomUUID()}`,
    );
    expect(refused.status).toBe(500);
  });

  it("connects out over AudioSocket: UUID first, then 20 ms slin16 frames in real time, the caller's script text on the timeline", async () => {
    const server = new AudioSocketServer();
    const { port } = await server.listen();
    try {
      const call = await sim.placeCall({
        script: { steps: [{ pause: 100 }, { say: 'hello there', audio: toneAudio(500, 200) }] },
      });
      const uuid = randomUUID();
      const waiting = server.waitFor(uuid, 2000);
      const em = await rest(
        'POST',
        `/channels/externalMedia?app=voxstate&external_host=127.0.0.1:${port}&format=slin16&encapsulation=audiosocket&transport=tcp&data=${uuid}`,
      );
      expect(em.status).toBe(200);
      expect(em.body.name).toBe(`AudioSocket/127.0.0.1:${port}-${uuid}`);
      expect(
        events.find(
          (e) => e.type === 'StasisStart' && (e.channel as { id: string }).id === em.body.id,
        )?.args,
      ).toEqual([uuid]);
      const conn = await waiting;
      const connected = performance.now();
      const frames: Buffer[] = [];
      conn.on('audio', (f) => frames.push(f));
      const bridge = await rest('POST', '/bridges?type=mixing');
      expect(
        (
          await rest(
            'POST',
            `/bridges/${bridge.body.id}/addChannel?channel=${call.channelId},${em.body.id}`,
          )
        ).status,
      ).toBe(204);
      const loud = (f: Buffer) =>
        Math.abs(f.readInt16LE(40)) > 500 || Math.abs(f.readInt16LE(80)) > 500;
      await vi.waitFor(() => expect(frames.some(loud)).toBe(true), WAIT);
      expect(
        frames.length,
        'paced by the media clock (test/simulator/media-clock.test.ts), never ahead of it',
      ).toBeLessThanOrEqual((performance.now() - connected) / 20 + 6);
      // Media time of this stream: 20 ms per frame received since the connection started.
      const loudAt = frames.findIndex(loud);
      expect(loudAt).toBeGreaterThan(0);
      await vi.waitFor(
        () => expect(sim.scriptTextAt(uuid, loudAt * 20 + 40)).toBe('hello there'),
        WAIT,
      );
      expect(sim.scriptTextAt(em.body.id, 0)).toBeUndefined();
      // By the audio received (20 ms a frame), whatever the clock did meanwhile.
      expect(sim.scriptTextBetween(uuid, loudAt * 20, loudAt * 20 + 40)).toBe('hello there');
      // Before the words nothing is heard: undefined before the script's audio reached the
      // stream, '' in the script's pause (the caller said nothing).
      expect(sim.scriptTextBetween(uuid, 0, 20) ?? '').toBe('');
      expect(sim.scriptTextBetween(uuid, (loudAt - 2) * 20, (loudAt - 1) * 20)).toBe('');
      await rest('DELETE', `/channels/${em.body.id}`);
      await vi.waitFor(() => expect(conn.closed).toBe(true), WAIT);
    } finally {
      await server.close();
    }
  });

  it('speaks RTP as Asterisk 22: slin16 as PT 118 big-endian from UNICASTRTP_LOCAL_*, ulaw accepted back, slin16 back dropped', async () => {
    const app = dgram.createSocket('udp4');
    const got: Buffer[] = [];
    app.on('message', (m) => got.push(m));
    await new Promise<void>((r) => app.bind(0, '127.0.0.1', () => r()));
    try {
      const call = await sim.placeCall({ script: { steps: [{ waitForBot: { silenceMs: 100 } }] } });
      const em = await rest(
        'POST',
        `/channels/externalMedia?app=voxstate&external_host=127.0.0.1:${app.address().port}&format=slin16&encapsulation=rtp&transport=udp`,
      );
      const { UNICASTRTP_LOCAL_ADDRESS: addr, UNICASTRTP_LOCAL_PORT: port } = em.body.channelvars;
      expect(
        events.find(
          (e) => e.type === 'StasisStart' && (e.channel as { id: string }).id === em.body.id,
        )?.args,
      ).toEqual([]);
      const bridge = await rest('POST', '/bridges?type=mixing');
      await rest(
        'POST',
        `/bridges/${bridge.body.id}/addChannel?channel=${call.channelId},${em.body.id}`,
      );
      await vi.waitFor(() => expect(got.length).toBeGreaterThanOrEqual(3), WAIT);
      const pkt = parseRtpPacket(got[0]!);
      expect(pkt.payloadType).toBe(RtpPayloadType.Slin16);
      expect(pkt.payload.length).toBe(640);
      const sender = new RtpSender();
      const slin = Buffer.alloc(640, 0x40);
      for (let i = 0; i < 5; i++)
        app.send(sender.next(RtpPayloadType.Slin16, slin, 320), Number(port), addr);
      await new Promise((r) => setTimeout(r, 100));
      expect(call.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(false);
      const ulaw = Buffer.from(ulawEncode(new Int16Array(160).fill(8000)));
      for (let i = 0; i < 10; i++)
        app.send(sender.next(RtpPayloadType.Ulaw, ulaw, 160), Number(port), addr);
      await vi.waitFor(
        () => expect(call.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true),
        WAIT,
      );
    } finally {
      app.close();
    }
  });

  it('plays a tone the caller hears until the playback is stopped', async () => {
    const call = await sim.placeCall({});
    const played = await rest(
      'POST',
      `/channels/${call.channelId}/play?media=tone:440&playbackId=pb1`,
    );
    expect(played).toMatchObject({ status: 201, body: { id: 'pb1', state: 'playing' } });
    // The caller's clock runs when media pulls it; drive it here as a media stream would.
    await vi.waitFor(
      () => expect(events.some((e) => e.type === 'PlaybackStarted')).toBe(true),
      WAIT,
    );
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 5; i++) call.runner.nextFrame();
    expect(call.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true);
    expect((await rest('DELETE', '/playbacks/pb1')).status).toBe(204);
    await vi.waitFor(
      () => expect(events.some((e) => e.type === 'PlaybackFinished')).toBe(true),
      WAIT,
    );
    expect((await rest('DELETE', '/playbacks/pb1')).status).toBe(404);
  });

  it('synthesizes a script with espeak-ng off the main thread and reports each utterance', async () => {
    const tts = createEspeakEngine();
    const speaking = new SimulatedAsterisk({ tts });
    const { url: u2 } = await speaking.start();
    const sock = new WebSocket(
      `${u2.replace('http', 'ws')}/ari/events?app=demo&api_key=voxstate:voxstate`,
    );
    try {
      await speaking.waitForApp('demo');
      const call = await speaking.placeCall({
        app: 'demo',
        script: { steps: [{ say: 'What time do you open?' }] },
      });
      const utterance = new Promise((resolve) => speaking.once('utterance', resolve));
      // Drive the caller's clock as a media stream would.
      const frames = Array.from({ length: 150 }, () => call.runner.nextFrame());
      expect(frames.filter((f) => f.some((b) => b !== 0)).length).toBeGreaterThan(20);
      expect(await utterance).toMatchObject({
        text: 'What time do you open?',
        channelId: call.channelId,
        startMs: 0,
      });
    } finally {
      sock.close();
      await speaking.stop();
      await tts.close();
    }
  });
});
