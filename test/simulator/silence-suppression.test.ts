/**
 * The simulator's media links when the caller suppresses silence: nothing goes on the wire in
 * the silent 20 ms slots, while the media clock keeps running (real sockets on loopback).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AudioSocketParser } from '../../src/media/audiosocket.js';
import { parseRtpPacket, type RtpPacket } from '../../src/media/rtp-packet.js';
import { MediaClock } from '../../src/simulator/media-clock.js';
import type { MediaLinkHooks } from '../../src/simulator/media-link.js';
import { connectAudioSocket } from '../../src/simulator/sim-audiosocket.js';
import { openRtpLink } from '../../src/simulator/sim-rtp.js';

const SPEECH = Buffer.alloc(640, 0x10);

/** Speech in 3 of every 10 slots, nothing in the others. */
function talkspurts(): MediaLinkHooks & { slots: number } {
  const hooks = {
    slots: 0,
    pull: () => (hooks.slots++ % 10 < 3 ? SPEECH : undefined),
    onAudio: () => undefined,
    onClosedByApp: () => undefined,
  };
  return hooks;
}

describe('silence suppression on the simulated media links', () => {
  const clock = new MediaClock();
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
    clock.stop();
  });

  it('AudioSocket: audio messages only for the slots with speech', async () => {
    const messages: string[] = [];
    const parser = new AudioSocketParser();
    const server = net.createServer((socket) => {
      socket.on('data', (chunk: Buffer) => {
        for (const m of parser.push(chunk)) messages.push(m.kind);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => server.close());
    const { port } = server.address() as net.AddressInfo;
    const hooks = talkspurts();
    const link = await connectAudioSocket(
      `127.0.0.1:${port}`,
      '0b7c7f5e-1d2e-4f3a-9b8c-7d6e5f4a3b2c',
      clock,
      hooks,
    );
    cleanup.push(() => link.close());
    await vi.waitFor(() => expect(hooks.slots).toBeGreaterThanOrEqual(20), { timeout: 3000 });
    link.close();
    const slots = hooks.slots;
    expect(link.framesSent + link.framesSuppressed).toBe(slots);
    expect(link.framesSent).toBe(Math.floor(slots / 10) * 3 + Math.min(3, slots % 10));
    await vi.waitFor(() =>
      expect(messages.filter((k) => k === 'audio')).toHaveLength(link.framesSent),
    );
  });

  it('RTP: no packets in the gaps, the timestamp jumps over them and the marker opens each talkspurt', async () => {
    const app = dgram.createSocket('udp4');
    const packets: RtpPacket[] = [];
    app.on('message', (m) => packets.push(parseRtpPacket(m)));
    await new Promise<void>((r) => app.bind(0, '127.0.0.1', () => r()));
    cleanup.push(() => app.close());
    const link = await openRtpLink(
      '127.0.0.1',
      `127.0.0.1:${app.address().port}`,
      'slin16',
      clock,
      talkspurts(),
    );
    cleanup.push(() => link.close());
    await vi.waitFor(() => expect(packets.length).toBeGreaterThanOrEqual(6), { timeout: 3000 });
    const [a, b, c, d] = packets;
    expect([a, b, c, d].map((p) => p?.marker)).toEqual([true, false, false, true]);
    expect(d!.sequence).toBe((c!.sequence + 1) & 0xffff);
    // 7 silent slots of 320 samples between the third and the fourth packet.
    expect(d!.timestamp - c!.timestamp).toBe(8 * 320);
    expect(b!.timestamp - a!.timestamp).toBe(320);
  });
});
