/**
 * Benchmark suite `retrieval`: time from end of speech to "retrieval ready", side by side in one
 * run, for new (uncached) questions.
 *
 * - **sequential (seed baseline)**: the filler starts at end of speech; after it has started the
 *   query is embedded by the cloud API (the real `openai` SDK against a loopback fixture server
 *   whose latency is drawn uniformly from the seeds' 0.65-1.16 s), then the knowledge base is
 *   searched. Nothing overlaps the filler.
 * - **prefetch + local**: at end of speech the prefetch starts (cache, then the local model on a
 *   worker thread: the generated benchmark-sized BERT, hidden 384, 6 layers) together with the
 *   filler, and retrieval starts at once, awaiting the in-flight prefetch, then runs the local
 *   vector search and the keyword search in LanceDB.
 *
 * Both are measured from the same instant (end of speech = filler start). Goal: with the local
 * model, retrieval ready no later than 30 ms after the filler starts. Run:
 * `npm run bench -- retrieval [--json]`.
 *
 * @module
 */

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { defaultInferenceConfig, type InferenceConfig } from '../src/config/inference.js';
import { CachedEmbedder } from '../src/knowledge/cached-embedder.js';
import { EmbeddingCache } from '../src/knowledge/embedding-cache.js';
import { HybridRetriever } from '../src/knowledge/hybrid-retriever.js';
import { ingest } from '../src/knowledge/ingest.js';
import { openLocalEmbedding } from '../src/knowledge/local-embedding.js';
import { knowledgeMetrics } from '../src/knowledge/metrics.js';
import { Prefetcher } from '../src/knowledge/prefetcher.js';
import { KnowledgeStore } from '../src/knowledge/store.js';
import { OpenAiEmbedder } from '../src/providers/embeddings/openai-embedder.js';
import { silentLogger } from '../src/telemetry/logger.js';
import { startEmbeddingsServer } from '../test/fakes/openai-embeddings-server.js';
import { ensureBenchModels } from '../test/fixtures/tiny-models.js';
import { copySampleKb, tempDir } from '../test/knowledge/helpers.js';

