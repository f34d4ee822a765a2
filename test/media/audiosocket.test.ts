import { randomUUID } from 'node:crypto';
import net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ParseError } from '../../src/errors.js';
import {
  type AudioSocketMessage,
  AudioSocketParser,
  audioMessage,
  buildAudioSocketMessage,
  dtmfMessage,
  errorMessage,
  hangupMessage,
  uuidFromBytes,
  uuidMessage,
  uuidToBytes,
} from '../../src/media/audiosocket.js';
import type { AudioSocketConnection } from '../../src/media/audiosocket-connection.js';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 2_000, interval: 10 };

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function frame(value: number): Buffer {
  const b = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) b.writeInt16LE(value, i * 2);
  return b;
}

function validStream(): Buffer {
  return Buffer.concat([
    uuidMessage(UUID),
    audioMessage(frame(100)),
    dtmfMessage('5'),
    audioMessage(frame(-7)),
    errorMessage(2),
    hangupMessage(),
  ]);
}

function kinds(msgs: AudioSocketMessage[]): string[] {
  return msgs.map((m) => m.kind);
}

describe('AudioSocketParser', () => {
  it('parses a stream read in one piece', () => {
    const msgs = new AudioSocketParser().push(validStream());
    expect(kinds(msgs)).toEqual(['uuid', 'audio', 'dtmf', 'audio', 'error', 'hangup']);
    expect(msgs[0]).toEqual({ kind: 'uuid', uuid: UUID });
    expect(msgs[2]).toEqual({ kind: 'dtmf', digit: '5' });
    expect(msgs[4]).toMatchObject({ kind: 'error', code: 2 });
    const audio = msgs[1] as Extract<AudioSocketMessage, { kind: 'audio' }>;
    expect(audio.sampleRate).toBe(16_000);
    expect(audio.type).toBe(0x12);
    expect(audio.payload.equals(frame(100))).toBe(true);
  });

  it('parses a stream fed byte by byte', () => {
    const parser = new AudioSocketParser();
    const stream = validStream();
    const msgs: AudioSocketMessage[] = [];
    for (let i = 0; i < stream.length; i++) msgs.push(...parser.push(stream.subarray(i, i + 1)));
    expect(kinds(msgs)).toEqual(['uuid', 'audio', 'dtmf', 'audio', 'error', 'hangup']);
    expect(parser.pendingBytes).toBe(0);
  });

  it('skips and counts unknown kinds', () => {
    const parser = new AudioSocketParser();
    const msgs = parser.push(
      Buffer.concat([buildAudioSocketMessage(0x42, Buffer.from('xyz')), dtmfMessage('#')]),
    );
    expect(kinds(msgs)).toEqual(['unknown', 'dtmf']);
    expect(parser.unknownCount).toBe(1);
  });

  it('reports a UUID of the wrong length as a ParseError and carries on', () => {
    const parser = new AudioSocketParser();
    const msgs = parser.push(
      Buffer.concat([buildAudioSocketMessage(0x01, Buffer.alloc(10)), dtmfMessage('1')]),
    );
    expect(kinds(msgs)).toEqual(['parse-error', 'dtmf']);
    const err = (msgs[0] as Extract<AudioSocketMessage, { kind: 'parse-error' }>).error;
    expect(err).toBeInstanceOf(ParseError);
    expect(err.message).toMatch(/10 bytes/);
    expect(parser.errorCount).toBe(1);
  });

  it('rejects odd-length audio and empty DTMF', () => {
    const msgs = new AudioSocketParser().push(
      Buffer.concat([
        buildAudioSocketMessage(0x12, Buffer.alloc(3)),
        buildAudioSocketMessage(0x03),
        audioMessage(frame(1)),
      ]),
    );
    expect(kinds(msgs)).toEqual(['parse-error', 'parse-error', 'audio']);
  });

  it('round-trips UUIDs', () => {
    const id = randomUUID();
    expect(uuidFromBytes(uuidToBytes(id))).toBe(id);
    expect(() => uuidToBytes('nope')).toThrow(ParseError);
  });

  it('gives the same messages for any chunking of a valid stream (property)', () => {
    const stream = validStream();
    const whole = new AudioSocketParser().push(stream);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }),
        (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const parser = new AudioSocketParser();
          const msgs: AudioSocketMessage[] = [];
          let prev = 0;
          for (const p of [...points, stream.length]) {
            msgs.push(...parser.push(stream.subarray(prev, p)));
            prev = p;
          }
          expect(msgs).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws on random garbage; problems surface only as ParseError items (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 10 }), (chunks) => {
        const parser = new AudioSocketParser();
        for (const c of chunks) {
          for (const m of parser.push(c))
            if (m.kind === 'parse-error') expect(m.error).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('AudioSocketServer', () => {
  let server: AudioSocketServer | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await server?.close();
    server = undefined;
  });

  async function dial(port: number): Promise<net.Socket> {
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise((r) => socket.once('connect', r));
    return socket;
  }

  it('hands out the connection of a UUID, with audio, DTMF, send and hangup both ways', async () => {
    server = new AudioSocketServer();
    const { port } = await server.listen();
    const id = randomUUID();
    const waiting = server.waitFor(id, 2000);
    const socket = await dial(port);
    // The UUID and first audio arrive split across reads.
    const head = Buffer.concat([uuidMessage(id), audioMessage(frame(5))]);
    socket.write(head.subarray(0, 7));
    const conn: AudioSocketConnection = await Promise.race([
      waiting,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('too early')), 50)),
    ]).catch(async () => {
      socket.write(head.subarray(7));
      return waiting;
    });
    expect(conn.id).toBe(id);
    const frames: Buffer[] = [];
    const digits: string[] = [];
    conn.on('audio', (f) => frames.push(f));
    conn.on('dtmf', (d) => digits.push(d));
    socket.write(Buffer.concat([audioMessage(frame(6)), dtmfMessage('9')]));
    await vi.waitFor(() => expect(frames.length >= 2 && digits.length === 1).toBe(true), WAIT);
    expect(frames[0]!.readInt16LE(0)).toBe(5);
    expect(frames[1]!.readInt16LE(0)).toBe(6);
    expect(digits).toEqual(['9']);

    const received = new AudioSocketParser();
    const back: AudioSocketMessage[] = [];
    socket.on('data', (c: Buffer) => back.push(...received.push(c)));
    expect(conn.send(frame(42))).toBe(true);
    conn.hangup();
    await vi.waitFor(() => expect(back.length).toBeGreaterThanOrEqual(2), WAIT);
    expect(kinds(back)).toEqual(['audio', 'hangup']);
    await vi.waitFor(() => expect(conn.closed).toBe(true), WAIT);
  });

  it('keeps a connection that arrives before waitFor, and emits hangup and close when the far end hangs up', async () => {
    server = new AudioSocketServer();
    const { port } = await server.listen();
    const id = randomUUID();
    const socket = await dial(port);
    socket.write(uuidMessage(id));
    await new Promise((r) => server!.once('connection', r));
    const conn = await server.waitFor(id, 100);
    const events: string[] = [];
    conn.on('hangup', () => events.push('hangup'));
    conn.on('close', () => events.push('close'));
    socket.write(hangupMessage());
    await vi.waitFor(() => expect(events).toContain('close'), WAIT);
    expect(events).toEqual(['hangup', 'close']);
    expect(conn.send(frame(1))).toBe(false);
  });

  it('reports protocol errors on a connection without dropping it', async () => {
    server = new AudioSocketServer();
    const { port } = await server.listen();
    const id = randomUUID();
    const socket = await dial(port);
    socket.write(uuidMessage(id));
    const conn = await server.waitFor(id, 1000);
    const errors: Error[] = [];
    const frames: Buffer[] = [];
    conn.on('error', (e) => errors.push(e));
    conn.on('audio', (f) => frames.push(f));
    socket.write(
      Buffer.concat([
        buildAudioSocketMessage(0x01, Buffer.alloc(3)),
        buildAudioSocketMessage(0x77, Buffer.alloc(2)),
        errorMessage(4),
        audioMessage(frame(3)),
      ]),
    );
    await vi.waitFor(() => expect(frames.length).toBe(1), WAIT);
    expect(errors.map((e) => e.name)).toEqual(['ParseError', 'TelephonyError']);
    expect(conn.stats.unknown).toBe(1);
    expect(conn.closed).toBe(false);
  });

  it('times out waiting for a UUID that never connects', async () => {
    server = new AudioSocketServer();
    await server.listen();
    await expect(server.waitFor(randomUUID(), 30)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('upsamples slin8 (0x10) to 16 kHz frames', async () => {
    server = new AudioSocketServer();
    const { port } = await server.listen();
    const id = randomUUID();
    const socket = await dial(port);
    socket.write(uuidMessage(id));
    const conn = await server.waitFor(id, 1000);
    const frames: Buffer[] = [];
    conn.on('audio', (f) => frames.push(f));
    for (let i = 0; i < 3; i++) socket.write(audioMessage(Buffer.alloc(320), 0x10));
    await vi.waitFor(() => expect(frames.length).toBeGreaterThanOrEqual(2), WAIT);
    expect(frames[0]!.length).toBe(640);
  });
});
