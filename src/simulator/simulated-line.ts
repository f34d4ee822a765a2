/**
 * A simulated phone line for a runtime: the simulated Asterisk (ARI, AudioSocket) on loopback,
 * connected through the real ari-client exactly as `voxstate serve` connects to a real
 * Asterisk. Used by `voxstate demo`, the end-to-end tests and the call benchmarks.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { type IngestSummary, ingest } from '../knowledge/ingest.js';
import type { CallHandle, Runtime } from '../runtime/runtime.js';
import { connectTelephony, type Telephony } from '../runtime/telephony.js';
import type { TelephonyConfig } from '../runtime/telephony-config.js';
import type { Logger } from '../telemetry/logger.js';
import type { CallerScript } from './caller-script.js';
import {
  type SimCall,
  SimulatedAsterisk,
  type SimulatedAsteriskOptions,
} from './simulated-asterisk.js';

/** The sample knowledge base shipped with voxstate. */
export const SAMPLE_KNOWLEDGE_DIR = fileURLToPath(
  new URL('../../examples/knowledge-base', import.meta.url),
);

/** Ingests the sample knowledge base into the runtime's store (idempotent). */
export function ingestSampleKnowledge(
  runtime: Runtime,
  logger: Logger = runtime.logger,
): Promise<IngestSummary> {
  return ingest([SAMPLE_KNOWLEDGE_DIR], {
    store: runtime.knowledge.store,
    embedders: runtime.knowledge.local ? [runtime.knowledge.local] : [],
    logger,
  });
}

/** Telephony settings that reach a simulator at `ariUrl` over loopback. */
export function simulatorTelephonyConfig(ariUrl: string): TelephonyConfig {
  return {
    ariUrl,
    ariUser: 'voxstate',
    ariPassword: 'voxstate',
    app: 'voxstate',
    transport: 'audiosocket',
    mediaBindHost: '127.0.0.1',
    mediaPort: 0,
    mediaExternalHost: '127.0.0.1',
    requestTimeoutMs: 5_000,
  };
}

/** A runtime on a simulated line. */
export interface SimulatedLine {
  sim: SimulatedAsterisk;
  telephony: Telephony;
  /** Places a call from a scripted caller and returns both sides of it. */
  placeCall(
    script: CallerScript,
    options?: { language?: string; callerNumber?: string; timeoutMs?: number },
  ): Promise<{ sim: SimCall; handle: CallHandle }>;
  close(): Promise<void>;
}

/**
 * Starts a simulated Asterisk and connects `runtime` to it. When the runtime transcribes with
 * the `script` engine, the simulator's script text is handed to it (simulator only).
 *
 * @example
 * ```ts
 * const line = await connectSimulatedLine(runtime);
 * const { sim, handle } = await line.placeCall({ steps: [{ say: 'Hello?' }, { hangup: true }] });
 * await handle.done;
 * await line.close();
 * ```
 */
export async function connectSimulatedLine(
  runtime: Runtime,
  options: SimulatedAsteriskOptions = {},
): Promise<SimulatedLine> {
  const espeak = runtime.speech.engines.find((e) => e.name === 'espeak');
  const sim = new SimulatedAsterisk({ ...(espeak ? { tts: espeak } : {}), ...options });
  const { url } = await sim.start();
  runtime.useScriptText((callId, startMs, endMs) => sim.scriptTextBetween(callId, startMs, endMs));
  let telephony: Telephony;
  try {
    telephony = await connectTelephony(runtime, simulatorTelephonyConfig(url));
  } catch (err) {
    await sim.stop();
    throw err;
  }
  return {
    sim,
    telephony,
    async placeCall(script, callOptions = {}) {
      const simCall = await sim.placeCall({
        app: 'voxstate',
        language: callOptions.language ?? 'en',
        callerNumber: callOptions.callerNumber ?? '+15550100',
        script,
      });
      const deadline = Date.now() + (callOptions.timeoutMs ?? 10_000);
      for (;;) {
        const handle = runtime.handles().find((h) => h.id === simCall.channelId);
        if (handle) return { sim: simCall, handle };
        if (Date.now() > deadline) {
          throw new ConfigError('the simulated call never reached the runtime');
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      await telephony.close();
      await sim.stop();
    },
  };
}
