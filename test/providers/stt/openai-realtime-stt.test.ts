import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenAiRealtimeSttConfig } from '../../../src/providers/stt/config.js';
import { FallbackStt } from '../../../src/providers/stt/fallback-stt.js';
import { OpenAiRealtimeStt } from '../../../src/providers/stt/openai-realtime-stt.js';
import type { SttStream, SttStreamEvent } from '../../../src/providers/stt/stt-engine.js';
import {
  type FakeRealtimeServer,
  startFakeRealtimeServer,
} from '../../fakes/openai-realtime-stt-server.js';
import { closedPort, collect, failureOf, LocalEngine, speak, tone } from './stt-helpers.js';

let server: FakeRealtimeServer;

beforeAll(async () => {
  server = await startFakeRealtimeServer();
});
afterAll(() => server.close());
beforeEach(() => {
  for (const k of Object.keys(server.options))
    delete (server.options as Record<string, unknown>)[k];
  server.sessions.length = 0;
});

function engine(over: Partial<OpenAiRealtimeSttConfig> = {}) {
  return new OpenAiRealtimeStt(
    {
      baseUrl: server.baseUrl,
      apiKey: 'sk-rt',
      model: 'gpt-4o-mini-transcribe',
      connectTimeoutMs: 1_000,
      finalTimeoutMs: 400,
      ...over,
    },
    { ws: { ca: server.ca } },
  );
}

const TEXT = 'can I book a table for four tonight';

