/**
 * Benchmark suite `tts`: speech output, measured side by side in one run.
 *
 * 1. **Time to first audio byte, cached versus uncached, per engine** through `TtsService`:
 *    espeak-ng (the real WASM build in its worker thread, warmed up, one request every
 *    `GAP_MS` as in a conversation) and OpenAI TTS (the real `openai` SDK against the fixture
 *    server on loopback, which waits `OPENAI_LATENCY_MS` before its first byte, like a cloud
 *    TTS). Cached is measured twice: from the in-process LRU, and from Redis by a second service
 *    instance with an empty LRU (the cross-instance case).
 * 2. **Pacing jitter with 50 calls playing at once**: 50 pacers on the real clock and real
 *    timers, each sending `PACE_SECONDS` of 20 ms frames; lateness of every frame against its
 *    schedule (p50, p99, max), next to 50 naive re-armed 20 ms timers for contrast (their
 *    drift after the same time).
 * 3. **TTS cache hit rate over a scripted mix of 100 calls** spread over two runtime instances
 *    that share Redis, after pre-warm: greeting, 1-4 turns of filler + answer (answers drawn
 *    60% from a per-language list of 15 frequent answers with a Zipf-like skew, 40% unique),
 *    20% "didn't catch that", 80% goodbye; languages en 40%, ru 30%, uk 20%, he 10%; seeded.
 *
 * Run: `npm run bench -- tts [--json]`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { connectRedis } from '../src/cache/redis.js';
import { Pacer, realClock } from '../src/media/pacer.js';
import { createEspeakEngine } from '../src/providers/tts/espeak.js';
import { createOpenAiTtsEngine } from '../src/providers/tts/openai-tts.js';
import type { TtsEngine } from '../src/providers/tts/tts-engine.js';
import { FillerPicker } from '../src/speech/fillers.js';
import { phraseText } from '../src/speech/phrases.js';
import { prewarmPhrases } from '../src/speech/prewarm.js';
import { TtsCache } from '../src/speech/tts-cache.js';
import { TtsService } from '../src/speech/tts-service.js';
import { seededRandom } from '../test/fakes/fake-clock.js';
import { startFakeOpenAiTtsServer } from '../test/fakes/openai-tts-server.js';

const OPENAI_LATENCY_MS = 150;
const GAP_MS = 250;
const REPS = 8;
const CALLS_AT_ONCE = 50;
const PACE_SECONDS = 4;
const MIX_CALLS = 100;
const REDIS_URL = process.env.VOXSTATE_REDIS_URL ?? 'redis://127.0.0.1:6379';

const round = (ms: number) => Math.round(ms * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

async function firstByteMs(tts: TtsService, text: string, language: string): Promise<number> {
  const started = performance.now();
  let first = Number.NaN;
  for await (const _chunk of tts.synthesize(text, { language, format: 'ulaw' })) {
    if (Number.isNaN(first)) first = performance.now() - started;
  }
  return first;
}

const SENTENCES: Array<[string, string]> = [
  ['en', 'We are open from nine in the morning until six in the evening.'],
  ['ru', 'Стоимость чистки зубов составляет две тысячи рублей.'],
  ['uk', 'Ваш запис підтверджено на завтра о десятій ранку.'],
  ['he', 'המרפאה פתוחה מתשע בבוקר עד שש בערב.'],
  ['en', 'Your order has been shipped and should arrive on Thursday.'],
  ['ru', 'Да, у нас есть парковка прямо у входа.'],
  ['uk', 'Так, ми приймаємо оплату карткою.'],
  ['en', 'The doctor can see you next Tuesday at three.'],
];

async function engineFirstByte(
  engine: TtsEngine,
  redis: Redis,
  prefix: string,
  gapMs: number,
): Promise<Record<string, number>> {
  const a = new TtsService({
    engines: [engine],
    cache: new TtsCache({ redis, keyPrefix: prefix }),
  });
  const b = new TtsService({
    engines: [engine],
    cache: new TtsCache({ redis, keyPrefix: prefix }),
  });
  const uncached: number[] = [];
  const memory: number[] = [];
  const fromRedis: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const [language, text] = SENTENCES[i % SENTENCES.length] as [string, string];
    const unique = `${text} (${i})`;
    await sleep(gapMs);
    uncached.push(await firstByteMs(a, unique, language));
    await sleep(20); // the cache fill is written after the stream ends
    memory.push(await firstByteMs(a, unique, language));
    fromRedis.push(await firstByteMs(b, unique, language));
  }
  await a.cache?.clear();
  return {
    uncachedP50Ms: round(quantile(uncached, 0.5)),
    uncachedMaxMs: round(Math.max(...uncached)),
    cachedMemoryP50Ms: round(quantile(memory, 0.5)),
    cachedRedisP50Ms: round(quantile(fromRedis, 0.5)),
    cachedRedisMaxMs: round(Math.max(...fromRedis)),
    speedupVsRedis: round(quantile(uncached, 0.5) / quantile(fromRedis, 0.5)),
  };
}

async function pacing(): Promise<Record<string, number>> {
  const lateness: number[] = [];
  const frames = (PACE_SECONDS * 1000) / 20;
  const frame = Buffer.alloc(160, 0xff);
  const done: Array<Promise<void>> = [];
  for (let c = 0; c < CALLS_AT_ONCE; c++) {
    let left = frames;
    done.push(
      new Promise<void>((resolve) => {
        const pacer = new Pacer({
          clock: realClock,
          pull: () => (left-- > 0 ? frame : undefined),
          send: (_f, t) => lateness.push(t.sentAt - t.dueAt),
          onIdle: () => resolve(),
        });
        pacer.start();
      }),
    );
  }
  // the naive way, at the same time: re-arm a 20 ms timer after every frame
  const drift: number[] = [];
  for (let c = 0; c < CALLS_AT_ONCE; c++) {
    done.push(
      new Promise<void>((resolve) => {
        const t0 = performance.now();
        let n = 0;
        const tick = () => {
          n += 1;
          if (n < frames) setTimeout(tick, 20);
          else {
            drift.push(performance.now() - (t0 + (frames - 1) * 20));
            resolve();
          }
        };
        setTimeout(tick, 0);
      }),
    );
  }
  await Promise.all(done);
  return {
    framesSent: lateness.length,
    latenessP50Ms: round(quantile(lateness, 0.5)),
    latenessP99Ms: round(quantile(lateness, 0.99)),
    latenessMaxMs: round(Math.max(...lateness)),
    naiveDriftAfterRunMeanMs: round(drift.reduce((a, b) => a + b, 0) / drift.length),
  };
}

const FREQUENT: Record<string, string[]> = {
  en: [
    'We are open from nine to six, Monday to Friday.',
    'A cleaning costs eighty dollars.',
    'Yes, we have free parking next to the entrance.',
    'You can pay by card or in cash.',
    'The first consultation is free.',
    'We are at twelve Main Street, next to the pharmacy.',
    'Yes, we work on Saturdays from ten to two.',
    'A filling costs from one hundred dollars.',
    'Please bring your ID and insurance card.',
    'You can cancel up to a day before your visit.',
    'We treat children from three years old.',
    'Whitening takes about an hour.',
    'Yes, we have an emergency slot every day.',
    'The doctor will call you back today.',
    'Your appointment is confirmed.',
  ],
};
for (const [lang, prefix] of [
  ['ru', 'Ответ номер'],
  ['uk', 'Відповідь номер'],
  ['he', 'תשובה מספר'],
] as const) {
  FREQUENT[lang] = (FREQUENT.en ?? []).map((_, i) => `${prefix} ${i + 1}.`);
}

async function hitRate(engine: TtsEngine, redis: Redis): Promise<Record<string, unknown>> {
  const prefix = `bench:tts:${randomUUID().slice(0, 8)}:`;
  const caches = [0, 1].map(() => new TtsCache({ redis, keyPrefix: prefix }));
  const instances = caches.map((cache) => new TtsService({ engines: [engine], cache }));
  const businesses = ['Acme Dental', 'Smile Clinic', 'City Pharmacy'];
  await prewarmPhrases(instances[0] as TtsService, {
    languages: ['en', 'ru', 'uk', 'he'],
    formats: ['ulaw'],
    businessNames: businesses,
    concurrency: 4,
  });
  const before = caches.map((c) => c.stats);
  const random = seededRandom(2024);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  let answers = 0;
  let answerHits = 0;
  for (let call = 0; call < MIX_CALLS; call++) {
    const tts = instances[call % 2] as TtsService;
    const r = random();
    const language = r < 0.4 ? 'en' : r < 0.7 ? 'ru' : r < 0.9 ? 'uk' : 'he';
    const say = async (text: string) => {
      let hit = false;
      for await (const _ of tts.synthesize(text, {
        language,
        format: 'ulaw',
        onSource: (s) => {
          hit = s !== 'engine';
        },
      })) {
        // drain
      }
      return hit;
    };
    await say(phraseText('greeting', language, { businessName: pick(businesses) }));
    const fillers = new FillerPicker(language, random);
    const turns = 1 + Math.floor(random() * 4);
    for (let t = 0; t < turns; t++) {
      await say(fillers.next());
      const frequent = FREQUENT[language] ?? [];
      const text =
        random() < 0.6
          ? (frequent[Math.floor(frequent.length * random() ** 2)] as string)
          : `Your order ${100_000 + Math.floor(random() * 900_000)} will arrive on day ${call}-${t}.`;
      answers += 1;
      if (await say(text)) answerHits += 1;
    }
    if (random() < 0.2) await say(phraseText('didNotCatch', language));
    if (random() < 0.8) await say(phraseText('goodbye', language));
  }
  await sleep(50);
  const after = caches.map((c) => c.stats);
  const requests = after.reduce((s, x, i) => s + x.requests - (before[i]?.requests ?? 0), 0);
  const hits = after.reduce((s, x, i) => s + x.hits - (before[i]?.hits ?? 0), 0);
  await caches[0]?.clear();
  return {
    calls: MIX_CALLS,
    lookups: requests,
    hitRatio: round(hits / requests),
    answerHitRatio: round(answerHits / answers),
    goalAbove: 0.3,
  };
}

/** Runs the suite. */
export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const redis = connectRedis({ url: REDIS_URL, keyPrefix: 'voxstate-bench:' });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    setTimeout(() => reject(new Error(`Redis at ${REDIS_URL} is not reachable`)), 3_000);
  });
  const server = await startFakeOpenAiTtsServer({ latencyMs: OPENAI_LATENCY_MS, chunkBytes: 4800 });
  const espeak = createEspeakEngine({ threads: 1 });
  const openai = createOpenAiTtsEngine({ baseUrl: server.baseUrl, apiKey: 'bench', maxRetries: 0 });
  try {
    await espeak.warmUp();
    const prefix = `bench:tts:${randomUUID().slice(0, 8)}:`;
    const espeakFirstByte = await engineFirstByte(espeak, redis, `${prefix}e:`, GAP_MS);
    const openaiFirstByte = await engineFirstByte(openai, redis, `${prefix}o:`, 0);
    const pacingResult = await pacing();
    server.options.latencyMs = 0;
    const mix = await hitRate(openai, redis);
    return {
      machine: { cpus: cpus().length, loadAvg1m: round(loadavg()[0] ?? 0) },
      espeakFirstByte,
      openaiFirstByte: { serverLatencyMs: OPENAI_LATENCY_MS, ...openaiFirstByte },
      pacing: { calls: CALLS_AT_ONCE, seconds: PACE_SECONDS, ...pacingResult },
      cacheMix: mix,
    };
  } finally {
    await espeak.close();
    await server.close();
    redis.disconnect();
  }
}
