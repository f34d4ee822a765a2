/**
 * Shared parts of the realtime session tests: opening a session against the fixture, caller
 * speech as 16 kHz frames, and collecting what a session emits.
 */
import { once } from 'node:events';
import {
  RealtimeSession,
  type RealtimeSessionOptions,
} from '../../src/providers/realtime/session.js';
import type { FakeRealtimeServer } from '../fakes/openai-realtime-server.js';

export const COMPACT = 'You are the voice of Sunny Bakery. Greet briefly. Be short.';
export const FULL = `${COMPACT} Full rules: answer only from the knowledge base; ${'x'.repeat(3000)}`;

/** Opens a session on `server` with test defaults. */
export function openSession(
  server: FakeRealtimeServer,
  overrides: Partial<RealtimeSessionOptions> = {},
): Promise<RealtimeSession> {
  return RealtimeSession.open({
    model: 'gpt-realtime',
    voice: 'marin',
    instructions: COMPACT,
    turnDetection: 'server_vad',
    transcribeModel: 'gpt-4o-mini-transcribe',
    apiKey: 'test-key',
    baseUrl: server.baseUrl,
    wsOptions: { ca: server.ca },
    connectTimeoutMs: 5000,
    ...overrides,
  });
}

/** 20 ms frames of 16 kHz speech-like tone (`speechMs`), then silence (`silenceMs`). */
export function callerFrames(speechMs: number, silenceMs: number): Buffer[] {
  const frames: Buffer[] = [];
  let n = 0;
  for (let t = 0; t < speechMs + silenceMs; t += 20) {
    const frame = Buffer.alloc(640);
    if (t < speechMs) {
      for (let i = 0; i < 320; i++, n++) {
        frame.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 220 * n) / 16_000)), i * 2);
      }
    }
    frames.push(frame);
  }
  return frames;
}

/** Collects the bot's frames and final transcripts of a session. */
export function collect(session: RealtimeSession) {
  const frames: Buffer[] = [];
  const transcripts: string[] = [];
  const callerTranscripts: string[] = [];
  session.on('bot.audio', (frame) => frames.push(frame));
  session.on('bot.transcript', (t) => {
    if (t.final) transcripts.push(t.text);
  });
  session.on('caller.transcript', (t) => callerTranscripts.push(t.text));
  return { frames, transcripts, callerTranscripts };
}

/** Resolves with the next `response.done` of `session`. */
export async function nextResponseDone(session: RealtimeSession) {
  const [info] = await once(session, 'response.done');
  return info as { responseId: string; status: string; toolCalls: number };
}

/** RMS of a 16-bit little-endian frame. */
export function rms(frame: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < frame.length; i += 2) sum += frame.readInt16LE(i) ** 2;
  return Math.sqrt(sum / (frame.length / 2));
}
