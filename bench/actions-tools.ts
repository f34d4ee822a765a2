/**
 * The tool part of benchmark suite `actions`: `toolOverheadMs {p50, p95}`, our time in a tool
 * round beyond the webhook's own, with 50 calls answering at once.
 *
 * Each call runs the real LLM answerer on the real `openai` SDK against the fixture OpenAI
 * server on loopback: the first stream ends in an `order_status` tool call (streamed in parts,
 * the wire format), the tool runner validates the arguments with ajv (schemas compiled once,
 * when the runner is built) and posts them to the fixture webhook (which answers after 100 ms),
 * and the answer streams on. The LLM fixture and the webhook each run in their own process
 * (`actions-fixtures.child.ts`), so the webhook's own time is measured on an event loop that
 * serves nothing else. Every request carries its call's id (`x-bench-call`), so each call's
 * overhead is its own: the tool call's whole time as the answerer sees it (validation, HTTP
 * client, reading the reply, the `tool` events) minus the time the webhook spent on that same
 * request.
 *
 * The runner's HTTP client is `WebhookClient` (`node:http` over a keep-alive agent). Three
 * arrival patterns, each with two baselines, the same requests to the same webhook with nothing
 * else running: the global `fetch` (`bareFetchOverheadMs`) and a bare `WebhookClient`
 * (`bareHttpOverheadMs`), what an HTTP client pays on this machine at that moment:
 * - `burst`: 50 calls start together, so their 50 tool calls leave within a few ms and their 50
 *   replies come back together (the worst case, and the figure reported as `toolOverheadMs`);
 * - `spread`: the 50 calls start 5 ms apart (all 50 still in flight, their tool calls no longer
 *   in one instant);
 * - `sequential`: one call at a time (our code without contention).
 * Beside them: the main process's event-loop delay while each pattern ran, the part of a tool
 * call spent outside `fetch` (`runnerOutsideFetchMs`), the HTTP time beyond the webhook's own
 * (`httpBeyondWebhookMs`), and how many new connections each round opened (keep-alive reuse).
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChildProcess, fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createLlmAnswerer } from '../src/answer/llm-answerer.js';
import { ModelRouter } from '../src/answer/router.js';
import { parseBusinessActions } from '../src/answer/tool-config.js';
import { createToolRunner } from '../src/answer/tool-runner.js';
import { WebhookClient } from '../src/answer/webhook-client.js';
import { createOpenAiProvider } from '../src/providers/llm/openai.js';

const CALLS = Number(process.env.BENCH_TOOL_CALLS ?? 50);
const ROUNDS = 4;
const SEQUENTIAL = 10;
const WEBHOOK_MS = 100;
const SPREAD_GAP_MS = 5;

function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const p50p95 = (v: number[]) => ({
  p50: round1(percentile(v, 50)),
  p95: round1(percentile(v, 95)),
});

type Handled = { call: string; ms: number; port: number };
type FromChild = { type: 'ready'; url: string } | { type: 'handled'; requests: Handled[] };

async function startChild(role: 'llm' | 'hook'): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(
    fileURLToPath(new URL('./actions-fixtures.child.ts', import.meta.url)),
    [role],
    {
      execArgv: ['--import', 'tsx'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (msg: FromChild) => {
      if (msg.type === 'ready') resolve(msg.url);
    });
    child.once('exit', (code) => reject(new Error(`fixture process ${role} exited (${code})`)));
    child.once('error', reject);
  });
  return { child, url };
}

function handled(child: ChildProcess): Promise<Map<string, Handled>> {
  return new Promise((resolve) => {
    child.once('message', (msg: FromChild) =>
      resolve(new Map(msg.type === 'handled' ? msg.requests.map((r) => [r.call, r]) : [])),
    );
    child.send({ type: 'handled' });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'close' });
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Pattern = 'burst' | 'spread' | 'sequential';

interface PatternFigures {
  overhead: number[];
  bare: number[];
  bareHttp: number[];
  /** Main-process CPU per answered call with its tool round (two LLM streams and the webhook). */
  cpuPerCall: number[];
  cpuPerFetch: number[];
  cpuPerHttp: number[];
  outside: number[];
  beyond: number[];
  concurrent: number[];
  newToolPorts: number[];
  newBarePorts: number[];
  loopDelay: { p50: number; p99: number };
}

