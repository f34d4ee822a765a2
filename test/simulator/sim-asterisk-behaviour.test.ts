/**
 * The simulated Asterisk behaves as the real one was measured to (../shared ASTERISK.md, issue
 * 13): a late StasisStart for externalMedia channels, callers entering the app unanswered, an
 * unregistered app refusing calls, and the way an events socket was closed.
 */
import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  type EventSocketClose,
  SimulatedAsterisk,
  type SimulatedAsteriskOptions,
} from '../../src/simulator/simulated-asterisk.js';

const AUTH = { Authorization: `Basic ${Buffer.from('voxstate:voxstate').toString('base64')}` };

describe('SimulatedAsterisk, as measured on Asterisk 22', () => {
  let sim: SimulatedAsterisk;
  let url: string;
  let ws: WebSocket;
  const events: Array<{ type: string; channel?: { id: string; state: string }; args?: unknown }> =
    [];

  const rest = async (method: string, path: string) => {
    const res = await fetch(`${url}/ari${path}`, { method, headers: AUTH });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  const start = async (options: SimulatedAsteriskOptions = {}) => {
    sim = new SimulatedAsterisk(options);
    ({ url } = await sim.start());
    events.length = 0;
    ws = new WebSocket(
      `${url.replace('http', 'ws')}/ari/events?app=voxstate&api_key=voxstate:voxstate`,
    );
    ws.on('message', (m) => events.push(JSON.parse(String(m))));
    await new Promise((resolve) => ws.once('open', resolve));
    await sim.waitForApp('voxstate');
  };

  const stasisStartOf = (id: string) =>
    events.find((e) => e.type === 'StasisStart' && e.channel?.id === id);

  let udp: dgram.Socket;
  beforeEach(async () => {
    udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  });
  afterEach(async () => {
    vi.useRealTimers();
    ws?.close();
    udp.close();
    await sim?.stop();
  });

  const rtpMedia = (channelId?: string) =>
    rest(
      'POST',
      `/channels/externalMedia?app=voxstate&external_host=127.0.0.1:${udp.address().port}&format=ulaw&encapsulation=rtp&transport=udp${channelId ? `&channelId=${channelId}` : ''}`,
    );

  it('can send an externalMedia StasisStart after the response; until then addChannel is refused with 422', async () => {
    await start({ lateMediaStasisStart: { delayMs: 150 } });
    const call = await sim.placeCall({});
    // The 150 ms run on a fake clock, so that a slow machine cannot let them pass unseen.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const em = await rtpMedia('media-1');
    expect(em.status).toBe(200);
    expect(em.body.id).toBe('media-1');
    expect(stasisStartOf('media-1')).toBeUndefined();
    const bridge = await rest('POST', '/bridges?type=mixing');
    const early = await rest(
      'POST',
      `/bridges/${bridge.body.id}/addChannel?channel=${call.channelId},media-1`,
    );
    expect(early).toEqual({ status: 422, body: { message: 'Channel not in Stasis application' } });
    vi.advanceTimersByTime(150);
    vi.useRealTimers();
    await vi.waitFor(() => expect(stasisStartOf('media-1')?.args).toEqual([]));
    const late = await rest(
      'POST',
      `/bridges/${bridge.body.id}/addChannel?channel=${call.channelId},media-1`,
    );
    expect(late.status).toBe(204);
  });

  it('sends it late only for the configured share and encapsulation', async () => {
    const draws = [0.9, 0.1, 0.5];
    await start({
      lateMediaStasisStart: {
        share: 0.3,
        delayMs: 50,
        encapsulation: 'rtp',
        random: () => draws.shift() ?? 1,
      },
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    for (const id of ['m-a', 'm-b', 'm-c']) expect((await rtpMedia(id)).status).toBe(200);
    // The response of m-a was sent after its StasisStart; m-b waits; m-c came before too.
    expect(stasisStartOf('m-a')).toBeDefined();
    expect(stasisStartOf('m-b')).toBeUndefined();
    expect(stasisStartOf('m-c')).toBeDefined();
    expect(sim.channels.get('m-b')?.inStasis).toBe(false);
    // Hanging up a channel that has not entered Stasis yet: it never does.
    expect((await rest('DELETE', '/channels/m-b')).status).toBe(204);
    vi.advanceTimersByTime(1_000);
    vi.useRealTimers();
    await vi.waitFor(() =>
      expect(events.some((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'm-b')).toBe(
        true,
      ),
    );
    expect(stasisStartOf('m-b')).toBeUndefined();
  });

  it('puts callers into the app ringing unless the dialplan answered first', async () => {
    await start();
    const ringing = await sim.placeCall({});
    const answered = await sim.placeCall({ answered: true });
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'StasisStart')).toHaveLength(2));
    expect(stasisStartOf(ringing.channelId)?.channel?.state).toBe('Ring');
    expect(stasisStartOf(answered.channelId)?.channel?.state).toBe('Up');
    expect((await rest('POST', `/channels/${ringing.channelId}/answer`)).status).toBe(204);
    await vi.waitFor(() =>
      expect(
        events.find((e) => e.type === 'ChannelStateChange' && e.channel?.id === ringing.channelId)
          ?.channel?.state,
      ).toBe('Up'),
    );
  });

  it("refuses a call for an app that no events socket registered, with Asterisk's words", async () => {
    await start();
    await expect(sim.placeCall({ app: 'other' })).rejects.toThrow(
      "Stasis app 'other' doesn't exist",
    );
  });

  it('records whether an events socket was closed with a close frame', async () => {
    await start();
    const closes: EventSocketClose[] = [];
    sim.on('eventSocketClosed', (c) => closes.push(c));
    ws.close(1000, 'bye');
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(closes[0]).toEqual({
      apps: ['voxstate'],
      code: 1000,
      reason: 'bye',
      closeFrame: true,
      by: 'client',
    });
    const abrupt = new WebSocket(
      `${url.replace('http', 'ws')}/ari/events?app=voxstate&api_key=voxstate:voxstate`,
    );
    await new Promise((resolve) => abrupt.once('open', resolve));
    abrupt.terminate();
    await vi.waitFor(() => expect(closes).toHaveLength(2));
    expect(closes[1]).toMatchObject({ code: 1006, closeFrame: false, by: 'client' });
    expect(sim.connectedApps).toEqual([]);
  });
});
