/**
 * Readiness of `voxstate serve`: taken ports are reported before any slow start-up work; the
 * instance is ready (Stasis app registered, /readyz 200) once the greetings and fillers of its
 * languages are cached, while the other fixed phrases are still being warmed in the background.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { fillerTexts, phraseText } from '../../src/prompts/phrases.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { serve } from '../../src/runtime/serve.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { type FakeOpenAiTtsServer, startFakeOpenAiTtsServer } from '../fakes/openai-tts-server.js';
import { startSpeakingSim, tinyEnv } from './helpers.js';

async function takePort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('serve: taken ports fail before the start-up work', () => {
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let taken: { server: Server; port: number };

  beforeAll(async () => {
    ({ env, dataDir } = await tinyEnv('http://127.0.0.1:1'));
    taken = await takePort();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await new Promise((r) => taken.server.close(r));
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    [
      'VOXSTATE_OPS_PORT',
      /^VOXSTATE_OPS_HOST\/VOXSTATE_OPS_PORT: cannot listen on 127\.0\.0\.1:\d+ /,
    ],
    [
      'VOXSTATE_MEDIA_PORT',
      /^VOXSTATE_MEDIA_BIND\/VOXSTATE_MEDIA_PORT: cannot listen for call audio on 127\.0\.0\.1:\d+ /,
    ],
  ])('%s taken: a ConfigError naming it, and no model is loaded', async (variable, message) => {
    const create = vi.spyOn(Runtime, 'create');
    const err = await serve({
      env: { ...env, [variable]: String(taken.port) },
      logger: silentLogger(),
      emitter: new EventEmitter(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect(create).not.toHaveBeenCalled();
  });
});

describe('serve: ready once the greetings and fillers are cached', () => {
  let tts: FakeOpenAiTtsServer;
  let releaseGoodbye!: () => void;
  const goodbye = phraseText('goodbye', 'en');

  beforeAll(async () => {
    const held = new Promise<void>((resolve) => {
      releaseGoodbye = resolve;
    });
    // The background part is held at the English goodbye until the test lets it go.
    tts = await startFakeOpenAiTtsServer({
      hold: (input) => (input === goodbye ? held : undefined),
    });
  });
  afterAll(async () => {
    releaseGoodbye();
    await tts.close();
  });

  it('takes calls while the rest is still being warmed, then warms the rest', async () => {
    const { sim, url, close } = await startSpeakingSim();
    const { env, dataDir } = await tinyEnv(url, {
      VOXSTATE_TTS_PREWARM: '1',
      VOXSTATE_TTS_LANGUAGES: 'en,ru',
      VOXSTATE_TTS_ENGINE: 'openai',
      VOXSTATE_OPENAI_TTS_BASE_URL: tts.baseUrl,
      VOXSTATE_OPENAI_TTS_API_KEY: 'test',
      VOXSTATE_OPENAI_TTS_TIMEOUT_MS: '600000',
    });
    const server = await serve({ env, logger: silentLogger(), emitter: new EventEmitter() });
    try {
      await server.telephony;
      const ready = await fetch(`${server.opsUrl}/readyz`);
      expect(ready.status).toBe(200);
      expect(sim.connectedApps).toEqual(['voxstate']);

      const { speech } = server.runtime;
      const { first, rest } = speech.prewarmPlan;
      expect(first.map((j) => `${j.language}:${j.text}`)).toEqual([
        "en:Hello, you've reached Sunflower Bakery. How can I help you?",
        ...fillerTexts('en').map((t) => `en:${t}`),
        'ru:Здравствуйте! Вы позвонили в Пекарня «Подсолнух». Чем могу помочь?',
        ...fillerTexts('ru').map((t) => `ru:${t}`),
      ]);
      for (const job of first) expect(await speech.tts.cached(job.text, job)).toBeDefined();
      expect(rest.some((j) => j.text === goodbye)).toBe(true);
      expect(
        await speech.tts.cached(goodbye, { language: 'en', format: 'slin16' }),
      ).toBeUndefined();

      // A caller is greeted from the cache meanwhile.
      const call = await sim.placeCall({
        script: { steps: [{ waitForBot: { silenceMs: 300 } }, { hangup: true }] },
      });
      await call.ended;
      expect(call.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true);

      releaseGoodbye();
      const report = await server.runtime.warmed;
      expect(report).toMatchObject({ phrases: rest.length, failed: 0 });
      for (const job of rest) expect(await speech.tts.cached(job.text, job)).toBeDefined();
    } finally {
      await server.shutdown('test end');
      await server.done;
      await close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