const QUESTIONS = [
  'When do you open on Saturday?',
  'Do you deliver on Sunday?',
  'How much is delivery to a place 7 km away?',
  'Can I return a cake that was damaged?',
  'How much does a birthday cake cost?',
  'Do you accept Apple Pay?',
  'Где вы находитесь и есть ли парковка?',
  'Сколько стоит доставка?',
  'Можно ли заказать торт на завтра?',
  'Есть ли у вас хлеб без глютена?',
  'Чи є у вас доставка в неділю?',
  'What is your phone number?',
];
const REMOTE_MS: [number, number] = [650, 1160];
const ROUNDS = 3;

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  const r = (n: number) => Number(n.toFixed(2));
  return {
    p50Ms: r(at(0.5)),
    p95Ms: r(at(0.95)),
    maxMs: r(s.at(-1) ?? 0),
    meanMs: r(s.reduce((a, b) => a + b, 0) / s.length),
    n: s.length,
  };
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the suite. */
export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const bench = await ensureBenchModels();
  const { dir, cleanup } = await tempDir('voxstate-bench-kb-');
  const server = await startEmbeddingsServer({
    dimensions: 256,
    latencyMs: 0,
    random: mulberry32(42),
  });
  const registry = new Registry();
  const logger = silentLogger();
  const base = defaultInferenceConfig();
  const inference: InferenceConfig = {
    ...base,
    modelDir: bench.modelDir,
    embedder: { id: bench.embedder, revision: 'main', dtype: 'fp32', prefixes: 'e5' },
    pools: { ...base.pools, embedding: { ...base.pools.embedding, minThreads: 1, maxThreads: 1 } },
  };
  const opened = await openLocalEmbedding(inference, { registry, logger });
  if (!opened.local) throw new Error(opened.unavailable);
  const localRaw = opened.local.embedder;
  const cloudRaw = new OpenAiEmbedder({
    model: 'fixture-embed',
    dimensions: 256,
    apiKey: 'bench',
    baseURL: server.baseURL,
    maxRetries: 0,
  });
  const store = await KnowledgeStore.open({ dir: join(dir, 'db') });
  try {
    const kb = await copySampleKb(dir);
    const ingestStarted = performance.now();
    const summary = await ingest([kb], { store, embedders: [localRaw, cloudRaw] });
    const ingestMs = performance.now() - ingestStarted;
    server.latencyMs = REMOTE_MS;

    const metrics = knowledgeMetrics(registry);
    const cache = new EmbeddingCache({ metrics });
    const local = new CachedEmbedder(localRaw, cache, { metrics });
    const cloud = new CachedEmbedder(cloudRaw, cache, { metrics });
    const prefetcher = new Prefetcher({ embedder: local, metrics });
    // The generated model has random weights, so its similarities mean nothing: threshold 0 keeps
    // every answer on the local layer, which is the path being timed.
    const localRetriever = new HybridRetriever({
      store,
      local,
      prefetcher,
      threshold: 0,
      cloudMode: 'off',
      metrics,
    });
    const cloudRetriever = new HybridRetriever({ store, cloud, metrics });

    for (const q of ['warm up one', 'прогрев два']) {
      await localRetriever.retrieve({ query: q });
      await store.searchVector(cloud.model, new Float32Array(256).fill(1 / 16), { k: 4 });
    }

    const sequential: number[] = [];
    const sequentialEmbed: number[] = [];
    for (const q of QUESTIONS) {
      const endOfSpeech = performance.now();
      const result = await cloudRetriever.retrieve({ query: q });
      sequential.push(performance.now() - endOfSpeech);
      if (result.layer !== 'cloud')
        throw new Error(`expected the cloud layer, got ${result.layer}`);
    }
    const hist = await registry
      .getSingleMetric('voxstate_fallback_embedding_latency_seconds')
      ?.get();
    const sum =
      hist?.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_sum'))
        ?.value ?? 0;
    sequentialEmbed.push((sum * 1000) / QUESTIONS.length);

    const prefetched: number[] = [];
    const waited: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const q of QUESTIONS) {
        const text = round === 0 ? q : `${q} (${round})`;
        const endOfSpeech = performance.now();
        void prefetcher.prefetch(text);
        const result = await localRetriever.retrieve({ query: text });
        prefetched.push(performance.now() - endOfSpeech);
        waited.push(result.waitedForPrefetchMs);
        if (result.layer !== 'local')
          throw new Error(`expected the local layer, got ${result.layer}`);
      }
    }

    const localEmbed: number[] = [];
    for (const q of QUESTIONS) {
      const t = performance.now();
      await localRaw.embed([`${q} bare`], { kind: 'query' });
      localEmbed.push(performance.now() - t);
    }
    const search: number[] = [];
    const [probe] = await localRaw.embed(['probe'], { kind: 'query' });
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await Promise.all([
        store.searchVector(local.model, probe!, { k: 12 }),
        store.searchKeyword(QUESTIONS[i % QUESTIONS.length]!, { k: 12 }),
      ]);
      search.push(performance.now() - t);
    }

    const seq = stats(sequential);
    const pre = stats(prefetched);
    return {
      sequentialCloudReadyMs: seq,
      sequentialCloudEmbedMeanMs: Number((sequentialEmbed[0] ?? 0).toFixed(1)),
      prefetchLocalReadyMs: pre,
      waitedForPrefetchMs: stats(waited),
      localEmbeddingMs: stats(localEmbed),
      searchVectorPlusKeywordMs: stats(search),
      speedupP50: Number((seq.p50Ms / pre.p50Ms).toFixed(1)),
      goalMs: 30,
      goalMetP95: pre.p95Ms <= 30,
      remoteLatencyRangeMs: REMOTE_MS,
      localModel: 'bench-bert (generated, hidden 384, 6 layers, fp32, 1 worker thread)',
      kbChunks: summary.chunks,
      ingestTwoModelsMs: Math.round(ingestMs),
    };
  } finally {
    store.close();
    await opened.local.close();
    await server.close();
    await cleanup();
  }
}
