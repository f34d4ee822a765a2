/**
 * The `actions` benchmark's fixture servers (OpenAI chat completions and the tool webhook) in
 * their own process, so that the 50 measured calls do not share an event loop with the servers
 * that answer them. Sends `{ llm, hook }` base URLs over IPC, then webhook handling times on
 * request.
 *
 * @module
 */
import { startOpenAiServer } from '../test/fakes/openai-server.js';
import { startWebhookServer } from '../test/fakes/webhook-server.js';

const send = process.send?.bind(process);
if (!send) throw new Error('actions-fixtures.child.ts runs as a forked child process');
const hook = await startWebhookServer();
const llm = await startOpenAiServer({
  replies: [
    { match: { afterTool: true }, text: 'Your order is ready for pickup.' },
    { text: 'Let me check.', toolCalls: [{ name: 'order_status', arguments: { order: '1' } }] },
  ],
});
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'handled') {
    send({ type: 'handled', ms: hook.requests.map((r) => r.handledMs ?? Number.NaN) });
    hook.requests.length = 0;
  } else if (msg.type === 'close') {
    await llm.close();
    await hook.close();
    process.disconnect?.();
  }
});
send({ type: 'ready', llm: llm.baseURL, hook: hook.baseURL });
