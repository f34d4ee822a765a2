import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeDeepgramServer, startFakeDeepgramServer } from './deepgram-server.js';

let server: FakeDeepgramServer;
let said = '';
const asked: string[] = [];

beforeAll(async () => {
  server = await startFakeDeepgramServer({
    followVoice: true,
    msPerWord: 100,
    liveTextFor: (query) => {
      asked.push(query.tag ?? '');
      return query.tag === 'live' ? () => said : undefined;
    },
    textFor: () => 'scripted text',
  });
});
afterAll(() => server.close());

/** 20 ms of a loud square wave (voiced for the fixture). */
const voiced = Buffer.alloc(640).map((_, i) => (i % 4 < 2 ? 0x40 : 0x00));

async function finalOf(tag: string, before: () => void): Promise<string> {
  const ws = new WebSocket(`${server.baseUrl}/v1/listen?tag=${tag}&sample_rate=16000`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const final = new Promise<string>((resolve) =>
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as {
        is_final?: boolean;
        channel?: { alternatives: Array<{ transcript: string }> };
      };
      if (msg.is_final) resolve(msg.channel?.alternatives[0]?.transcript ?? '');
    }),
  );
  for (let i = 0; i < 10; i++) ws.send(voiced);
  before();
  ws.send(JSON.stringify({ type: 'Finalize' }));
  const text = await final;
  ws.close();
  return text;
}

describe('Deepgram fixture: liveTextFor', () => {
  it('hears what the caller has said on the connection by the final, not at its opening', async () => {
    said = '';
    // Opened on noise alone: nothing said yet; the words come while it is open.
    expect(await finalOf('live', () => (said = 'do you deliver'))).toBe('do you deliver');
    said = '';
    expect(await finalOf('live', () => undefined)).toBe('');
  });

  it('falls through to textFor when it gives no source', async () => {
    expect(await finalOf('other', () => undefined)).toBe('scripted text');
    expect(asked).toContain('other');
  });
});
