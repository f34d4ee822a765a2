import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaFormat } from '../../src/audio/format.js';
import { encodeForWire, int16ToFloat32 } from '../../src/audio/index.js';
import { AbortedError, ProviderError } from '../../src/errors.js';
import { createOpenAiTtsEngine, OPENAI_PCM_RATE } from '../../src/providers/tts/openai-tts.js';
import { type FakeOpenAiTtsServer, startFakeOpenAiTtsServer } from '../fakes/openai-tts-server.js';

let server: FakeOpenAiTtsServer;

beforeAll(async () => {
  server = await startFakeOpenAiTtsServer();
});

afterAll(async () => {
  await server.close();
});

function engine() {
  return createOpenAiTtsEngine({
    baseUrl: server.baseUrl,
    apiKey: 'test-key',
    model: 'tts-test',
    voice: 'alloy',
    voices: { he: 'nova' },
    maxRetries: 0,
  });
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of it) out.push(chunk);
  return out;
}

describe('OpenAI TTS engine (real SDK, fixture server)', () => {
  for (const format of ['slin16', 'ulaw'] as MediaFormat[]) {
    for (const chunkBytes of [4801, 333, 1]) {
      it(`streams ${format} identical to a one-shot conversion with ${chunkBytes}-byte chunks`, async () => {
        server.options.chunkBytes = chunkBytes;
        const text = 'Thank you for calling. How can I help?';
        const chunks = await collect(engine().synthesize({ text, language: 'en', format }));
        const expected = encodeForWire(
          int16ToFloat32(server.pcmFor(text)),
          OPENAI_PCM_RATE,
          format,
        );
        expect(Buffer.concat(chunks).equals(expected)).toBe(true);
        if (chunkBytes < 1000) expect(chunks.length).toBeGreaterThan(5);
        const last = server.requests[server.requests.length - 1];
        expect(last?.body).toMatchObject({
          model: 'tts-test',
          voice: 'alloy',
          response_format: 'pcm',
          input: text,
        });
        expect(last?.authorization).toBe('Bearer test-key');
      });
    }
  }

  it('yields the first audio before the server has finished sending', async () => {
    server.options.chunkBytes = 4800;
    server.options.chunkDelayMs = 25;
    try {
      const started = performance.now();
      let firstAt = 0;
      for await (const _chunk of engine().synthesize({
        text: 'x'.repeat(20), // 1.2 s of audio = 12 chunks
        language: 'en',
        format: 'ulaw',
      })) {
        if (!firstAt) firstAt = performance.now() - started;
      }
      const totalMs = performance.now() - started;
      expect(totalMs - firstAt).toBeGreaterThan(150);
    } finally {
      server.options.chunkDelayMs = 0;
    }
  });

  it('picks the voice by language', async () => {
    await collect(engine().synthesize({ text: 'שלום', language: 'he-IL', format: 'ulaw' }));
    expect(server.requests[server.requests.length - 1]?.body.voice).toBe('nova');
    expect(engine().voiceFor('ru')).toBe('alloy');
  });

  it('turns HTTP errors into ProviderError with status and retryable flag', async () => {
    server.options.failWith = 503;
    try {
      const err = await collect(
        engine().synthesize({ text: 'hi', language: 'en', format: 'ulaw' }),
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).status).toBe(503);
      expect((err as ProviderError).retryable).toBe(true);
      server.options.failWith = 400;
      const bad = await collect(
        engine().synthesize({ text: 'hi', language: 'en', format: 'ulaw' }),
      ).catch((e: unknown) => e);
      expect((bad as ProviderError).retryable).toBe(false);
    } finally {
      server.options.failWith = undefined;
    }
  });

  it('stops with AbortedError when the signal aborts mid-stream', async () => {
    server.options.chunkDelayMs = 20;
    server.options.chunkBytes = 960;
    try {
      const controller = new AbortController();
      const seen: Buffer[] = [];
      const err = await (async () => {
        for await (const chunk of engine().synthesize({
          text: 'x'.repeat(40),
          language: 'en',
          format: 'slin16',
          signal: controller.signal,
        })) {
          seen.push(chunk);
          if (seen.length === 2) controller.abort();
        }
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortedError);
      expect(seen).toHaveLength(2);
    } finally {
      server.options.chunkDelayMs = 0;
    }
  });
});
