/**
 * The tool part of benchmark suite `actions`: `toolOverheadMs {p50, p95}`, our time in a tool
 * round beyond the webhook's own, with 50 calls answering at once.
 *
 * Each call runs the real LLM answerer on the real `openai` SDK against the fixture OpenAI
 * server on loopback: the first stream ends in an `order_status` tool call (streamed in parts,
 * the wire format), the tool runner validates the arguments with ajv and posts them to the
 * fixture webhook (which answers after 100 ms), and the answer streams on. Per call, overhead =
 * the tool call's whole time as the answerer sees it (validation, HTTP client, reading the reply,
 * the `tool` events) minus the webhook's own handling time measured inside the webhook server.
 *
 * @module
 */
import { createLlmAnswerer } from '../src/answer/llm-answerer.js';
import { ModelRouter } from '../src/answer/router.js';
import { parseBusinessActions } from '../src/answer/tool-config.js';
import { createToolRunner } from '../src/answer/tool-runner.js';
import { createOpenAiProvider } from '../src/providers/llm/openai.js';
import { startOpenAiServer } from '../test/fakes/openai-server.js';
import { startWebhookServer } from '../test/fakes/webhook-server.js';

const CALLS = Number(process.env.BENCH_TOOL_CALLS ?? 50);
const ROUNDS = 3;
const WEBHOOK_MS = 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Measures `toolOverheadMs` ({p50, p95}) and the webhook's own time for reference. */
export async function measureToolOverhead(): Promise<{
  toolOverheadMs: { p50: number; p95: number };
  webhookMs: { p50: number };
  calls: number;
}> {
  const hook = await startWebhookServer();
  const llm = await startOpenAiServer({
    replies: [
      { match: { afterTool: true }, text: 'Your order is ready for pickup.' },
      { text: 'Let me check.', toolCalls: [{ name: 'order_status', arguments: { order: '1' } }] },
    ],
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
            endpoint: { url: `${hook.baseURL}/slow?ms=${WEBHOOK_MS}` },
            timeoutMs: 10_000,
          },
        ],
      }),
    });
    const provider = createOpenAiProvider({ model: 'mini', apiKey: 'k', baseURL: llm.baseURL });
    const answerer = createLlmAnswerer({
      models: { cheap: [provider], strong: [provider] },
      router: new ModelRouter(),
      fallbackPhone: '+1 555 0142',
    });
    const overheads: number[] = [];
    const webhook: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      hook.requests.length = 0;
      const toolMs = await Promise.all(
        Array.from({ length: CALLS }, async () => {
          let ms = Number.NaN;
          for await (const ev of answerer.answer({
            query: 'Is my order 1 ready?',
            passages: [],
            history: [],
            system: 'You are a bakery phone assistant.',
            language: 'en',
            signal: new AbortController().signal,
            tools,
          })) {
            if (ev.type === 'tool' && ev.phase === 'end') ms = ev.ms;
          }
          return ms;
        }),
      );
      if (round === 0) continue;
      const handled = hook.requests.map((r) => r.handledMs ?? Number.NaN).sort((a, b) => a - b);
      const sortedTool = [...toolMs].sort((a, b) => a - b);
      // Calls and webhook requests pair up by rank: each call's tool time minus a webhook time.
      sortedTool.forEach((ms, i) => overheads.push(ms - (handled[i] ?? Number.NaN)));
      webhook.push(...handled);
    }
    overheads.sort((a, b) => a - b);
    webhook.sort((a, b) => a - b);
    const round1 = (n: number) => Math.round(n * 10) / 10;
    return {
      toolOverheadMs: {
        p50: round1(percentile(overheads, 50)),
        p95: round1(percentile(overheads, 95)),
      },
      webhookMs: { p50: round1(percentile(webhook, 50)) },
      calls: CALLS,
    };
  } finally {
    await llm.close();
    await hook.close();
  }
}
