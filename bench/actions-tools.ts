/**
 * The tool part of benchmark suite `actions`: `toolOverheadMs {p50, p95}`, our time in a tool
 * round beyond the webhook's own, with 50 calls answering at once.
 *
 * Each call runs the real LLM answerer on the real `openai` SDK against the fixture OpenAI
 * server on loopback: the first stream ends in an `order_status` tool call (streamed in parts,
 * the wire format), the tool runner validates the arguments with ajv and posts them to the
 * fixture webhook (which answers after 100 ms), and the answer streams on. The fixture servers
 * run in their own process (`actions-fixtures.child.ts`). Per call, overhead = the tool call's
 * whole time as the answerer sees it (validation, HTTP client, reading the reply, the `tool`
 * events) minus the webhook's own handling time measured inside the webhook server (paired by
 * rank). Beside it, in the same run: `runnerOutsideFetchMs`, the part of the tool call spent
 * outside `fetch` (validation, events, scheduling), and `bareFetchOverheadMs`, 50 bare `fetch`
 * calls to the same webhook: the part any HTTP client pays on this (shared, noisy) machine.
 *
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLlmAnswerer } from '../src/answer/llm-answerer.js';
import { ModelRouter } from '../src/answer/router.js';
import { parseBusinessActions } from '../src/answer/tool-config.js';
import { createToolRunner } from '../src/answer/tool-runner.js';
import { createOpenAiProvider } from '../src/providers/llm/openai.js';

const CALLS = Number(process.env.BENCH_TOOL_CALLS ?? 50);
const ROUNDS = 4;
const WEBHOOK_MS = 100;

function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const p50p95 = (v: number[]) => ({
  p50: round1(percentile(v, 50)),
  p95: round1(percentile(v, 95)),
});

type FromWorker = { type: 'ready'; llm: string; hook: string } | { type: 'handled'; ms: number[] };

function ask(worker: ChildProcess, type: 'handled'): Promise<number[]> {
  return new Promise((resolve) => {
    worker.once('message', (msg: FromWorker) => resolve(msg.type === 'handled' ? msg.ms : []));
    worker.send({ type });
  });
}

/** Measures `toolOverheadMs` ({p50, p95}) with its reference figures. */
export async function measureToolOverhead(): Promise<Record<string, unknown>> {
  const worker = fork(fileURLToPath(new URL('./actions-fixtures.child.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
  });
  const urls = await new Promise<{ llm: string; hook: string }>((resolve, reject) => {
    worker.once('message', (msg: FromWorker) => {
      if (msg.type === 'ready') resolve(msg);
    });
    worker.once('exit', (code) => reject(new Error(`fixture process exited (${code})`)));
    worker.once('error', reject);
  });
  try {
    const tools = createToolRunner({
      actions: parseBusinessActions({
        tools: [
          {
            name: 'order_status',
            description: 'Look up an order',
            parameters: {
              type: 'object',
              properties: { order: { type: 'string' } },
              required: ['order'],
            },
            endpoint: { url: `${urls.hook}/slow?ms=${WEBHOOK_MS}` },
            timeoutMs: 10_000,
          },
        ],
      }),
    });
    const provider = createOpenAiProvider({ model: 'mini', apiKey: 'k', baseURL: urls.llm });
    const answerer = createLlmAnswerer({
      models: { cheap: [provider], strong: [provider] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
    });
    const overheads: number[] = [];
    const outside: number[] = [];
    const bare: number[] = [];
    const webhook: number[] = [];
    let completed = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await ask(worker, 'handled');
      const toolMs = await Promise.all(
        Array.from({ length: CALLS }, async () => {
          let ms = Number.NaN;
          let inFetch = Number.NaN;
          for await (const ev of answerer.answer({
            query: 'Is my order 1 ready?',
            passages: [],
            history: [],
            system: 'You are a bakery phone assistant.',
            language: 'en',
            signal: new AbortController().signal,
            tools,
          })) {
            if (ev.type === 'tool' && ev.phase === 'end') {
              ms = ev.ms;
              inFetch = ev.webhookMs;
            }
          }
          return { ms, inFetch };
        }),
      );
      const handled = (await ask(worker, 'handled')).sort((a, b) => a - b);
      const fetchMs = await Promise.all(
        Array.from({ length: CALLS }, async () => {
          const started = performance.now();
          const res = await fetch(`${urls.hook}/slow?ms=${WEBHOOK_MS}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"order":"1"}',
          });
          await res.text();
          return performance.now() - started;
        }),
      );
      const bareHandled = (await ask(worker, 'handled')).sort((a, b) => a - b);
      if (round === 0) continue;
      const sortedTool = toolMs.map((t) => t.ms).sort((a, b) => a - b);
      sortedTool.forEach((ms, i) => {
        overheads.push(ms - (handled[i] ?? Number.NaN));
      });
      for (const t of toolMs) outside.push(t.ms - t.inFetch);
      completed += toolMs.filter((t) => Number.isFinite(t.ms)).length;
      webhook.push(...handled);
      fetchMs
        .sort((a, b) => a - b)
        .forEach((ms, i) => {
          bare.push(ms - (bareHandled[i] ?? Number.NaN));
        });
    }
    return {
      toolOverheadMs: p50p95(overheads),
      runnerOutsideFetchMs: p50p95(outside),
      bareFetchOverheadMs: p50p95(bare),
      webhookMs: { p50: round1(percentile(webhook, 50)) },
      calls: CALLS,
      toolRoundsMeasured: completed,
    };
  } finally {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.send({ type: 'close' });
    await exited;
  }
}
