import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeepgramSttConfig } from '../../../src/providers/stt/config.js';
import { DeepgramStt } from '../../../src/providers/stt/deepgram-stt.js';
import { FallbackStt } from '../../../src/providers/stt/fallback-stt.js';
import { type FakeDeepgramServer, startFakeDeepgramServer } from '../../fakes/deepgram-server.js';
import { closedPort, collect, failureOf, LocalEngine, speak, tone } from './stt-helpers.js';

let server: FakeDeepgramServer;

beforeAll(async () => {
  server = await startFakeDeepgramServer();
});
afterAll(() => server.close());
beforeEach(() => {
  for (const k of Object.keys(server.options))
    delete (server.options as Record<string, unknown>)[k];
  server.connections.length = 0;
});

function engine(over: Partial<DeepgramSttConfig> = {}) {
  return new DeepgramStt({
    baseUrl: server.baseUrl,
    apiKey: 'dg-test',
    model: 'nova-3',
    connectTimeoutMs: 1_000,
    finalTimeoutMs: 400,
    ...over,
  });
}

const TEXT = 'when do you open on sunday morning';

describe('Deepgram live engine (real @deepgram/sdk, fixture server)', () => {
  it('an early final in a pause (flush) gives the first piece as a stable partial; the final is the whole utterance', async () => {
    server.options.texts = ['do you deliver | to haifa on sunday'];
    server.options.followVoice = true;
    server.options.msPerWord = 200;
    const stream = engine().openStream({ language: 'en', tag: 'call-7' });
    const events = collect(stream);
    await speak(stream, tone(0.7));
    await speak(stream, new Float32Array(16_000 * 0.36));
    stream.flush?.();
    await speak(stream, new Float32Array(16_000 * 0.34));
    await speak(stream, tone(0.9));
    await speak(stream, new Float32Array(16_000 * 0.1));
    const result = await stream.finish();
    expect(result.text).toBe('do you deliver to haifa on sunday');
    const { events: got } = await events;
    const partialEvents = got.flatMap((e) => (e.type === 'partial' ? [e] : []));
    expect(partialEvents.filter((e) => e.stable).map((e) => e.text)).toEqual(['do you deliver']);
    const partials = partialEvents.map((e) => e.text);
    for (const p of partials) expect('do you deliver to haifa on sunday'.startsWith(p)).toBe(true);
    const [conn] = server.connections;
    expect(conn?.query.tag).toBe('call-7');
    expect(conn?.controls.filter((c) => c === 'Finalize')).toHaveLength(2);
  });

  it('a flush at the pause that ends the utterance is its final: finish({ afterFlush }) sends no second Finalize', async () => {
    server.options.texts = ['do you deliver to haifa'];
    server.options.followVoice = true;
    server.options.msPerWord = 200;
    const stream = engine().openStream({ language: 'en', tag: 'call-8' });
    const events = collect(stream);
    await speak(stream, tone(1.2));
    await speak(stream, new Float32Array(16_000 * 0.06));
    expect(stream.flush?.()).toBe(true);
    // The settled partial comes while the silence goes on (the end of turn waits for it).
    await speak(stream, new Float32Array(16_000 * 0.4));
    const started = Date.now();
    const result = await stream.finish({ afterFlush: true });
    expect(Date.now() - started).toBeLessThan(100);
    expect(result.text).toBe('do you deliver to haifa');
    const { events: got } = await events;
    const settled = got.flatMap((e) => (e.type === 'partial' && e.settled ? [e.text] : []));
    expect(settled).toEqual(['do you deliver to haifa']);
    const [conn] = server.connections;
    expect(conn?.controls.filter((c) => c === 'Finalize')).toHaveLength(1);
  });

  it('finish({ afterFlush }) before the flush is answered waits for that answer, not a new one', async () => {
    server.options.texts = ['is the bakery open'];
    server.options.followVoice = true;
    server.options.msPerWord = 200;
    const stream = engine().openStream({ language: 'en' });
    await speak(stream, tone(1));
    await speak(stream, new Float32Array(16_000 * 0.06));
    expect(stream.flush?.()).toBe(true);
    const result = await stream.finish({ afterFlush: true });
    expect(result.text).toBe('is the bakery open');
    expect(server.connections[0]?.controls.filter((c) => c === 'Finalize')).toHaveLength(1);
  });

  it('finish({ afterFlush }) without a flush flushes as usual', async () => {
    server.options.texts = [TEXT];
    const stream = engine().openStream({ language: 'en' });
    await speak(stream, tone(1.5));
    const result = await stream.finish({ afterFlush: true });
    expect(result.text).toBe(TEXT);
    expect(server.connections[0]?.controls.filter((c) => c === 'Finalize')).toHaveLength(1);
  });

  it('yields growing partials while the caller speaks, then the final after Finalize', async () => {
    server.options.texts = [TEXT];
    const stream = engine().openStream({ language: 'en' });
    const events = collect(stream);
    await speak(stream, tone(1.5));
    const result = await stream.finish();
    expect(result).toEqual({ text: TEXT, language: 'en', engine: 'deepgram', audioSeconds: 1.5 });
    const { events: got, error } = await events;
    expect(error).toBeUndefined();
    const partials = got.filter((e) => e.type === 'partial').map((e) => e.text);
    expect(partials.length).toBeGreaterThanOrEqual(2);
    for (const p of partials) expect(TEXT.startsWith(p)).toBe(true);
    expect(got.at(-1)).toEqual({ type: 'final', result });
    const [conn] = server.connections;
    expect(conn?.query).toMatchObject({
      model: 'nova-3',
      encoding: 'linear16',
      sample_rate: '16000',
      interim_results: 'true',
      language: 'en',
    });
    expect(conn?.authorization).toBe('Token dg-test');
    expect(conn?.audioBytes).toBe(1.5 * 16_000 * 2);
    expect(conn?.controls).toContain('Finalize');
    await expect.poll(() => conn?.closed).toBe(true);
  });

  it('transcribes a whole utterance (the batch contract)', async () => {
    server.options.texts = ['yes please'];
    const result = await engine().transcribe({ audio: tone(0.8) });
    expect(result).toMatchObject({ text: 'yes please', engine: 'deepgram', audioSeconds: 0.8 });
  });

  it.each([
    [401, 'auth'],
    [429, 'rate_limit'],
  ])('rejects a %i at connect as %s', async (status, failure) => {
    server.options.failWith = status;
    const err = await failureOf(engine().transcribe({ audio: tone(0.3) }));
    expect(err.failure).toBe(failure);
  });

  it('classifies a refused connection', async () => {
    const stt = engine({ baseUrl: `ws://127.0.0.1:${await closedPort()}` });
    expect((await failureOf(stt.transcribe({ audio: tone(0.3) }))).failure).toBe('refused');
  });

  it('classifies a stalled server as a timeout at the final deadline', async () => {
    server.options.stall = true;
    expect((await failureOf(engine().transcribe({ audio: tone(0.3) }))).failure).toBe('timeout');
  });

  it('classifies a socket dropped mid-utterance, at once', async () => {
    server.options.dropAfterAudioMs = 300;
    const stream = engine().openStream();
    const events = collect(stream);
    await speak(stream, tone(0.6));
    expect((await failureOf(stream.finish())).failure).toBe('dropped');
    expect((await events).error).toBeDefined();
  });

  it('aborts with the signal: finish rejects as aborted and the socket closes', async () => {
    const ac = new AbortController();
    const stream = engine().openStream({ signal: ac.signal });
    stream.push(tone(0.2));
    await expect.poll(() => server.connections.length).toBe(1);
    ac.abort();
    await expect(stream.finish()).rejects.toMatchObject({ code: 'aborted' });
    await expect.poll(() => server.connections[0]?.closed).toBe(true);
  });
});