/** Measures `toolOverheadMs` ({p50, p95}) with its reference figures. */
export async function measureToolOverhead(): Promise<Record<string, unknown>> {
  const llm = await startChild('llm');
  const hook = await startChild('hook');
  const callIds = new AsyncLocalStorage<string>();
  /** The call's id, sent as a header (a tool header's variable), so the webhook's time pairs with the call. */
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: () => callIds.getStore() ?? 'start-up',
  });
  const bareHttp = new WebhookClient();
  const hookUrl = `${hook.url}/slow?ms=${WEBHOOK_MS}`;
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
            endpoint: { url: hookUrl, headersFromEnv: { 'x-bench-call': 'BENCH_CALL' } },
            timeoutMs: 10_000,
          },
        ],
      }),
      env,
    });
    const provider = createOpenAiProvider({ model: 'mini', apiKey: 'k', baseURL: llm.url });
    const answerer = createLlmAnswerer({
      models: { cheap: [provider], strong: [provider] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
    });
    let active = 0;
    const seenPorts = new Set<number>();

    const oneCall = async (id: string) => {
      active++;
      let ms = Number.NaN;
      let inFetch = Number.NaN;
      let concurrent = 0;
      try {
        await callIds.run(id, async () => {
          for await (const ev of answerer.answer({
            query: 'Is my order 1 ready?',
            passages: [],
            history: [],
            system: 'You are a bakery phone assistant.',
            language: 'en',
            signal: new AbortController().signal,
            tools,
          })) {
            if (ev.type === 'tool' && ev.phase === 'start') concurrent = active;
            if (ev.type === 'tool' && ev.phase === 'end') {
              ms = ev.ms;
              inFetch = ev.webhookMs;
            }
          }
        });
      } finally {
        active--;
      }
      return { id, ms, inFetch, concurrent };
    };
    const headers = (id: string) => ({ 'content-type': 'application/json', 'x-bench-call': id });
    const oneFetch = async (id: string) => {
      const started = performance.now();
      const res = await fetch(hookUrl, {
        method: 'POST',
        headers: headers(id),
        body: '{"order":"1"}',
      });
      await res.text();
      return { id, ms: performance.now() - started };
    };
    const oneHttp = async (id: string) => {
      const started = performance.now();
      await bareHttp.send(new URL(hookUrl), {
        method: 'POST',
        headers: headers(id),
        body: '{"order":"1"}',
        signal: new AbortController().signal,
        maxChars: 4000,
      });
      return { id, ms: performance.now() - started };
    };
    /** Runs `n` tasks in the pattern's arrival order. */
    const arrive = async <T>(pattern: Pattern, n: number, task: (i: number) => Promise<T>) => {
      if (pattern === 'sequential') {
        const out: T[] = [];
        for (let i = 0; i < n; i++) out.push(await task(i));
        return out;
      }
      return Promise.all(
        Array.from({ length: n }, async (_, i) => {
          if (pattern === 'spread') await sleep(i * SPREAD_GAP_MS);
          return task(i);
        }),
      );
    };
    const newPorts = (requests: Map<string, Handled>) => {
      let fresh = 0;
      for (const r of requests.values()) {
        if (!seenPorts.has(r.port)) fresh++;
        seenPorts.add(r.port);
      }
      return fresh;
    };

    const measure = async (pattern: Pattern): Promise<PatternFigures> => {
      const n = pattern === 'sequential' ? SEQUENTIAL : CALLS;
      const f: PatternFigures = {
        overhead: [],
        bare: [],
        bareHttp: [],
        cpuPerCall: [],
        cpuPerFetch: [],
        cpuPerHttp: [],
        outside: [],
        beyond: [],
        concurrent: [],
        newToolPorts: [],
        newBarePorts: [],
        loopDelay: { p50: Number.NaN, p99: Number.NaN },
      };
      const loop = monitorEventLoopDelay({ resolution: 1 });
      for (let round = 0; round < ROUNDS; round++) {
        if (round === 1) loop.enable();
        const cpu0 = process.cpuUsage();
        const calls = await arrive(pattern, n, (i) => oneCall(`${pattern}-t${round}-${i}`));
        const cpu1 = process.cpuUsage();
        const toolServer = await handled(hook.child);
        const bares = await arrive(pattern, n, (i) => oneFetch(`${pattern}-b${round}-${i}`));
        const cpu2 = process.cpuUsage();
        const bareServer = await handled(hook.child);
        const https_ = await arrive(pattern, n, (i) => oneHttp(`${pattern}-h${round}-${i}`));
        const cpu3 = process.cpuUsage();
        const httpServer = await handled(hook.child);
        if (round > 0) {
          const ms = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) =>
            (b.user - a.user + b.system - a.system) / 1000 / n;
          f.cpuPerCall.push(ms(cpu0, cpu1));
          f.cpuPerFetch.push(ms(cpu1, cpu2));
          f.cpuPerHttp.push(ms(cpu2, cpu3));
        }
        const freshTool = newPorts(toolServer);
        const freshBare = newPorts(bareServer);
        if (round === 0) continue;
        f.newToolPorts.push(freshTool);
        f.newBarePorts.push(freshBare);
        for (const c of calls) {
          const server = toolServer.get(c.id)?.ms ?? Number.NaN;
          f.overhead.push(c.ms - server);
          f.outside.push(c.ms - c.inFetch);
          f.beyond.push(c.inFetch - server);
          f.concurrent.push(c.concurrent);
        }
        for (const b of bares) f.bare.push(b.ms - (bareServer.get(b.id)?.ms ?? Number.NaN));
        for (const h of https_) f.bareHttp.push(h.ms - (httpServer.get(h.id)?.ms ?? Number.NaN));
      }
      loop.disable();
      f.loopDelay = {
        p50: round1(loop.percentile(50) / 1e6),
        p99: round1(loop.percentile(99) / 1e6),
      };
      return f;
    };

    const summary = (f: PatternFigures) => ({
      toolOverheadMs: p50p95(f.overhead),
      bareFetchOverheadMs: p50p95(f.bare),
      bareHttpOverheadMs: p50p95(f.bareHttp),
      runnerOutsideFetchMs: p50p95(f.outside),
      httpBeyondWebhookMs: p50p95(f.beyond),
      concurrentAtToolCall: round1(percentile(f.concurrent, 50)),
      cpuMsPer: {
        answeredCallWithTool: round1(percentile(f.cpuPerCall, 50)),
        bareFetch: Math.round(percentile(f.cpuPerFetch, 50) * 100) / 100,
        bareHttp: Math.round(percentile(f.cpuPerHttp, 50) * 100) / 100,
      },
      eventLoopDelayMs: f.loopDelay,
      newConnectionsPerRound: {
        tool: round1(percentile(f.newToolPorts, 50)),
        bare: round1(percentile(f.newBarePorts, 50)),
      },
    });

    const burst = await measure('burst');
    const spread = await measure('spread');
    const sequential = await measure('sequential');
    return {
      ...summary(burst),
      spread: summary(spread),
      sequential: {
        toolOverheadMs: p50p95(sequential.overhead),
        bareFetchOverheadMs: p50p95(sequential.bare),
        bareHttpOverheadMs: p50p95(sequential.bareHttp),
        runnerOutsideFetchMs: p50p95(sequential.outside),
      },
      calls: CALLS,
      toolRoundsMeasured: burst.overhead.filter(Number.isFinite).length,
    };
  } finally {
    bareHttp.close();
    await stop(llm.child);
    await stop(hook.child);
  }
}
