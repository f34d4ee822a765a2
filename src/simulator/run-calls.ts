/**
 * Runs scripted calls against whatever Stasis app is connected to a simulator, and collects each
 * call's turns, timeline and recording: the core of `voxstate simulate`, the demo and the calls
 * benchmark.
 *
 * @module
 */

import type { CallRecording, TimelineEvent, Turn } from './call-recording.js';
import type { CallerScript } from './caller-script.js';
import type { SimulatedAsterisk } from './simulated-asterisk.js';

/** Options of {@link runScriptedCalls}. */
export interface ScriptedCallsOptions {
  sim: SimulatedAsterisk;
  /** Stasis app to call; waits for it to connect. */
  app: string;
  script: CallerScript;
  /** How many calls; default 1. */
  calls?: number;
  /** Calls in flight at once; default all of them. */
  concurrency?: number;
  /** Caller number of call `i`; default `+1555000<i>`. */
  callerNumber?: (index: number) => string;
  /** Longest a call may last before the simulator hangs it up; default 120000 ms. */
  maxCallMs?: number;
  /** How long to wait for the app to connect; default 10000 ms. */
  connectTimeoutMs?: number;
}

/** What one scripted call produced. */
export interface ScriptedCallResult {
  index: number;
  channelId: string;
  turns: Turn[];
  timeline: TimelineEvent[];
  /** Both sides of the audio. */
  recording: CallRecording;
  /** True when the simulator had to hang up at `maxCallMs`. */
  timedOut: boolean;
  wallMs: number;
}

/**
 * Places the calls and resolves when all have ended.
 *
 * @example
 * ```ts
 * const [result] = await runScriptedCalls({ sim, app: 'voxstate', script });
 * console.table(result.turns);
 * await writeFile('call.wav', result.recording.toWav());
 * ```
 */
export async function runScriptedCalls(
  options: ScriptedCallsOptions,
): Promise<ScriptedCallResult[]> {
  const total = options.calls ?? 1;
  const concurrency = Math.max(1, options.concurrency ?? total);
  const maxCallMs = options.maxCallMs ?? 120_000;
  await options.sim.waitForApp(options.app, options.connectTimeoutMs ?? 10_000);
  const results: ScriptedCallResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const t0 = performance.now();
      const call = await options.sim.placeCall({
        app: options.app,
        script: options.script,
        callerNumber: options.callerNumber?.(index) ?? `+1555000${index}`,
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        call.hangup();
      }, maxCallMs);
      await call.ended;
      clearTimeout(timer);
      results.push({
        index,
        channelId: call.channelId,
        turns: call.recording.turns(),
        timeline: call.recording.timeline,
        recording: call.recording,
        timedOut,
        wallMs: performance.now() - t0,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results.sort((a, b) => a.index - b.index);
}
