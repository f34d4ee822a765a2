/**
 * The `actions` benchmark's fixture servers, each in its own process (`role` argument `llm`:
 * the OpenAI chat completions fixture; `hook`: the tool webhook), so that neither the 50
 * measured calls nor the 50 LLM streams share an event loop with the webhook whose own time is
 * subtracted. Sends its base URL over IPC; the webhook process then answers `handled` with
 * each request's handling time, the call it belongs to (`x-bench-call`) and its client port.
 *
 * @module
 */
import { startOpenAiServer } from '../test/fakes/openai-server.js';
import { startWebhookServer } from '../test/fakes/webhook-server.js';

const send = process.send?.bind(process);
if (!send) throw new Error('actions-fixtures.child.ts runs as a forked child process');
const role = process.argv[2];
const closers: Array<() => Promise<void>> = [];
let handled: () => unknown[] = () => [];
let url: string;
if (role === 'hook') {
  const hook = await startWebhookServer();
  closers.push(() => hook.close());
  handled = () => {
    const out = hook.requests.map((r) => ({
      call: String(r.headers['x-bench-call'] ?? ''),
      ms: r.handledMs ?? Number.NaN,
      port: r.remotePort ?? 0,
    }));
    hook.requests.length = 0;
    return out;
  };
  url = hook.baseURL;
} else {
  const llm = await startOpenAiServer({
    replies: [
      { match: { afterTool: true }, text: 'Your order is ready for pickup.' },
      { text: 'Let me check.', toolCalls: [{ name: 'order_status', arguments: { order: '1' } }] },
    ],
  });
  closers.push(() => llm.close());
  url = llm.baseURL;
}
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'handled') send({ type: 'handled', requests: handled() });
  else if (msg.type === 'close') {
    for (const close of closers) await close();
    process.disconnect?.();
  }
});
send({ type: 'ready', url });
