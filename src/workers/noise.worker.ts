/**
 * Noise suppression worker (piscina): RNNoise (xiph's recurrent denoiser, from the npm
 * `@echogarden/rnnoise-wasm` WASM build) on a call's 16 kHz caller audio, before voice
 * activity detection and speech-to-text.
 *
 * RNNoise works on 10 ms frames at 48 kHz, so a task upsamples the call's audio to 48 kHz,
 * denoises every whole frame, and downsamples back to 16 kHz with the media path's streaming
 * {@link Resampler}. Each call keeps its state between tasks and sends it with every task (the
 * denoiser's memory and recurrent state, both resamplers' held-back input, the audio between
 * frames), so any thread can serve any call, as the VAD pool does.
 *
 * A task returns exactly as many samples as it was given: the denoised stream, delayed by
 * {@link NOISE_LATENCY_SAMPLES} (RNNoise's own 10 ms and 15 ms of lead that keeps every task's
 * output whole, whatever the frame size).
 *
 * @module
 */
import './console-to-stderr.js';
import RNNoise, { type RnnoiseModule } from '@echogarden/rnnoise-wasm';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { Resampler, type ResamplerState } from '../audio/resample.js';

/** Rate of the call's audio. */
const CALL_RATE = 16_000;
/** RNNoise's rate. */
const RNNOISE_RATE = 48_000;
/** RNNoise's frame at 48 kHz (10 ms). */
const FRAME = 480;
/** Lead given to the output, 16 kHz samples: more than the resamplers and whole frames hold back. */
const LEAD = 240;
/** RNNoise's own delay, 16 kHz samples (one 10 ms frame). */
const RNNOISE_DELAY = 160;

/** How far the denoised audio lags the caller's, 16 kHz samples (25 ms). */
export const NOISE_LATENCY_SAMPLES = LEAD + RNNOISE_DELAY;

/** One call's denoiser state between tasks. Structured-cloneable; move its buffers. */
export interface NoiseState {
  /** The denoiser's memory (`DenoiseState` without its pointers) and its three GRU states. */
  denoiser: Float32Array;
  up: ResamplerState;
  down: ResamplerState;
  /** 48 kHz audio short of a whole frame. */
  pending: Float32Array;
  /** Denoised 16 kHz audio not returned yet. */
  ready: Float32Array;
}

/** Caller audio of one call. Move `samples` (and the state's buffers) with `transferList`. */
export interface NoiseTask {
  /** 16 kHz samples in [-1, 1]. */
  samples: Float32Array;
  /** The call's state after its last task; undefined for a new call. */
  state: NoiseState | undefined;
}

/** The denoised audio and the call's state. */
export interface NoiseResult {
  /** As many samples as the task had: the denoised stream, {@link NOISE_LATENCY_SAMPLES} late. */
  samples: Float32Array;
  state: NoiseState;
  /** RNNoise's highest voice probability over the frames of this task (0 when none). */
  voice: number;
}

/** The buffers of a state, for a `transferList`. */
export function noiseStateBuffers(state: NoiseState): ArrayBuffer[] {
  return [
    state.denoiser.buffer,
    state.up.held.buffer,
    state.down.held.buffer,
    state.pending.buffer,
    state.ready.buffer,
  ] as ArrayBuffer[];
}

/**
 * This thread's RNNoise: one `DenoiseState` that each task loads a call's state into, and the
 * frame buffers. The state's layout is checked once: memory, then `RNNState` (a model pointer
 * and three GRU state pointers) at its end, the GRU sizes read from the model.
 */
interface Denoiser {
  m: RnnoiseModule;
  state: number;
  input: number;
  output: number;
  /** Bytes of the state before its `RNNState`. */
  plain: number;
  /** Pointer and length (floats) of each GRU state. */
  grus: [pointer: number, length: number][];
  /** Floats of a serialized state. */
  size: number;
}

let denoiser: Promise<Denoiser> | undefined;

