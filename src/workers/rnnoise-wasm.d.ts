/**
 * Types for the npm `@echogarden/rnnoise-wasm` package: an Emscripten MODULARIZE ES module
 * around xiph's RNNoise C library (the package ships no types).
 */
declare module '@echogarden/rnnoise-wasm' {
  /** The initialized module: RNNoise's C API and the WASM heap. */
  export interface RnnoiseModule {
    HEAPU8: Uint8Array;
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
    /** `sizeof(DenoiseState)`. */
    _rnnoise_get_size(): number;
    /** Samples per frame (480: 10 ms at 48 kHz). */
    _rnnoise_get_frame_size(): number;
    /** A new state for `model` (0: the built-in model). */
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    /** Denoises one frame from `input` into `output`; returns the frame's voice probability. */
    _rnnoise_process_frame(state: number, output: number, input: number): number;
  }
  /** Instantiates the module. */
  export default function RNNoise(overrides?: object): Promise<RnnoiseModule>;
}
