import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CostLedger } from '../../src/cost/ledger.js';
import { DEFAULT_PRICES } from '../../src/cost/prices.js';
import { REALTIME_RATE } from '../../src/providers/realtime/audio.js';
import { realtimeConfigFromEnv } from '../../src/providers/realtime/config.js';
import { openRealtimeForCall } from '../../src/providers/realtime/open-for-call.js';
import type { RealtimeSession } from '../../src/providers/realtime/session.js';
import { searchKnowledgeTool } from '../../src/providers/realtime/tools.js';
import {
  type FakeRealtimeServer,
  startFakeRealtimeServer,
} from '../fakes/openai-realtime-server.js';
import {
  COMPACT,
  callerFrames,
  collect,
  FULL,
  nextResponseDone,
  openSession,
  rms,
} from './realtime-helpers.js';

const GREETING = 'Hello, Sunny Bakery, how can I help you today?';

let server: FakeRealtimeServer | undefined;
let session: RealtimeSession | undefined;

afterEach(async () => {
  await session?.close();
  await server?.close();
  session = undefined;
  server = undefined;
});

function sessionUpdates(s: FakeRealtimeServer) {
  return s
    .received()
    .filter((e) => e.type === 'session.update')
    .map(
      (e) =>
        e.session as { type: string; instructions?: string; audio?: unknown; tools?: unknown[] },
    );
}

describe('RealtimeSession greeting and prompt upgrade', () => {
  it('opens with the compact instructions, greets first, then sends the full ones with session.update', async () => {
    server = await startFakeRealtimeServer({
      reply: (caller) => ({ say: caller ? 'ok' : GREETING }),
    });
    session = await openSession(server, { tools: [searchKnowledgeTool(async () => [])] });
    const got = collect(session);
    const first = sessionUpdates(server);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      type: 'realtime',
      instructions: COMPACT,
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: REALTIME_RATE },
          turn_detection: { type: 'server_vad' },
          transcription: { model: 'gpt-4o-mini-transcribe' },
        },
        output: { format: { type: 'audio/pcm', rate: REALTIME_RATE }, voice: 'marin' },
      },
      tools: [{ type: 'function', name: 'search_knowledge' }],
    });
    expect(session.instructions).toBe('compact');

    const done = nextResponseDone(session);
    await session.respond();
    expect((await done).status).toBe('completed');
    expect(got.transcripts).toEqual([GREETING]);
    expect(server.last?.session.instructions).toBe(COMPACT);

    await session.upgrade(FULL);
    const updates = sessionUpdates(server);
    expect(updates).toHaveLength(2);
    expect(updates[1]).toEqual({ type: 'realtime', instructions: FULL });
    expect(server.last?.session.instructions).toBe(FULL);
    expect(session.instructions).toBe('full');
  });
});

describe('RealtimeSession audio', () => {
  it('sends caller frames at 24 kHz and plays the answer as 16 kHz frames (server VAD)', async () => {
    const said = 'When do you open on Sunday?';
    server = await startFakeRealtimeServer({ caller: [said], msPerChar: 40 });
    session = await openSession(server);
    const got = collect(session);
    const stopped = once(session, 'caller.speech.stopped');
    const audioDone = once(session, 'bot.audio.done');
    const frames = callerFrames(600, 700);
    for (const frame of frames) session.appendAudio(frame);
    await stopped;
    const [{ audioMs }] = (await audioDone) as [{ audioMs: number }];

    const appended = server
      .received()
      .filter((e) => e.type === 'input_audio_buffer.append')
      .reduce((n, e) => n + Buffer.from(e.audio, 'base64').length / 2, 0);
    const sentMs = frames.length * 20;
    expect((appended / REALTIME_RATE) * 1000).toBeGreaterThan(sentMs - 5);
    expect((appended / REALTIME_RATE) * 1000).toBeLessThanOrEqual(sentMs);

    expect(got.callerTranscripts).toEqual([said]);
    const answer = `You said: ${said}`;
    await vi.waitFor(() => expect(got.transcripts).toEqual([answer]));
    expect(audioMs).toBe(answer.length * 40);
    expect(got.frames.every((f) => f.length === 640)).toBe(true);
    expect(got.frames.length).toBe(Math.ceil(audioMs / 20));
    const loud = got.frames.slice(2, -2);
    expect(loud.every((f) => rms(f) > 2000)).toBe(true);
  });
});

