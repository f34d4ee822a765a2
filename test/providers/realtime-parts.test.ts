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
  it('defaults to the cascade brain, server VAD, and the OpenAI key', () => {
    const c = realtimeConfigFromEnv({ OPENAI_API_KEY: 'sk-x' });
    expect(c).toMatchObject({
      brain: 'cascade',
      model: 'gpt-realtime',
      turnDetection: 'server_vad',
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
