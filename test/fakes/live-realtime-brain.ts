/**
 * A realtime brain that behaves like a live session, for replaying call-machine paths with the
 * realtime actors (`realtimeCallActors`) without a socket: the greeting is a response of the
 * session, a turn's answer is a response started at the end of speech whose transcript and end
 * the test settles, a barge-in or hang-up interrupts it (cancel + truncate, recorded), the prompt
 * upgrade is a `session.update` the test confirms, and with `serverTurns` the session's speech
 * events drive the machine through the realtime endpointing actor. The call session is the small
 * part of `CallSession` those actors touch.
 */
import { EventEmitter } from 'node:events';
import type { ToolAction } from '../../src/answer/tool-runner.js';
import type { CallSession } from '../../src/calls/session.js';
import type { RealtimeBrain, ResponseResult } from '../../src/runtime/realtime-brain.js';

interface FakeHandle {
  label: string;
  item: { framesPlayed: number; state: string; cancel(): void };
  done: Promise<ResponseResult>;
  callerText: Promise<string | undefined>;
  action?: ToolAction;
  onProgress(): () => void;
  settle(result: Partial<ResponseResult>): void;
  hear(text: string | undefined): void;
  settled: boolean;
}

/** The fake session: what the realtime actors were asked to do, in order. */
export class FakeLiveSession extends EventEmitter {
  readonly model = 'gpt-realtime';
  readonly requests: string[] = [];
  #upgrade: { resolve(): void } | undefined;

  upgrade(_full: string): Promise<void> {
    this.requests.push('session.update');
    return new Promise((resolve) => {
      this.#upgrade = { resolve };
    });
  }

  /** The server confirms the upgrade; false when none is pending. */
  confirmUpgrade(): boolean {
    const pending = this.#upgrade;
    this.#upgrade = undefined;
    pending?.resolve();
    return pending !== undefined;
  }
}

/** A live brain and its session. */
export class FakeLiveBrain extends EventEmitter {
  readonly rt = new FakeLiveSession();
  readonly handles: FakeHandle[] = [];
  readonly serverTurns: boolean;
  fellBack = false;
  #current: FakeHandle | undefined;

  constructor(options: { serverTurns?: boolean } = {}) {
    super();
    this.serverTurns = options.serverTurns ?? false;
  }

  get live() {
    return this.rt;
  }
  get input() {
    return undefined;
  }
  ready() {
    return Promise.resolve(this.rt);
  }
  readonly transcripts = { noteTurn: () => {}, turnItem: () => undefined };
  get turnDetection() {
    return this.serverTurns ? 'server_vad' : 'local';
  }
  take() {
    const handle = this.#current;
    this.#current = undefined;
    return handle;
  }

  respond(_rt: unknown, options: { label: string; commit?: boolean }) {
    this.rt.requests.push(options.commit ? 'response.create (turn)' : 'response.create');
    let settle: (r: ResponseResult) => void = () => {};
    let hear: (t: string | undefined) => void = () => {};
    const handle: FakeHandle = {
      label: options.label,
      item: { framesPlayed: 0, state: 'queued', cancel: () => {} },
      done: new Promise((resolve) => (settle = resolve)),
      callerText: new Promise((resolve) => (hear = resolve)),
      onProgress: () => () => {},
      settled: false,
      settle: (result) => {
        if (handle.settled) return;
        handle.settled = true;
        hear(undefined);
        settle({ text: '', heardText: '', ended: 'played', heardMs: 0, ...result });
      },
      hear: (text) => hear(text),
    };
    if (!options.commit) hear(undefined);
    this.handles.push(handle);
    this.#current = handle;
    return handle;
  }

  interrupt(handle: FakeHandle): Promise<void> {
    if (!handle.settled) this.rt.requests.push('response.cancel + item.truncate');
    handle.settle({ ended: 'stopped' });
    return Promise.resolve();
  }

  /** The latest response still playing with this label (`greeting`, `realtime`). */
  open(label: string): FakeHandle | undefined {
    return this.handles.findLast((h) => h.label === label && !h.settled);
  }

  asBrain(): RealtimeBrain {
    return this as unknown as RealtimeBrain;
  }
}

/** The parts of a call session the realtime actors use. */
export function fakeCallSession(): CallSession {
  const noop = () => {};
  return {
    id: 'path-call',
    log: { add: noop },
    turns: { heard: noop, answered: noop, stopped: noop },
    timeline: { mark: noop, speechEnded: noop, bargedIn: noop },
    prompts: { buildFull: () => 'full prompt' },
    playback: {
      on: noop,
      off: noop,
      now: () => 0,
      pause: () => false,
      resume: noop,
      stopAll: () => 0,
      idle: true,
      isSpeaking: false,
    },
    takeUtterance: noop,
    putUtterance: () => 'u1',
  } as unknown as CallSession;
}
