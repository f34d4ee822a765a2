/**
 * The console's recording player: the `<audio>` element on a call page when the call has a
 * `recordingPath`, the file served from the data folder only, behind the ops token, with byte
 * ranges as players ask for them. The WAV is written by the test.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../src/audio/wav.js';
import { CallTimeline } from '../../src/calls/timeline.js';
import { type ConsoleCall, createConsole } from '../../src/console/console.js';
import { byteRange, recordingFile } from '../../src/console/recording.js';
import { emptyBreakdown } from '../../src/cost/ledger.js';
import { createOpsServer, type OpsServer } from '../../src/ops/server.js';
import { consoleCallOf } from '../../src/runtime/active-calls.js';
import type { CallHandle } from '../../src/runtime/runtime.js';

const call = (id: string, recordingPath?: string): ConsoleCall => ({
  id,
  state: 'ended',
  direction: 'inbound',
  language: 'en',
  startedAt: 0,
  endedAt: 1,
  endReason: 'hangup',
  turns: [],
  ...(recordingPath ? { recordingPath } : {}),
});

describe('recording byte ranges and paths', () => {
  it('reads one bytes= range, open-ended or a suffix, and refuses what is outside the file', () => {
    expect(byteRange(undefined, 100)).toBeUndefined();
    expect(byteRange('bytes=0-9', 100)).toEqual([0, 9]);
    expect(byteRange('bytes=90-', 100)).toEqual([90, 99]);
    expect(byteRange('bytes=95-200', 100)).toEqual([95, 99]);
    expect(byteRange('bytes=-10', 100)).toEqual([90, 99]);
    expect(byteRange('bytes=-500', 100)).toEqual([0, 99]);
    for (const bad of [
      'bytes=100-',
      'bytes=9-3',
      'bytes=-',
      'bytes=-0',
      'items=0-1',
      'bytes=0-1,5-6',
    ])
      expect(byteRange(bad, 100)).toBe('bad');
  });

  it('serves only files inside the data folder', () => {
    expect(recordingFile('/data', 'recordings/a.wav')).toBe('/data/recordings/a.wav');
    expect(recordingFile('/data', '/data/recordings/a.wav')).toBeUndefined();
    expect(recordingFile('/data', 'other/a.wav')).toBeUndefined();
    expect(recordingFile('/data', '../etc/passwd')).toBeUndefined();
    expect(recordingFile('/data', 'recordings/../../etc/passwd')).toBeUndefined();
    expect(recordingFile('/data', '/etc/passwd')).toBeUndefined();
    expect(recordingFile('/data', '/data-other/a.wav')).toBeUndefined();
    expect(recordingFile('/data', '.')).toBeUndefined();
  });
});

describe('consoleCallOf', () => {
  it("takes a call's recording from its session's recordingPath", () => {
    const handle = (session: Record<string, unknown>) =>
      ({
        id: 'c',
        actor: { getSnapshot: () => ({ value: 'listening', context: { language: 'en' } }) },
        session: {
          endpoint: { direction: 'inbound' },
          startedAt: 0,
          timeline: new CallTimeline(),
          ledger: { breakdown: () => emptyBreakdown('USD') },
          ...session,
        },
      }) as unknown as CallHandle;
    expect(consoleCallOf(handle({ recordingPath: 'recordings/c.wav' })).recordingPath).toBe(
      'recordings/c.wav',
    );
    expect(consoleCallOf(handle({})).recordingPath).toBeUndefined();
    expect(consoleCallOf(handle({ recordingPath: '' })).recordingPath).toBeUndefined();
  });
});

describe('recording player behind the ops token', () => {
  let dataDir: string;
  let wav: Buffer;
  let ops: OpsServer | undefined;
  const auth = { authorization: 'Bearer s3cret' };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'voxstate-console-rec-'));
    await mkdir(join(dataDir, 'recordings'));
    const samples = new Int16Array(8_000);
    for (let i = 0; i < samples.length; i++)
      samples[i] = Math.round(6_000 * Math.sin((2 * Math.PI * 440 * i) / 8_000));
    wav = writeWav(samples, 8_000);
    await writeFile(join(dataDir, 'recordings', 'call-1.wav'), wav);
    await writeFile(join(tmpdir(), 'voxstate-outside.wav'), wav);
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(join(tmpdir(), 'voxstate-outside.wav'), { force: true });
  });
  afterEach(async () => ops?.close());

  async function serve(calls: ConsoleCall[]) {
    const web = createConsole({ live: () => [], dataDir });
    for (const c of calls) web.ended(c);
    ops = createOpsServer({
      registry: new Registry(),
      port: 0,
      token: 's3cret',
      routes: web.routes,
    });
    return (await ops.listen()).url;
  }

  it('shows an <audio> player on the page of a call with a recording, none without', async () => {
    const url = await serve([call('call-1', 'recordings/call-1.wav'), call('call-2')]);
    const page = await fetch(`${url}/console/calls/call-1`, { headers: auth });
    expect(page.headers.get('content-security-policy')).toContain("media-src 'self'");
    expect(await page.text()).toContain(
      '<audio id="recording" controls preload="metadata" src="/console/calls/call-1/recording"></audio>',
    );
    const other = await (await fetch(`${url}/console/calls/call-2`, { headers: auth })).text();
    expect(other).not.toContain('<audio');
    expect((await fetch(`${url}/console/calls/call-2/recording`, { headers: auth })).status).toBe(
      404,
    );
  });

  it('serves the WAV whole and by ranges, only with the token', async () => {
    const url = await serve([call('call-1', 'recordings/call-1.wav')]);
    const at = `${url}/console/calls/call-1/recording`;
    expect((await fetch(at)).status).toBe(401);
    const whole = await fetch(at, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const body = Buffer.from(await whole.arrayBuffer());
    expect(body.equals(wav)).toBe(true);
    expect(readWav(body).sampleRate).toBe(8_000);

    const part = await fetch(at, { headers: { ...auth, range: 'bytes=44-143' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 44-143/${wav.length}`);
    expect(part.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await part.arrayBuffer()).equals(wav.subarray(44, 144))).toBe(true);

    const tail = await fetch(at, { headers: { ...auth, range: 'bytes=-4' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(wav.subarray(-4))).toBe(true);

    const outside = await fetch(at, { headers: { ...auth, range: `bytes=${wav.length}-` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${wav.length}`);

    const head = await fetch(at, { method: 'HEAD', headers: auth });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(wav.length));
  });

  it('never serves a recording path outside the data folder, or a missing file', async () => {
    const url = await serve([
      call('climber', '../voxstate-outside.wav'),
      call('absolute', join(tmpdir(), 'voxstate-outside.wav')),
      call('missing', 'recordings/none.wav'),
    ]);
    for (const id of ['climber', 'absolute', 'missing'])
      expect((await fetch(`${url}/console/calls/${id}/recording`, { headers: auth })).status).toBe(
        404,
      );
  });
});
