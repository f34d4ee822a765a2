import { describe, expect, it } from 'vitest';
import { assignFlags } from '../../src/config/flags.js';
import { readEnv } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';
import {
  REALTIME_RATE,
  RealtimeAudioIn,
  RealtimeAudioOut,
} from '../../src/providers/realtime/audio.js';
import { brainFor, realtimeConfigFromEnv } from '../../src/providers/realtime/config.js';
import { heardPart, shareOfText } from '../../src/providers/realtime/heard.js';
import { sessionConfig } from '../../src/providers/realtime/session-config.js';
import { runToolCall, searchKnowledgeTool } from '../../src/providers/realtime/tools.js';
import { realtimeUsage } from '../../src/providers/realtime/usage.js';

function tone(samples: number, rate: number, hz = 300): Buffer {
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  }
  return out;
}

describe('realtime audio', () => {
  it('turns 16 kHz frames into 24 kHz PCM with 1.5 samples per input sample', () => {
    const input = new RealtimeAudioIn();
    let out = 0;
    for (let f = 0; f < 50; f++)
      out += Buffer.from(input.push(tone(320, 16_000)), 'base64').length / 2;
    expect(out).toBeLessThanOrEqual(50 * 480);
    expect(out).toBeGreaterThan(50 * 480 - 60);
    expect(input.sentMs).toBeCloseTo((out / REALTIME_RATE) * 1000, 9);
  });

  it('turns 24 kHz deltas of odd sizes into whole 640-byte 16 kHz frames', () => {
    const pcm = tone(24_000, REALTIME_RATE);
    const out = new RealtimeAudioOut('item_1');
    const frames: Buffer[] = [];
    for (let at = 0; at < pcm.length; at += 4801) {
      frames.push(...out.push(pcm.subarray(at, at + 4801).toString('base64')));
    }
    frames.push(...out.flush());
    expect(out.receivedMs).toBe(1000);
    expect(frames).toHaveLength(50);
    expect(frames.every((f) => f.length === 640)).toBe(true);
  });
});

describe('realtime configuration', () => {
  it('defaults to the cascade brain, local turn detection, and the OpenAI key', () => {
    const c = realtimeConfigFromEnv({ OPENAI_API_KEY: 'sk-x' });
    expect(c).toMatchObject({
      brain: 'cascade',
      model: 'gpt-realtime',
      turnDetection: 'local',
      transcribeModel: 'gpt-4o-mini-transcribe',
      apiKey: 'sk-x',
      connectTimeoutMs: 3000,
    });
    expect(
      realtimeConfigFromEnv({ VOXSTATE_REALTIME_TRANSCRIBE_MODEL: 'none' }).transcribeModel,
    ).toBe(undefined);
  });

  it('names the variable of a wrong value, and wants a key when realtime is the default', () => {
    expect(() => realtimeConfigFromEnv({ VOXSTATE_REALTIME_TURN_DETECTION: 'vad' })).toThrow(
      /VOXSTATE_REALTIME_TURN_DETECTION must be one of server_vad, semantic_vad, local/,
    );
    expect(() => readEnv({ VOXSTATE_BRAIN: 'realtime' })).toThrow(ConfigError);
    expect(
      readEnv({ VOXSTATE_BRAIN: 'realtime', VOXSTATE_REALTIME_API_KEY: 'k' }).VOXSTATE_BRAIN,
    ).toBe('realtime');
  });

  it('the brain flag picks the brain per call, the setting otherwise', () => {
    expect(brainFor(assignFlags('c1', { brain: 'realtime' }), 'cascade')).toBe('realtime');
    expect(brainFor({}, 'realtime')).toBe('realtime');
    expect(brainFor({ brain: 'bogus' }, 'cascade')).toBe('cascade');
    const ids = Array.from({ length: 400 }, (_, i) => `call-${i}`);
    const realtime = ids.filter(
      (id) =>
        brainFor(assignFlags(id, { brain: { realtime: 25, cascade: 75 } }), 'cascade') ===
        'realtime',
    );
    expect(realtime.length).toBeGreaterThan(60);
    expect(realtime.length).toBeLessThan(140);
  });

  it('local turn detection turns the server VAD off', () => {
    const s = sessionConfig({
      instructions: 'x',
      voice: 'marin',
      turnDetection: 'local',
      tools: [],
    });
    expect(s.audio?.input?.turn_detection).toBeNull();
    expect(s.audio?.input?.transcription).toBeUndefined();
  });

  it('session VAD answers and cancels by itself unless its owner does (the call machine)', () => {
    const shape = { instructions: 'x', voice: 'marin', tools: [] };
    expect(
      sessionConfig({ ...shape, turnDetection: 'server_vad' }).audio?.input?.turn_detection,
    ).toMatchObject({ type: 'server_vad', create_response: true, interrupt_response: true });
    expect(
      sessionConfig({ ...shape, turnDetection: 'semantic_vad', vadResponds: false }).audio?.input
        ?.turn_detection,
    ).toEqual({ type: 'semantic_vad', create_response: false, interrupt_response: false });
  });
});