describe('RealtimeSession barge-in', () => {
  it('cancels the response and truncates the item at the audio the caller heard', async () => {
    server = await startFakeRealtimeServer({
      caller: ['wait, one question'],
      reply: (caller) => ({
        say: caller ? 'Sure.' : `${GREETING} ${'We bake every day. '.repeat(5)}`,
      }),
      pauseAfterChunks: 5,
    });
    session = await openSession(server);
    const got = collect(session);
    const barge = once(session, 'caller.speech.started');
    const cancelled = nextResponseDone(session);
    await session.respond();
    await vi.waitFor(() => expect(got.frames.length).toBeGreaterThanOrEqual(24));

    for (const frame of callerFrames(300, 0)) session.appendAudio(frame);
    const [started] = (await barge) as [{ botSpeaking: boolean }];
    expect(started.botSpeaking).toBe(true);
    const cut = await session.interrupt(320);
    expect((await cancelled).status).toBe('cancelled');

    const assistant = server.last?.items.find((i) => i.role === 'assistant');
    expect(cut).toEqual({ itemId: assistant?.id, audioEndMs: 320 });
    expect(assistant?.truncatedAtMs).toBe(320);
    const truncate = server.received().find((e) => e.type === 'conversation.item.truncate');
    expect(truncate).toMatchObject({ item_id: assistant?.id, content_index: 0, audio_end_ms: 320 });
    const framesAtCut = got.frames.length;
    server.resume();

    for (const frame of callerFrames(0, 700)) session.appendAudio(frame);
    await vi.waitFor(() => expect(got.transcripts).toContain('Sure.'));
    expect(got.callerTranscripts).toEqual(['wait, one question']);
    expect(got.frames.length - framesAtCut).toBe(Math.ceil(('Sure.'.length * 50) / 20));
  });

  it('never truncates past the audio that came', async () => {
    server = await startFakeRealtimeServer({ pauseAfterChunks: 3, msPerChar: 50 });
    session = await openSession(server, { turnDetection: 'local' });
    const got = collect(session);
    await session.respond();
    await vi.waitFor(() => expect(got.frames.length).toBeGreaterThanOrEqual(14));
    const cut = await session.interrupt(10_000);
    expect(cut?.audioEndMs).toBe(300);
    expect(server.received().some((e) => e.type === 'response.cancel')).toBe(true);
  });
});

describe('RealtimeSession tools', () => {
  it('answers search_knowledge with the retrieved passages, then the model speaks from them', async () => {
    server = await startFakeRealtimeServer({
      caller: ['What are your hours?'],
      reply: (caller) =>
        caller ? { tool: 'search_knowledge', args: { query: 'opening hours' } } : { say: 'Hi.' },
    });
    const retrieve = vi.fn(async (_query: string, _signal: AbortSignal) => [
      { text: 'We open 8:00-18:00, Sunday 9:00-15:00.', source: 'hours.md:1' },
    ]);
    session = await openSession(server, {
      turnDetection: 'local',
      tools: [searchKnowledgeTool(retrieve)],
    });
    const got = collect(session);
    const toolDone = once(session, 'tool.done');
    for (const frame of callerFrames(400, 100)) session.appendAudio(frame);
    await session.commit();
    const [tool] = (await toolDone) as [{ name: string; ok: boolean }];
    expect(tool).toMatchObject({ name: 'search_knowledge', ok: true });
    expect(retrieve).toHaveBeenCalledWith('opening hours', expect.any(AbortSignal));

    await vi.waitFor(() => expect(got.transcripts).toHaveLength(1));
    expect(got.transcripts[0]).toBe(
      'Here is what I found. [1] We open 8:00-18:00, Sunday 9:00-15:00.',
    );
    const output = server.received().find((e) => e.type === 'conversation.item.create');
    expect(output).toMatchObject({
      item: { type: 'function_call_output', output: '[1] We open 8:00-18:00, Sunday 9:00-15:00.' },
    });
    const kinds = server.received().map((e) => e.type);
    expect(kinds.lastIndexOf('response.create')).toBeGreaterThan(
      kinds.indexOf('conversation.item.create'),
    );
  });

  it('a failing tool answers the model with an error instead of breaking the session', async () => {
    server = await startFakeRealtimeServer({
      caller: ['hours?'],
      reply: (caller) =>
        caller ? { tool: 'search_knowledge', args: { query: 'hours' } } : { say: 'Hi.' },
      afterTool: (_name, output) => `Sorry. ${output}`,
    });
    session = await openSession(server, {
      turnDetection: 'local',
      tools: [
        searchKnowledgeTool(async () => {
          throw new Error('knowledge base offline');
        }),
      ],
    });
    const got = collect(session);
    const toolDone = once(session, 'tool.done');
    for (const frame of callerFrames(400, 100)) session.appendAudio(frame);
    await session.commit();
    expect(((await toolDone) as [{ ok: boolean }])[0].ok).toBe(false);
    await vi.waitFor(() =>
      expect(got.transcripts).toEqual(['Sorry. {"error":"knowledge base offline"}']),
    );
    expect(session.state).toBe('open');
  });
});

