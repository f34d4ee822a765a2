/**
 * Cost per call against the baseline, measured: `npm run bench -- cost [--json]`.
 *
 * Runs the example eval suite (`examples/evals/bakery.json`, 52 scripted calls in English and
 * Russian, repeated and new questions) through `runEval` with the product configured as a user
 * would configure it for an OpenAI-compatible server, pointed at fixture servers on loopback by
 * the normal base-URL settings:
 * - answers from the OpenAI chat fixture (`test/fakes/openai-server.ts`), routed by the product's
 *   router between `gpt-4o-mini` (cheap) and `gpt-4o` (strong); the fixture answers from the
 *   passage the request carries that best matches the question, like a grounded model (two
 *   sentences at most), and reports usage as the
 *   request's characters / 4 (the whole prompt, passages and history: a realistic token count);
 *   the routing classifier is off, so phrases the heuristics cannot place go to the strong model
 *   (the saving is a lower bound of what the classifier would allow);
 * - speech by OpenAI TTS (the fixture `test/fakes/openai-tts-server.ts`) behind the shared TTS
 *   cache, in a Redis prefix of its own, empty at the start (the pre-warm of the greeting and
 *   filler phrases at start-up is not in any call's ledger);
 * - speech-to-text self-hosted (the simulator's script, priced like Whisper: 0).
 *
 * Every call's ledger prices what was used and keeps the baseline: the same usage with the strong
 * model (`gpt-4o`: the baseline is set to the configured strong model, not another vendor's),
 * no caches and cloud STT. Prints the suite's cost, the baseline, the saving and where it comes
 * from (per component), and the routed requests per model as the fixture saw them.
 * `--only <pattern>` runs part of the suite (as `voxstate eval --only`).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runEval } from '../src/evals/run-eval.js';
import { loadSuite } from '../src/evals/suite.js';
import { type RecordedRequest, startOpenAiServer } from '../test/fakes/openai-server.js';
import { startFakeOpenAiTtsServer } from '../test/fakes/openai-tts-server.js';

const CHEAP = 'gpt-4o-mini';
const STRONG = 'gpt-4o';
const REDIS_URL = process.env.VOXSTATE_REDIS_URL ?? 'redis://127.0.0.1:6379';

const wordsOf = (text: string) =>
  new Set(
    text
      .toLocaleLowerCase()
      .split(/[^\p{L}\p{N}:]+/u)
      .filter((w) => w.length >= 3),
  );

/**
 * A grounded answer, as a model would give it from the request's turn message: the numbered
 * passage sharing the most words with the caller's question, and of it the (at most two)
 * sentences that share the most (the first two when none does).
 */
export function groundedAnswer(request: RecordedRequest): string {
  const user = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const question = wordsOf(/^Caller: (.*)$/m.exec(user)?.[1] ?? '');
  const shared = (text: string) => [...wordsOf(text)].filter((w) => question.has(w)).length;
  const passages = [...user.matchAll(/^\[\d+\] (.+)$/gm)].map((m) => m[1] ?? '');
  if (passages.length === 0)
    return "I'm sorry, I don't know that. Shall I connect you with a person?";
  const best = passages.reduce((a, b) => (shared(b) > shared(a) ? b : a));
  const sentences = best.split(/(?<=[.!?])\s+/);
  const ranked = sentences
    .map((text, i) => ({ text: text.trim(), i, score: shared(text) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, 2)
    .sort((a, b) => a.i - b.i);
  return ranked
    .map((r) => r.text)
    .join(' ')
    .slice(0, 240)
    .trim();
}

const money = (n: number) => Math.round(n * 1e6) / 1e6;

export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const llm = await startOpenAiServer({
    fallback: { answer: groundedAnswer, firstTokenMs: 250, chunkDelayMs: 10 },
  });
  const tts = await startFakeOpenAiTtsServer({ latencyMs: 120 });
  const dir = await mkdtemp(join(tmpdir(), 'voxstate-bench-cost-'));
  const prefix = `bench-cost-${randomUUID().slice(0, 8)}:`;
  const prices = join(dir, 'prices.json');
  await writeFile(prices, JSON.stringify({ baseline: { stt: 'cloud', llm: STRONG } }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENAI_API_KEY: 'fixture',
    OPENAI_BASE_URL: llm.baseURL,
    VOXSTATE_LLM_CHEAP_MODEL: `openai:${CHEAP}`,
    VOXSTATE_LLM_STRONG_MODEL: `openai:${STRONG}`,
    VOXSTATE_ROUTING_CLASSIFIER: 'false',
    VOXSTATE_TTS_ENGINE: 'openai',
    VOXSTATE_OPENAI_TTS_BASE_URL: tts.baseUrl,
    VOXSTATE_PRICES: prices,
    VOXSTATE_REDIS_PREFIX: prefix,
    VOXSTATE_LOG_LEVEL: 'error',
  };
  const load = loadavg()[0] ?? 0;
  try {
    const suite = await loadSuite('examples/evals/bakery.json');
    const at = process.argv.indexOf('--only');
    const only = at >= 0 ? process.argv[at + 1] : undefined;
    const result = await runEval(suite, {
      ...(only ? { only: [only] } : {}),
      env,
      dataDir: join(dir, 'data'),
      stt: 'script',
      onCall: (call, done, total) => {
        if (done % 10 === 0 || done === total)
          process.stderr.write(`cost bench: ${done}/${total} calls (${call.name})\n`);
      },
    });
    const answers = llm.requests.filter((r) => r.path.endsWith('/chat/completions'));
    const byModel: Record<string, number> = {};
    for (const r of answers) byModel[r.model] = (byModel[r.model] ?? 0) + 1;
    const { cost } = result;
    const component = (kind: string) => {
      const c = cost.byComponent[kind];
      return c ? { total: money(c.total), baseline: money(c.baseline) } : undefined;
    };
    return {
      calls: result.calls.length,
      checksPassed: result.checks - result.failures,
      checks: result.checks,
      currency: cost.currency,
      perCall: money(cost.perCall),
      baselinePerCall: money(cost.baselinePerCall),
      savingsRatio: Math.round(cost.savingsRatio * 1000) / 1000,
      baseline: cost.baseline,
      llm: component('llm'),
      /** The routing classifier's share of the LLM cost (0 here: the classifier is off). */
      llmRouting: money(cost.routing),
      tts: component('tts'),
      stt: component('stt'),
      embeddings: component('embeddings'),
      llmRequestsByModel: byModel,
      ttsRequests: tts.requests.length,
      wallS: Math.round(result.wallMs / 1000),
      load1m: Math.round(load * 10) / 10,
    };
  } finally {
    await llm.close();
    await tts.close();
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    await rm(dir, { recursive: true, force: true });
  }
}