describe('what the caller heard of a response', () => {
  const items = [
    { itemId: 'a', frames: 50, text: 'Let me check that for you.' },
    { itemId: 'b', frames: 100, text: 'Your cake is ready, you can pick it up at five.' },
  ];

  it('keeps whole items played to the end and the heard share of the cut one, at a word', () => {
    expect(heardPart(items, 150)).toEqual({
      text: 'Let me check that for you. Your cake is ready, you can pick it up at five.',
      itemId: 'b',
      heardInItemMs: 2000,
      itemMs: 2000,
      cut: false,
    });
    const half = heardPart(items, 100);
    expect(half).toMatchObject({ itemId: 'b', heardInItemMs: 1000, itemMs: 2000, cut: true });
    expect(half.text).toBe('Let me check that for you. Your cake is ready, you');
    expect(heardPart(items, 10).text).toBe('Let');
    expect(heardPart(items, 0)).toEqual({
      text: '',
      itemId: 'a',
      heardInItemMs: 0,
      itemMs: 1000,
      cut: true,
    });
  });

  it('stopped between two items: the next item is truncated at its start', () => {
    expect(heardPart(items, 50)).toMatchObject({
      text: 'Let me check that for you.',
      itemId: 'b',
      heardInItemMs: 0,
      cut: true,
    });
  });

  it('cuts text back to a word boundary', () => {
    expect(shareOfText('one two three', 0.4)).toBe('one');
    expect(shareOfText('one two three', 0.55)).toBe('one two');
    expect(shareOfText('one two three', 1)).toBe('one two three');
    expect(shareOfText('one', 0.5)).toBe('');
  });
});

describe('realtime tools and usage', () => {
  it('bad arguments, unknown tools and late tools answer with an error', async () => {
    const signal = new AbortController().signal;
    const slow = searchKnowledgeTool(
      (_q, s) => new Promise((_, reject) => s.addEventListener('abort', () => reject(s.reason))),
    );
    expect((await runToolCall([slow], 'nope', '{}', 100, signal)).output).toBe(
      '{"error":"unknown tool nope"}',
    );
    expect((await runToolCall([slow], 'search_knowledge', '[1]', 100, signal)).ok).toBe(false);
    const late = await runToolCall([slow], 'search_knowledge', '{"query":"hours"}', 50, signal);
    expect(late).toMatchObject({
      ok: false,
      output: '{"error":"tool search_knowledge timed out after 50 ms"}',
    });
  });

  it("a tool's own deadline replaces the session's", async () => {
    const signal = new AbortController().signal;
    const tool = {
      name: 'order_status',
      description: 'x',
      parameters: {},
      timeoutMs: 400,
      run: () => new Promise((resolve) => setTimeout(() => resolve('ready'), 150)),
    };
    expect(await runToolCall([tool], 'order_status', '{}', 50, signal)).toMatchObject({
      ok: true,
      output: 'ready',
    });
    const late = await runToolCall(
      [{ ...tool, timeoutMs: 60 }],
      'order_status',
      '{}',
      5_000,
      signal,
    );
    expect(late.output).toBe('{"error":"tool order_status timed out after 60 ms"}');
  });

  it('maps response usage to ledger tokens, cached input apart', () => {
    expect(
      realtimeUsage('gpt-realtime', {
        input_tokens: 130,
        output_tokens: 70,
        input_token_details: {
          audio_tokens: 100,
          text_tokens: 30,
          cached_tokens: 20,
          cached_tokens_details: { audio_tokens: 15, text_tokens: 5 },
        },
        output_token_details: { audio_tokens: 60, text_tokens: 10 },
      }),
    ).toEqual({
      model: 'gpt-realtime',
      audioInputTokens: 100,
      cachedAudioInputTokens: 15,
      audioOutputTokens: 60,
      textInputTokens: 30,
      cachedTextInputTokens: 5,
      textOutputTokens: 10,
    });
  });
});