describe('fallback from Deepgram to local Whisper', () => {
  it.each([
    ['dropped', { dropAfterAudioMs: 400 }],
    ['timeout', { stall: true }],
    ['auth', { failWith: 401 }],
    ['rate_limit', { failWith: 429 }],
  ] as const)(
    '%s mid-stream: the local engine gets the whole utterance; counted',
    async (kind, opts) => {
      Object.assign(server.options, opts, { texts: [TEXT] });
      const registry = new Registry();
      const local = new LocalEngine();
      const stream = new FallbackStt([engine(), local], { registry }).openStream({
        language: 'en',
      });
      const events = collect(stream);
      await speak(stream, tone(1));
      const result = await stream.finish();
      expect(result).toMatchObject({ text: 'local text', engine: 'whisper' });
      expect(local.calls[0]?.audio.length).toBe(16_000);
      expect(local.calls[0]?.language).toBe('en');
      const { events: got } = await events;
      expect(got.at(-1)).toEqual({ type: 'final', result });
      expect(await registry.getSingleMetricAsString('voxstate_stt_fallbacks_total')).toContain(
        `{engine="deepgram",kind="${kind}"} 1`,
      );
    },
  );

  it('refused: the local engine transcribes', async () => {
    const stt = new FallbackStt([
      engine({ baseUrl: `ws://127.0.0.1:${await closedPort()}` }),
      new LocalEngine(),
    ]);
    expect((await stt.transcribe({ audio: tone(0.3) })).engine).toBe('whisper');
  });
});