async function load(): Promise<Denoiser> {
  const m = await RNNoise();
  if (m._rnnoise_get_frame_size() !== FRAME) {
    throw new Error(`rnnoise-wasm: frame size ${m._rnnoise_get_frame_size()}, expected ${FRAME}`);
  }
  const bytes = m._rnnoise_get_size();
  const state = m._rnnoise_create(0);
  const input = m._malloc(FRAME * 4);
  const output = m._malloc(FRAME * 4);
  const plain = bytes - 16;
  const view = new DataView(m.HEAPU8.buffer);
  const model = view.getUint32(state + plain, true);
  const grus: [number, number][] = [0, 1, 2].map((i) => [
    view.getUint32(state + plain + 4 + 4 * i, true),
    view.getInt32(model + 8 + 8 * i, true),
  ]);
  const sane =
    plain > 0 &&
    plain % 4 === 0 &&
    model !== 0 &&
    grus.every(([p, n]) => p !== 0 && p % 4 === 0 && n > 0 && n <= 1024);
  if (!sane) {
    throw new Error(
      'rnnoise-wasm: unexpected DenoiseState layout (a different RNNoise version?); noise suppression cannot move call state between threads',
    );
  }
  const size = plain / 4 + grus.reduce((s, [, n]) => s + n, 0);
  return { m, state, input, output, plain, grus, size };
}

function denoiserOnce(): Promise<Denoiser> {
  if (!denoiser) {
    denoiser = load();
    denoiser.catch(() => {
      denoiser = undefined;
    });
  }
  return denoiser;
}

/** Loads `saved` (or a fresh state) into the thread's `DenoiseState`. */
function loadState(d: Denoiser, saved: Float32Array | undefined): void {
  const heap = d.m.HEAPF32;
  const base = d.state >> 2;
  const plain = d.plain >> 2;
  if (saved && saved.length !== d.size) {
    throw new Error(`noise state has ${saved.length} floats, expected ${d.size}`);
  }
  if (saved) heap.set(saved.subarray(0, plain), base);
  else heap.fill(0, base, base + plain);
  let at = plain;
  for (const [pointer, n] of d.grus) {
    if (saved) heap.set(saved.subarray(at, at + n), pointer >> 2);
    else heap.fill(0, pointer >> 2, (pointer >> 2) + n);
    at += n;
  }
}

function saveState(d: Denoiser): Float32Array {
  const heap = d.m.HEAPF32;
  const out = new Float32Array(d.size);
  const plain = d.plain >> 2;
  out.set(heap.subarray(d.state >> 2, (d.state >> 2) + plain));
  let at = plain;
  for (const [pointer, n] of d.grus) {
    out.set(heap.subarray(pointer >> 2, (pointer >> 2) + n), at);
    at += n;
  }
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  if (a.length === 0) return b;
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Denoises one task's audio (see the module note). */
export default async function suppress(task: NoiseTask): Promise<NoiseResult> {
  const d = await denoiserOnce();
  const s = task.state;
  loadState(d, s?.denoiser);
  const up = s ? Resampler.restore(s.up) : new Resampler(CALL_RATE, RNNOISE_RATE);
  const down = s ? Resampler.restore(s.down) : new Resampler(RNNOISE_RATE, CALL_RATE);
  const scaled = new Float32Array(task.samples.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = (task.samples[i] as number) * 32_768;
  const wide = concat(s?.pending ?? new Float32Array(0), up.push(scaled));
  const frames = Math.floor(wide.length / FRAME);
  const clean = new Float32Array(frames * FRAME);
  let voice = 0;
  for (let f = 0; f < frames; f++) {
    d.m.HEAPF32.set(wide.subarray(f * FRAME, (f + 1) * FRAME), d.input >> 2);
    voice = Math.max(voice, d.m._rnnoise_process_frame(d.state, d.output, d.input));
    clean.set(d.m.HEAPF32.subarray(d.output >> 2, (d.output >> 2) + FRAME), f * FRAME);
  }
  for (let i = 0; i < clean.length; i++) clean[i] = (clean[i] as number) / 32_768;
  const ready = concat(s?.ready ?? new Float32Array(LEAD), down.push(clean));
  if (ready.length < task.samples.length) {
    throw new Error(`noise suppression fell behind (${ready.length} < ${task.samples.length})`);
  }
  const result: NoiseResult = {
    samples: ready.slice(0, task.samples.length),
    state: {
      denoiser: saveState(d),
      up: up.snapshot(),
      down: down.snapshot(),
      pending: wide.slice(frames * FRAME),
      ready: ready.slice(task.samples.length),
    },
    voice,
  };
  return move({
    [transferableSymbol]: [result.samples.buffer, ...noiseStateBuffers(result.state)],
    [valueSymbol]: result,
  } as never) as unknown as NoiseResult;
}
