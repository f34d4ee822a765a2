/**
 * Benchmark suite `recording`: what recording calls costs the main thread. Fifty calls are
 * recorded at once (caller frames every 20 ms, the bot speaking half of the time) on a clock
 * that runs as fast as the machine allows, into a temporary folder, for one minute of audio
 * each. Reports the synchronous time of taking one frame (p50, p95, and the longest: the frame
 * that interleaves and queues a one-second block), the main thread's share per call in real
 * time, and the time for the files to be finished on disk.
 *
 * Run: `npm run bench -- recording --json`.
 *
 * @module
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StereoRecording } from '../src/calllog/stereo-recording.js';

/** Options every suite takes. */
export interface BenchOptions {
  json: boolean;
}

const CALLS = 50;
const SECONDS = 60;
const FRAMES = SECONDS * 50;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Runs the suite; with `json`, prints nothing and lets the runner print the result. */
export default async function run(opts: BenchOptions): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'voxstate-bench-rec-'));
  try {
    let now = 0;
    const recordings = Array.from(
      { length: CALLS },
      (_, i) => new StereoRecording({ file: join(dir, `c${i}.wav`), now: () => now }),
    );
    const caller = Buffer.alloc(640);
    const bot = Buffer.alloc(640);
    for (let i = 0; i < 320; i++) {
      caller.writeInt16LE(Math.round(3000 * Math.sin(i / 5)), i * 2);
      bot.writeInt16LE(Math.round(2000 * Math.sin(i / 7)), i * 2);
    }
    const costs: number[] = [];
    const wallStart = performance.now();
    for (let f = 0; f < FRAMES; f++) {
      now = f * 20;
      const botSpeaks = Math.floor(f / 150) % 2 === 0; // 3 s on, 3 s off
      for (const rec of recordings) {
        let t = performance.now();
        rec.caller(caller);
        costs.push(performance.now() - t);
        if (botSpeaks) {
          t = performance.now();
          rec.bot(bot);
          costs.push(performance.now() - t);
        }
      }
      // Let the writes of the last block run, as the event loop would between frames.
      if (f % 50 === 49) await new Promise((r) => setImmediate(r));
    }
    const takeMs = costs.reduce((a, b) => a + b, 0);
    const stopStart = performance.now();
    const summaries = await Promise.all(recordings.map((r) => r.stop()));
    const finishMs = performance.now() - stopStart;
    const wallMs = performance.now() - wallStart;
    const size = (await stat(join(dir, 'c0.wav'))).size;
    costs.sort((a, b) => a - b);
    const over = costs.filter((c) => c > 1).length;
    const result = {
      calls: CALLS,
      audioSecondsPerCall: SECONDS,
      framesTaken: costs.length,
      /** Frames whose synchronous part took over 1 ms (a busy machine preempts us too). */
      framesOver1Ms: over,
      takeFrameUs: {
        p50: Math.round(quantile(costs, 0.5) * 1000 * 100) / 100,
        p95: Math.round(quantile(costs, 0.95) * 1000 * 100) / 100,
        /** The frames that interleave a block (one in 50 per call). */
        p999: Math.round(quantile(costs, 0.999) * 1000),
        max: Math.round((costs.at(-1) ?? 0) * 1000),
      },
      /** Main-thread ms per second of one call's audio (taking frames, blocks included). */
      mainThreadMsPerCallSecond: Math.round((takeMs / (CALLS * SECONDS)) * 1000) / 1000,
      /** Share of one core that recording 50 calls in real time would take. */
      coreShareAt50Calls: Math.round((takeMs / (SECONDS * 1000)) * 10_000) / 10_000,
      finishAllMs: Math.round(finishMs),
      wallMs: Math.round(wallMs),
      bytesPerCall: size,
      allOk: summaries.every((s) => s.ok && s.durationMs === SECONDS * 1000),
    };
    if (!opts.json) {
      console.log(
        `${CALLS} calls x ${SECONDS} s: take a frame p50 ${result.takeFrameUs.p50} us, p95 ` +
          `${result.takeFrameUs.p95} us, max ${result.takeFrameUs.max} us; ` +
          `${result.mainThreadMsPerCallSecond} ms of main thread per call-second`,
      );
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
