/** Helpers shared by the STT engine tests. */
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { SttEngineError } from '../../../src/errors.js';
import type {
  SttEngine,
  SttRequest,
  SttStream,
  SttStreamEvent,
} from '../../../src/providers/stt/stt-engine.js';

/** `seconds` of a voiced-looking tone at 16 kHz. */
export const tone = (seconds: number) => {
  const a = new Float32Array(Math.round(16_000 * seconds));
  for (let i = 0; i < a.length; i++) a[i] = 0.3 * Math.sin(i / 10);
  return a;
};

/** A local engine standing in for Whisper behind the fallback. */
export class LocalEngine implements SttEngine {
  readonly name = 'whisper';
  calls: SttRequest[] = [];
  async transcribe(request: SttRequest) {
    this.calls.push(request);
    return { text: 'local text', engine: this.name, audioSeconds: request.audio.length / 16_000 };
  }
}

/** A loopback port nobody listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The SttEngineError `p` rejects with. */
export async function failureOf(p: Promise<unknown>): Promise<SttEngineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SttEngineError);
  return err as SttEngineError;
}

/** Collects a stream's events (and its error, if it fails). */
export function collect(stream: SttStream): Promise<{ events: SttStreamEvent[]; error?: unknown }> {
  return (async () => {
    const events: SttStreamEvent[] = [];
    try {
      for await (const e of stream) events.push(e);
      return { events };
    } catch (error) {
      return { events, error };
    }
  })();
}

/** Pushes `audio` in 20 ms frames at the pace a caller speaks (a frame every 20 ms). */
export async function speak(stream: SttStream, audio: Float32Array): Promise<void> {
  for (let at = 0; at < audio.length; at += 320) {
    stream.push(audio.subarray(at, at + 320));
    await new Promise((r) => setTimeout(r, 20));
  }
}