describe('RealtimeSession usage', () => {
  it("records each response's audio and text tokens in the cost ledger at realtime prices", async () => {
    server = await startFakeRealtimeServer({ caller: ['Do you sell rye bread?'] });
    const ledger = new CostLedger({ prices: DEFAULT_PRICES });
    session = await openSession(server, { ledger });
    const usages: { audioOutputTokens: number; textInputTokens: number }[] = [];
    const costs: number[] = [];
    session.on('usage', (u, cost) => {
      usages.push(u);
      costs.push(cost);
    });
    const first = nextResponseDone(session);
    await session.respond();
    await first;
    const second = nextResponseDone(session);
    for (const frame of callerFrames(500, 700)) session.appendAudio(frame);
    await second;

    expect(usages).toHaveLength(2);
    const price = DEFAULT_PRICES.realtime['gpt-realtime']!;
    const u = usages[1] as unknown as Record<string, number>;
    expect(u.audioInputTokens).toBeGreaterThan(0);
    expect(u.audioOutputTokens).toBeGreaterThan(0);
    const expected =
      u.audioInputTokens! * price.audioInputPerToken +
      u.audioOutputTokens! * price.audioOutputPerToken +
      u.textInputTokens! * price.textInputPerToken +
      u.textOutputTokens! * price.textOutputPerToken;
    expect(costs[1]).toBeCloseTo(expected, 12);
    const b = ledger.breakdown();
    expect(b.realtime).toBeCloseTo(costs[0]! + costs[1]!, 12);
    expect(b.byModel['realtime:gpt-realtime']).toBeCloseTo(b.realtime, 12);
    expect(b.unpriced).toEqual([]);
  });
});

describe('openRealtimeForCall', () => {
  it("opens a call's session from the configuration with its prompt, knowledge tool and actions", async () => {
    server = await startFakeRealtimeServer();
    const config = realtimeConfigFromEnv({
      VOXSTATE_BRAIN: 'realtime',
      VOXSTATE_REALTIME_API_KEY: 'rt-key',
      VOXSTATE_REALTIME_BASE_URL: server.baseUrl,
      VOXSTATE_REALTIME_VOICE: 'cedar',
      VOXSTATE_REALTIME_TURN_DETECTION: 'semantic_vad',
    });
    const transfer = {
      name: 'transfer_call',
      description: 'Transfer the caller to a person.',
      parameters: { type: 'object', properties: {} },
      run: async () => 'transferring',
    };
    session = await openRealtimeForCall(config, {
      compactPrompt: COMPACT,
      retrieve: async () => [],
      tools: [transfer],
      wsOptions: { ca: server.ca },
    });
    expect(server.connections[0]).toMatchObject({
      url: '/v1/realtime?model=gpt-realtime',
      authorization: 'Bearer rt-key',
    });
    expect(server.last?.session).toMatchObject({
      instructions: COMPACT,
      audio: { input: { turn_detection: { type: 'semantic_vad' } }, output: { voice: 'cedar' } },
      tools: [{ name: 'search_knowledge' }, { name: 'transfer_call' }],
    });
  });
});
