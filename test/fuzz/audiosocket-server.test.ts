import { randomUUID } from 'node:crypto';
import net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ParseError, TelephonyError } from '../../src/errors.js';
import {
  AUDIO_KIND_RATES,
  audioMessage,
  buildAudioSocketMessage,
  uuidMessage,
} from '../../src/media/audiosocket.js';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import { FUZZ_SEED } from './fuzz-params.js';

/** Well-framed messages the protocol does not accept (unknown kinds, bad payloads). */
const garbage = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0x04, max: 0xfe }).filter((t) => AUDIO_KIND_RATES[t] === undefined),
      fc.uint8Array({ maxLength: 300 }),
    )
    .map(([t, p]) => buildAudioSocketMessage(t, p)),
  fc
    .uint8Array({ maxLength: 20 })
    .filter((p) => p.length !== 16)
    .map((p) => buildAudioSocketMessage(0x01, p)),
  fc.constant(buildAudioSocketMessage(0x03, Uint8Array.of(0x21))),
  fc
    .integer({ min: 0, max: 300 })
    .map((n) => buildAudioSocketMessage(0x12, new Uint8Array(2 * n + 1))),
  fc.constant(buildAudioSocketMessage(0x02, new Uint8Array(0))),
);

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

describe('AudioSocket server under hostile streams', () => {
  let server: AudioSocketServer | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
  });

  it('keeps a call up through framed garbage and delivers every valid audio frame', async () => {
    server = new AudioSocketServer();
    const { port } = await server.listen();
    const uuid = randomUUID();
    const pending = server.waitFor(uuid, 2000);
    const socket = await connect(port);
    sockets.push(socket);
    socket.write(uuidMessage(uuid));
    const conn = await pending;
    const errors: Error[] = [];
    conn.on('error', (e) => errors.push(e));
    let frames = 0;
    conn.on('audio', () => frames++);

    const junk = fc.sample(garbage, { seed: FUZZ_SEED, numRuns: 80 });
    const frame = audioMessage(Buffer.alloc(640, 1));
    const stream = Buffer.concat(junk.flatMap((j) => [j, frame]));
    // Arbitrary TCP segmentation.
    for (let at = 0; at < stream.length; at += 997) socket.write(stream.subarray(at, at + 997));
    await vi.waitFor(() => expect(frames).toBe(junk.length), { timeout: 3_000, interval: 10 });
    expect(conn.closed).toBe(false);
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e).toBeInstanceOf(ParseError);
    expect(conn.stats.errors + conn.stats.unknown).toBe(junk.length);
  });

  it('drops a connection that never sends a UUID and keeps serving others', async () => {
    server = new AudioSocketServer({ uuidTimeoutMs: 100 });
    const serverErrors: Error[] = [];
    server.on('error', (e) => serverErrors.push(e));
    const { port } = await server.listen();
    const junk = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 500 }), {
      seed: FUZZ_SEED,
      numRuns: 5,
    });
    const closed = await Promise.all(
      junk.map(async (bytes) => {
        const s = await connect(port);
        sockets.push(s);
        s.on('error', () => undefined);
        s.write(bytes);
        return new Promise<boolean>((resolve) => s.on('close', () => resolve(true)));
      }),
    );
    expect(closed.every(Boolean)).toBe(true);
    for (const e of serverErrors) expect(e).toBeInstanceOf(TelephonyError);
    const uuid = randomUUID();
    const pending = server.waitFor(uuid, 2000);
    const ok = await connect(port);
    sockets.push(ok);
    ok.write(uuidMessage(uuid));
    expect((await pending).id).toBe(uuid);
  });
});
