import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenAiRealtimeSttConfig } from '../../../src/providers/stt/config.js';
import { FallbackStt } from '../../../src/providers/stt/fallback-stt.js';
import { OpenAiRealtimeStt } from '../../../src/providers/stt/openai-realtime-stt.js';
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
