/**
 * Voice activity worker (piscina): Silero VAD v5 through onnxruntime-node directly.
 *
 * The model is stateless between tasks: each call keeps its own recurrent state and 64-sample
 * context and sends them with every task, so any thread can serve any call. A task carries one
 * or more consecutive 512-sample windows (32 ms at 16 kHz) of one call, to cut round trips.
 *
 * @module
 */
import './console-to-stderr.js';
import * as ort from 'onnxruntime-node';
import { workerData } from 'piscina';

/** Samples per window at 16 kHz. */
export const VAD_WINDOW = 512;
/** Samples of the previous window the v5 model sees in front of each window. */
export const VAD_CONTEXT = 64;
/** Length of the flattened `[2, 1, 128]` state tensor. */
export const VAD_STATE_SIZE = 2 * 1 * 128;

/** Per-thread settings, sent as piscina `workerData`. */
export interface VadWorkerData {
  modelPath: string;
  intraOpNumThreads: number;
}

/** Consecutive windows of one call, with that call's state. Move the buffers with `transferList`. */
export interface VadTask {
  /** `n * 512` samples. */
  windows: Float32Array;
  /** 256 floats (zeros for a new call). */
  state: Float32Array;
  /** The last 64 samples before `windows` (zeros for a new call). */
  context: Float32Array;
}

/** Speech probability per window and the call's state after the last window. */
export interface VadResult {
  probabilities: Float32Array;
  state: Float32Array;
  context: Float32Array;
}

const data = workerData as VadWorkerData;
let session: Promise<ort.InferenceSession> | undefined;
const sampleRate = new ort.Tensor('int64', BigInt64Array.of(16000n), []);

function model(): Promise<ort.InferenceSession> {
  if (!session) {
    session = ort.InferenceSession.create(data.modelPath, {
      intraOpNumThreads: data.intraOpNumThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    session.catch(() => {
      session = undefined;
    });
  }
  return session;
}

/** Runs the windows of `task` in order. */
export default async function detect(task: VadTask): Promise<VadResult> {
  if (task.windows.length % VAD_WINDOW !== 0) {
    throw new Error(
      `windows must be a multiple of ${VAD_WINDOW} samples, got ${task.windows.length}`,
    );
  }
  const s = await model();
  const n = task.windows.length / VAD_WINDOW;
  const probabilities = new Float32Array(n);
  let state: ort.Tensor = new ort.Tensor('float32', Float32Array.from(task.state), [2, 1, 128]);
  const input = new Float32Array(VAD_CONTEXT + VAD_WINDOW);
  input.set(task.context, 0);
  for (let i = 0; i < n; i++) {
    input.set(task.windows.subarray(i * VAD_WINDOW, (i + 1) * VAD_WINDOW), VAD_CONTEXT);
    const out = await s.run({
      input: new ort.Tensor('float32', input, [1, VAD_CONTEXT + VAD_WINDOW]),
      state,
      sr: sampleRate,
    });
    const output = out.output;
    const next = out.stateN;
    if (!output || !next) throw new Error('VAD model has no output/stateN');
    probabilities[i] = (output.data as Float32Array)[0] ?? 0;
    state = next;
    input.copyWithin(0, VAD_WINDOW, VAD_WINDOW + VAD_CONTEXT);
  }
  return {
    probabilities,
    state: Float32Array.from(state.data as Float32Array),
    context: input.slice(0, VAD_CONTEXT),
  };
}
