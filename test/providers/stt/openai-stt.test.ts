import { createServer } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SttEngineError } from '../../../src/errors.js';
import { FallbackStt } from '../../../src/providers/stt/fallback-stt.js';
import { OpenAiStt } from '../../../src/providers/stt/openai-stt.js';
import type { SttEngine, SttRequest } from '../../../src/providers/stt/stt-engine.js';
import {
  type FakeOpenAiSttServer,
  startFakeOpenAiSttServer,
} from '../../fakes/openai-stt-server.js';

let server: FakeOpenAiSttServer;

beforeAll(async () => {
  server = await startFakeOpenAiSttServer();
});
afterAll(() => server.close());
beforeEach(() => {
  for (const k of Object.keys(server.options))
    delete (server.options as Record<string, unknown>)[k];
  server.requests.length = 0;
});

const audio = (seconds: number) => {
  const a = new Float32Array(16_000 * seconds);
  for (let i = 0; i < a.length; i++) a[i] = 0.3 * Math.sin(i / 10);
  return a;
};

function engine(baseUrl = server.baseUrl, timeoutMs = 1_500) {
  return new OpenAiStt({ baseUrl, apiKey: 'sk-test', model: 'whisper-test', timeoutMs });
}

/** A local engine standing in for Whisper behind the fallback. */
class LocalEngine implements SttEngine {
  readonly name = 'whisper';
  calls: SttRequest[] = [];
  async transcribe(request: SttRequest) {
    this.calls.push(request);
    return { text: 'local text', engine: this.name, audioSeconds: request.audio.length / 16_000 };
  }
}

async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/v1`;
}

async function failureOf(p: Promise<unknown>): Promise<SttEngineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SttEngineError);
  return err as SttEngineError;
}

describe('OpenAI transcription engine (real SDK, fixture server)', () => {
  it('posts the utterance as a 16 kHz WAV with model and language, and returns the text', async () => {
    server.options.texts = ['when do you open on sunday'];
    const result = await engine().transcribe({ audio: audio(1.5), language: 'en' });
    expect(result).toEqual({
      text: 'when do you open on sunday',
      language: 'en',
      engine: 'openai',
      audioSeconds: 1.5,
    });
    const [req] = server.requests;
    expect(req).toMatchObject({
      authorization: 'Bearer sk-test',
      model: 'whisper-test',
      language: 'en',
      responseFormat: 'json',
      sampleRate: 16_000,
      fileBytes: 44 + 1.5 * 16_000 * 2,
    });
  });

  it.each([
    [401, 'auth'],
    [429, 'rate_limit'],
    [500, 'server'],
  ])('classifies HTTP %i as %s, without SDK retries', async (status, failure) => {
    server.options.failWith = status;
    const err = await failureOf(engine().transcribe({ audio: audio(0.5) }));
    expect(err.failure).toBe(failure);
    expect(err.status).toBe(status);
    expect(server.requests).toHaveLength(1);
  });

  it('classifies a refused connection', async () => {
    const err = await failureOf(engine(await closedPortUrl()).transcribe({ audio: audio(0.5) }));
    expect(err.failure).toBe('refused');
  });

  it('classifies a stalled server as a timeout at its deadline', async () => {
    server.options.stall = true;
    const err = await failureOf(engine(server.baseUrl, 200).transcribe({ audio: audio(0.5) }));
    expect(err.failure).toBe('timeout');
  });

  it('classifies a dropped socket', async () => {
    server.options.dropAfterAudioMs = 0;
    const err = await failureOf(engine().transcribe({ audio: audio(0.5) }));
    expect(err.failure).toBe('dropped');
  });

  it('aborts with the signal and is not a failure', async () => {
    server.options.slowMs = 2_000;
    const ac = new AbortController();
    const p = engine().transcribe({ audio: audio(0.5), signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('fallback from the OpenAI engine to local Whisper', () => {
  it.each([
    ['auth', { failWith: 401 }],
    ['rate_limit', { failWith: 429 }],
    ['timeout', { stall: true }],
    ['dropped', { dropAfterAudioMs: 0 }],
  ] as const)('%s: the local engine transcribes the same audio; counted', async (kind, opts) => {
    Object.assign(server.options, opts);
    const registry = new Registry();
    const local = new LocalEngine();
    const stt = new FallbackStt([engine(server.baseUrl, 300), local], { registry });
    const input = audio(1);
    const result = await stt.transcribe({ audio: input, language: 'en' });
    expect(result).toMatchObject({ text: 'local text', engine: 'whisper' });
    expect(local.calls[0]?.audio).toBe(input);
    const metric = await registry.getSingleMetricAsString('voxstate_stt_fallbacks_total');
    expect(metric).toContain(`voxstate_stt_fallbacks_total{engine="openai",kind="${kind}"} 1`);
  });

  it('refused: falls back too', async () => {
    const registry = new Registry();
    const stt = new FallbackStt([engine(await closedPortUrl()), new LocalEngine()], { registry });
    expect((await stt.transcribe({ audio: audio(0.5) })).engine).toBe('whisper');
    expect(await registry.getSingleMetricAsString('voxstate_stt_fallbacks_total')).toContain(
      'kind="refused"} 1',
    );
  });

  it('throws the last error when every engine fails', async () => {
    server.options.failWith = 429;
    const stt = new FallbackStt([engine()]);
    expect((await failureOf(stt.transcribe({ audio: audio(0.5) }))).failure).toBe('rate_limit');
  });
});
