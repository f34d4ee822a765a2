/**
 * Controllable test actors for the call machine. Every actor records when it starts and stops
 * in an ordered log; promise actors (speaking, transcription, retrieval, the answer, the prompt
 * upgrade) wait until the test settles them; callback actors are driven by events the test
 * sends to the machine. Used by the machine tests and the machine
 * benchmark, swapped in with `callMachine.provide({ actors })`.
 */
import { fromCallback, fromPromise } from 'xstate';
import type {
  AnswerInput,
  AnswerOutput,
  CallActorInput,
  CallActors,
  RetrieveInput,
  RetrieveOutput,
  TranscribeInput,
  TranscribeOutput,
  UpgradePromptOutput,
} from '../../src/actors/contracts.js';

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A clock for actors that counts the timers it holds, so tests can assert none is left. */
export class CountingClock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; fn: () => void; timeout: number }>();

  now(): number {
    return this.#now;
  }
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + timeout, fn, timeout });
    return id;
  }
  /** Fires the oldest pending timer that was set for `timeout` ms; false when there is none. */
  fire(timeout: number): boolean {
    for (const [id, timer] of this.#timers) {
      if (timer.timeout !== timeout) continue;
      this.#timers.delete(id);
      this.#now = Math.max(this.#now, timer.at);
      timer.fn();
      return true;
    }
    return false;
  }
  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }
  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }
  /** Moves time on by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void; timeout: number }] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = until;
  }
}

/** The test actors and what they recorded. */
export interface CallActorHarness {
  actors: CallActors;
  /** Ordered `start:<id>` / `stop:<id>` / `abort:<id>` records. */
  log: string[];
  /** Ids of the actors running now. */
  running: Set<string>;
  /** Inputs the actors were started with, by id (last one wins). */
  inputs: Map<string, unknown>;
  /** Settles the running promise actor `id` with `output`. */
  resolve(id: string, output: unknown): void;
  /** Fails the running promise actor `id`. */
  reject(id: string, error: unknown): void;
}

/** Creates a fresh set of test actors. With `autoSettle`, promise actors settle by themselves. */
export function createCallActorHarness(
  options: {
    autoSettle?: {
      transcribe?: (input: TranscribeInput) => TranscribeOutput;
      retrieve?: (input: RetrieveInput) => RetrieveOutput;
      upgradePrompt?: () => UpgradePromptOutput;
      streamAnswer?: (input: AnswerInput) => AnswerOutput;
    };
    record?: boolean;
  } = {},
): CallActorHarness {
  const record = options.record ?? true;
  const log: string[] = [];
  const running = new Set<string>();
  const inputs = new Map<string, unknown>();
  const pending = new Map<string, Pending>();

  const started = (id: string, input: unknown) => {
    if (!record) return;
    log.push(`start:${id}`);
    running.add(id);
    inputs.set(id, input);
  };
  const stopped = (id: string, how: 'stop' | 'abort' = 'stop') => {
    if (!record) return;
    log.push(`${how}:${id}`);
    running.delete(id);
  };

  function callback<TInput>() {
    return fromCallback<never, TInput>(({ self, input }) => {
      const id = self.id;
      started(id, input);
      return () => stopped(id);
    });
  }

  function promise<TOutput, TInput>(auto?: (input: TInput) => TOutput) {
    return fromPromise<TOutput, TInput>(({ self, input, signal }) => {
      const id = self.id;
      started(id, input);
      if (auto) {
        stopped(id);
        return Promise.resolve(auto(input));
      }
      return new Promise<TOutput>((resolve, reject) => {
        const settle = () => {
          pending.delete(id);
          stopped(id);
        };
        pending.set(id, {
          resolve: (v) => {
            settle();
            resolve(v as TOutput);
          },
          reject: (e) => {
            settle();
            reject(e);
          },
        });
        signal.addEventListener('abort', () => {
          if (!pending.has(id)) return;
          pending.delete(id);
          stopped(id, 'abort');
        });
      });
    });
  }

  const actors = {
    media: callback<CallActorInput>(),
    endpointing: callback<CallActorInput>(),
    preemptAnswer: callback<CallActorInput>(),
    speak: promise<void, CallActorInput>(),
    playFiller: callback<CallActorInput>(),
    prefetchEmbedding: callback<CallActorInput>(),
    transcribe: promise<TranscribeOutput, TranscribeInput>(options.autoSettle?.transcribe),
    retrieve: promise<RetrieveOutput, RetrieveInput>(options.autoSettle?.retrieve),
    streamAnswer: promise<AnswerOutput, AnswerInput>(options.autoSettle?.streamAnswer),
    upgradePrompt: promise<UpgradePromptOutput, CallActorInput>(options.autoSettle?.upgradePrompt),
    transferBlind: promise<void, CallActorInput>(),
    dialAgent: promise<void, CallActorInput>(),
    connectAgent: promise<void, CallActorInput>(),
    watchAgent: callback<CallActorInput>(),
    bridgeTransfer: promise<void, CallActorInput>(),
    resumeCaller: promise<void, CallActorInput>(),
    holdCaller: callback<CallActorInput>(),
  } as unknown as CallActors;

  return {
    actors,
    log,
    running,
    inputs,
    resolve(id, output) {
      const p = pending.get(id);
      if (!p) throw new Error(`no running promise actor "${id}" to resolve`);
      p.resolve(output);
    },
    reject(id, error) {
      const p = pending.get(id);
      if (!p) throw new Error(`no running promise actor "${id}" to reject`);
      p.reject(error);
    },
  };
}