describe('OpenAI Realtime transcription engine (real openai/realtime/ws, fixture server)', () => {
  it('sets up a transcription session, yields deltas as partials, and the completed text as final', async () => {
    server.options.texts = [TEXT];
    const stream = engine().openStream({ language: 'en' });
    const events = collect(stream);
    await speak(stream, tone(1.5));
    const result = await stream.finish();
    expect(result).toEqual({
      text: TEXT,
      language: 'en',
      engine: 'openai-realtime',
      audioSeconds: 1.5,
    });
    const { events: got, error } = await events;
    expect(error).toBeUndefined();
    const partials = got.filter((e) => e.type === 'partial').map((e) => e.text);
    expect(partials.length).toBeGreaterThanOrEqual(2);
    for (const p of partials) expect(TEXT.startsWith(p)).toBe(true);
    const [session] = server.sessions;
    expect(session?.query).toEqual({ model: 'gpt-4o-mini-transcribe' });
    expect(session?.authorization).toBe('Bearer sk-rt');
    expect(session?.session).toEqual({
      type: 'transcription',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24_000 },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'en' },
          turn_detection: null,
        },
      },
    });
    expect(session?.audioBytes).toBe(1.5 * 24_000 * 2);
    expect(session?.events.at(-1)).toBe('input_audio_buffer.commit');
    await expect.poll(() => session?.closed).toBe(true);
  });

  const commits = () =>
    server.sessions[0]?.events.filter((e) => e === 'input_audio_buffer.commit') ?? [];
  const settledOf = (got: SttStreamEvent[]) =>
    got.flatMap((e) => (e.type === 'partial' && e.settled ? [e.text] : []));
  const silence = (seconds: number) => new Float32Array(Math.round(16_000 * seconds));
  /** The caller says `audio` and pauses; the endpointer flushes 60 ms into the pause. */
  const sayAndFlush = async (stream: SttStream, audio: Float32Array) => {
    await speak(stream, audio);
    await speak(stream, silence(0.06));
    expect(stream.flush?.()).toBe(true);
  };

  it('a flush in a pause commits what was said: the first piece as a settled partial, the whole utterance as the final', async () => {
    server.options.texts = ['is the bakery open | on sunday morning'];
    const stream = engine().openStream({ language: 'en' });
    const events = collect(stream);
    await sayAndFlush(stream, tone(1));
    await speak(stream, silence(0.4));
    await speak(stream, tone(0.9));
    await speak(stream, silence(0.1));
    const result = await stream.finish();
    expect(result.text).toBe('is the bakery open on sunday morning');
    const { events: got, error } = await events;
    expect(error).toBeUndefined();
    expect(settledOf(got)).toEqual(['is the bakery open']);
    expect(commits()).toHaveLength(2);
  });

  it('without a flush, the commit at the end of the utterance completes all its pieces', async () => {
    server.options.texts = ['is the bakery open | on sunday morning'];
    const stream = engine().openStream({ language: 'en' });
    await speak(stream, tone(1));
    await speak(stream, silence(0.6));
    await speak(stream, tone(0.9));
    await speak(stream, silence(0.1));
    expect((await stream.finish()).text).toBe('is the bakery open on sunday morning');
    expect(commits()).toHaveLength(1);
  });

  it('deltas go to their item: a piece said while the previous commit is pending', async () => {
    server.options.texts = ['is the bakery open | on sunday | in the morning'];
    server.options.finalDelayMs = [700, 700];
    server.options.msPerWord = 150;
    const stream = engine({ finalTimeoutMs: 2_000 }).openStream({ language: 'en' });
    const events = collect(stream);
    // Each commit is answered 700 ms on: during the next piece, before the next commit.
    for (const piece of [tone(0.9), tone(1.2)]) {
      await sayAndFlush(stream, piece);
    }
    await speak(stream, tone(0.3));
    await speak(stream, silence(0.8));
    const result = await stream.finish();
    expect(result.text).toBe('is the bakery open on sunday in the morning');
    const { events: got } = await events;
    const partials = got.flatMap((e) => (e.type === 'partial' ? [e] : []));
    const firstSettled = partials.findIndex((p) => p.settled);
    // The second piece's deltas came before the first commit was answered, after its words.
    expect(partials.slice(0, firstSettled).some((p) => / on\b/.test(p.text))).toBe(true);
    // ...and were not lost when it was answered.
    for (const p of partials.slice(firstSettled)) {
      expect(p.text.startsWith('is the bakery open')).toBe(true);
      if (p.text.includes('sunday')) expect(p.text).toContain('open on sunday');
    }
    const settled = settledOf(got);
    expect(settled).toHaveLength(2);
    expect(settled[0]?.startsWith('is the bakery open')).toBe(true);
    expect(settled[1]?.startsWith('is the bakery open on sunday')).toBe(true);
    expect(commits()).toHaveLength(3);
  });

  it('a flush at the pause that ends the utterance is its final: finish({ afterFlush }) sends no second commit', async () => {
    server.options.texts = ['do you deliver to haifa'];
    const stream = engine().openStream({ language: 'en' });
    const events = collect(stream);
    await sayAndFlush(stream, tone(1.2));
    // The settled partial comes while the silence goes on (the end of turn waits for it).
    await speak(stream, silence(0.4));
    const started = Date.now();
    const result = await stream.finish({ afterFlush: true });
    expect(Date.now() - started).toBeLessThan(100);
    expect(result.text).toBe('do you deliver to haifa');
    expect(settledOf((await events).events)).toEqual(['do you deliver to haifa']);
    expect(commits()).toHaveLength(1);
  });

  it('finish({ afterFlush }) before the commit is answered waits for that answer, not a new one', async () => {
    server.options.texts = ['is the bakery open'];
    const stream = engine().openStream({ language: 'en' });
    await sayAndFlush(stream, tone(1));
    expect((await stream.finish({ afterFlush: true })).text).toBe('is the bakery open');
    expect(commits()).toHaveLength(1);
  });

  it('a flush with under 100 ms of new audio returns false and sends nothing', async () => {
    server.options.texts = ['yes'];
    const stream = engine().openStream({ language: 'en' });
    await speak(stream, tone(0.06));
    await expect.poll(() => server.sessions[0]?.audioBytes ?? 0).toBeGreaterThan(0);
    expect(stream.flush?.()).toBe(false);
    await speak(stream, tone(0.1));
    expect(stream.flush?.()).toBe(true);
    await speak(stream, silence(0.08));
    expect(stream.flush?.()).toBe(false);
    expect(commits()).toHaveLength(1);
    expect((await stream.finish()).text).toBe('yes');
    expect(commits()).toHaveLength(1);
  });

  it('finish without afterFlush after a flush that committed everything takes the committed text', async () => {
    server.options.texts = ['can I pay by card'];
    const stream = engine().openStream({ language: 'en' });
    const events = collect(stream);
    await speak(stream, tone(1));
    expect(stream.flush?.()).toBe(true);
    const result = await stream.finish();
    expect(result).toMatchObject({ text: 'can I pay by card', audioSeconds: 1 });
    expect((await events).error).toBeUndefined();
    expect(commits()).toHaveLength(1);
  });

  it('an utterance of under 100 ms is not committed: its final is empty, not a failure', async () => {
    const stream = engine().openStream({ language: 'en' });
    await speak(stream, tone(0.06));
    await expect.poll(() => server.sessions[0]?.audioBytes ?? 0).toBeGreaterThan(0);
    expect(await stream.finish()).toMatchObject({ text: '', audioSeconds: 0.06 });
    expect(commits()).toHaveLength(0);
  });

  it('the fixture rejects a commit of under 100 ms as the API does', async () => {
    const rt = new OpenAIRealtimeWS(
      { model: 'gpt-4o-mini-transcribe', options: { ca: server.ca } },
      new OpenAI({ apiKey: 'sk-rt', baseURL: server.baseUrl }),
    );
    const failed = new Promise<{ error?: { code?: string | null } }>((resolve) =>
      rt.on('error', (err) => resolve(err as { error?: { code?: string | null } })),
    );
    await new Promise<void>((resolve) => rt.socket.once('open', () => resolve()));
    rt.send({
      type: 'input_audio_buffer.append',
      audio: Buffer.alloc(2 * 2_400 - 2).toString('base64'),
    });
    rt.send({ type: 'input_audio_buffer.commit' });
    expect((await failed).error?.code).toBe('input_audio_buffer_commit_empty');
    rt.close();
  });

  it('transcribes a whole utterance (the batch contract)', async () => {
    server.options.texts = ['yes please'];
    const result = await engine().transcribe({ audio: tone(0.8) });
    expect(result).toMatchObject({ text: 'yes please', engine: 'openai-realtime' });
  });

  it.each([
    [401, 'auth'],
    [429, 'rate_limit'],
  ])('rejects a %i at connect as %s', async (status, failure) => {
    server.options.failWith = status;
    const err = await failureOf(engine().transcribe({ audio: tone(0.3) }));
    expect(err.failure).toBe(failure);
    expect(err.status).toBe(status);
  });

  it('classifies a refused connection', async () => {
    const stt = engine({ baseUrl: `https://127.0.0.1:${await closedPort()}/v1` });
    expect((await failureOf(stt.transcribe({ audio: tone(0.3) }))).failure).toBe('refused');
  });

  it('classifies a stalled server as a timeout at the final deadline', async () => {
    server.options.stall = true;
    expect((await failureOf(engine().transcribe({ audio: tone(0.3) }))).failure).toBe('timeout');
  });

  it('classifies a socket dropped mid-utterance', async () => {
    server.options.dropAfterAudioMs = 300;
    const stream = engine().openStream();
    const events = collect(stream);
    await speak(stream, tone(0.6));
    expect((await failureOf(stream.finish())).failure).toBe('dropped');
    expect((await events).error).toBeDefined();
  });

  it('aborts with the signal and closes the session', async () => {
    const ac = new AbortController();
    const stream = engine().openStream({ signal: ac.signal });
    stream.push(tone(0.2));
    await expect.poll(() => server.sessions[0]?.session).toBeDefined();
    ac.abort();
    await expect(stream.finish()).rejects.toMatchObject({ code: 'aborted' });
    await expect.poll(() => server.sessions[0]?.closed).toBe(true);
  });
});

describe('fallback from OpenAI Realtime to local Whisper', () => {
  it.each([
    ['dropped', { dropAfterAudioMs: 400 }],
    ['timeout', { stall: true }],
    ['auth', { failWith: 401 }],
    ['rate_limit', { failWith: 429 }],
  ] as const)('%s: the local engine gets the whole utterance; counted', async (kind, opts) => {
    Object.assign(server.options, opts, { texts: [TEXT] });
    const registry = new Registry();
    const local = new LocalEngine();
    const stream = new FallbackStt([engine(), local], { registry }).openStream({ language: 'en' });
    await speak(stream, tone(1));
    const result = await stream.finish();
    expect(result).toMatchObject({ text: 'local text', engine: 'whisper' });
    expect(local.calls[0]?.audio.length).toBe(16_000);
    expect(await registry.getSingleMetricAsString('voxstate_stt_fallbacks_total')).toContain(
      `{engine="openai-realtime",kind="${kind}"} 1`,
    );
  });
});
