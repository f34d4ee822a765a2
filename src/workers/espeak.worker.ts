/**
 * The espeak-ng synthesis worker: runs the npm `espeak-ng` WASM build off the main thread and
 * returns the utterance ready to send in the call's media format.
 *
 * The WASM module (18 MB, voices embedded) is compiled once per thread. Each synthesis needs a
 * fresh instance (espeak's command line program keeps global state and cannot run `main` twice),
 * and instantiating costs 60-150 ms, so the thread always holds one instance prepared ahead:
 * a request only pays for the synthesis itself (10-40 ms a sentence), and the next instance is
 * prepared while the thread would otherwise be idle.
 *
 * @module
 */
import './console-to-stderr.js';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ESpeakNg, { type EspeakFs } from 'espeak-ng';
import { move } from 'piscina';
import type { MediaFormat } from '../audio/format.js';
import { encodeForWire, readWav, trimTrailingSilence } from '../audio/index.js';

/** One synthesis task. */
export interface EspeakTask {
  text: string;
  /** An espeak voice name (`en-us`, `ru`, ...). */
  voice: string;
  format: MediaFormat;
  /** Words per minute. */
  rateWpm: number;
  /** 0-99. */
  pitch: number;
}

/** The parts of the WebAssembly API this worker uses (the project's lib has no DOM types). */
interface Wasm {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: object }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

interface Prepared {
  fs: EspeakFs;
  exports: {
    memory: { buffer: ArrayBuffer };
    malloc(size: number): number;
    __main_argc_argv(argc: number, argv: number): number;
  };
  errors: string[];
}

const NOISE = /keepRuntimeAlive|program exited/;

let compiled: Promise<object> | undefined;
let spare: Promise<Prepared> | undefined;

function compile(): Promise<object> {
  if (!compiled) {
    const js = createRequire(import.meta.url).resolve('espeak-ng');
    compiled = readFile(join(dirname(js), 'espeak-ng.wasm')).then((bytes) =>
      wasmApi.compile(bytes),
    );
  }
  return compiled;
}

async function prepare(): Promise<Prepared> {
  const wasm = await compile();
  const errors: string[] = [];
  let instance: { exports: object } | undefined;
  let fail: (err: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  const ready = ESpeakNg({
    noInitialRun: true,
    print: () => {},
    printErr: (line) => {
      if (!NOISE.test(line)) errors.push(line);
    },
    quit: (_status, toThrow) => {
      throw toThrow;
    },
    instantiateWasm: (imports, receive) => {
      wasmApi.instantiate(wasm, imports).then((inst) => {
        instance = inst;
        receive(inst, wasm);
      }, fail);
      return {};
    },
  });
  const module = await Promise.race([ready, failed]);
  if (!instance) throw new Error('espeak-ng instance missing after initialization');
  return { fs: module.FS, exports: instance.exports as unknown as Prepared['exports'], errors };
}

function takeInstance(): Promise<Prepared> {
  const next = spare ?? prepare();
  spare = undefined;
  return next;
}

/** Prepares the next instance once the current result has been posted back. */
function prepareSpareSoon(): void {
  setTimeout(() => {
    if (spare) return;
    const next = prepare();
    spare = next;
    next.catch(() => {
      if (spare === next) spare = undefined;
    });
  }, 5);
}

function callMain(p: Prepared, args: string[]): void {
  const enc = new TextEncoder();
  const all = ['espeak-ng', ...args];
  const argv = p.exports.malloc(4 * (all.length + 1));
  const ptrs = all.map((arg) => {
    const bytes = enc.encode(`${arg}\0`);
    const ptr = p.exports.malloc(bytes.length);
    new Uint8Array(p.exports.memory.buffer).set(bytes, ptr);
    return ptr;
  });
  const view = new Uint32Array(p.exports.memory.buffer, argv, all.length + 1);
  ptrs.forEach((ptr, i) => {
    view[i] = ptr;
  });
  view[all.length] = 0;
  let status: number;
  try {
    status = p.exports.__main_argc_argv(all.length, argv);
  } catch (err) {
    const exit = err as { name?: string; status?: number };
    if (exit?.name !== 'ExitStatus') throw err;
    status = exit.status ?? 1;
  }
  if (status !== 0) {
    throw new Error(`espeak-ng exited with ${status}: ${p.errors.join('; ') || 'no message'}`);
  }
}

/** Whole-buffer copy, so the result can be transferred without taking a pooled slab along. */
function owned(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  return new Uint8Array(bytes);
}

/**
 * Synthesizes `task.text` and returns wire bytes in `task.format` (transferred, not copied).
 * Throws when espeak fails (an unknown voice, an empty result).
 */
export default async function synthesize(task: EspeakTask): Promise<Uint8Array> {
  const p = await takeInstance();
  prepareSpareSoon();
  p.fs.writeFile('/in.txt', task.text);
  callMain(p, [
    '-b',
    '1',
    '-v',
    task.voice,
    '-s',
    String(task.rateWpm),
    '-p',
    String(task.pitch),
    '-w',
    '/out.wav',
    '-f',
    '/in.txt',
  ]);
  const wav = readWav(p.fs.readFile('/out.wav'));
  const speech = trimTrailingSilence(wav.samples, { sampleRate: wav.sampleRate, keepMs: 120 });
  const bytes = owned(encodeForWire(speech, wav.sampleRate, task.format));
  return move(bytes) as unknown as Uint8Array;
}
