/**
 * Helpers for the end-to-end tests: placing calls concurrently, following a call machine's
 * states, checking that a call left nothing behind (runtime, ARI app, simulated Asterisk) and
 * reading the caller's recording on the media timeline.
 *
 * Everything waits on events or polls state with generous deadlines; nothing asserts on
 * wall-clock latency.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, vi } from 'vitest';
import type { CallOutput } from '../../src/machines/call.types.js';
import type { CallHandle } from '../../src/runtime/runtime.js';
import type {
  CallRecording,
  TimelineEvent,
  TimelineKind,
} from '../../src/simulator/call-recording.js';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import type { SimCall } from '../../src/simulator/simulated-asterisk.js';
import type { CallRig } from '../fakes/call-rig.js';

/** Both sides of one call. */
export interface RigCall {
  sim: SimCall;
  handle: CallHandle;
}

/** The sample knowledge base the rig ingests. */
export const KB_DIR = fileURLToPath(new URL('../../examples/knowledge-base/', import.meta.url));

/** `probe()`'s first truthy value ({@link vi.waitFor}); an error naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 20_000,
  everyMs = 10,
): Promise<T> {
  return vi.waitFor(
    () => {
      const value = probe();
      if (!value) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: everyMs },
  );
}

/** `promise`, or an error naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The runtime's handle of the call on caller channel `channelId`. */
export function handleOf(rig: CallRig, channelId: string, timeoutMs = 15_000): Promise<CallHandle> {
  return waitFor(
    () => rig.runtime.handles().find((h) => h.id === channelId),
    `call ${channelId} to reach the runtime`,
    timeoutMs,
  );
}

/** Places calls at once and pairs each simulated caller with its runtime handle by channel id. */
export async function placeCalls(
  rig: CallRig,
  calls: ReadonlyArray<{ script: CallerScript; language?: string; callerNumber?: string }>,
): Promise<RigCall[]> {
  return Promise.all(
    calls.map(async (c, i) => {
      const sim = await rig.sim.placeCall({
        app: 'voxstate',
        language: c.language ?? 'en',
        callerNumber: c.callerNumber ?? `+1555010${String(i).padStart(2, '0')}`,
        script: c.script,
      });
      return { sim, handle: await handleOf(rig, sim.channelId) };
    }),
  );
}

/**
 * Resolves once the machine has answered `turns` turns (the last answer played to its end) and
 * listens again. Tests hang up from here rather than with a scripted `waitForBot`, whose
 * silence window a loaded machine can open between a filler and an answer.
 */
export async function turnsDone(
  call: Pick<RigCall, 'handle'>,
  turns: number,
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(
    () => {
      const s = call.handle.actor.getSnapshot();
      return s.context.turns >= turns && conversationState(s.value).startsWith('listening');
    },
    `call ${call.handle.id} to answer ${turns} turn(s)`,
    timeoutMs,
    20,
  );
  // The last frames are on their way over the loopback socket.
  await new Promise((r) => setTimeout(r, 300));
}

/** The caller hangs up once `turns` turns were answered (see {@link turnsDone}). */
export async function hangUpAfterTurns(
  call: RigCall,
  turns = 1,
  timeoutMs = 60_000,
): Promise<void> {
  await turnsDone(call, turns, timeoutMs);
  call.sim.hangup();
}

/** Waits for the call to end on both sides; resolves with the machine's output. */
export async function callEnded(call: RigCall, timeoutMs = 60_000): Promise<CallOutput> {
  const output = await within(call.handle.done, timeoutMs, `call ${call.handle.id} to end`);
  await within(call.sim.ended, 10_000, `the simulated channel ${call.sim.channelId} to go`);
  return output;
}

/** Where the conversation region is: `greeting.speaking`, `thinking.transcribing`, `ended`. */
export function conversationState(value: unknown): string {
  if (typeof value === 'string') return value;
  const conversation = (value as { active?: { conversation?: unknown } }).active?.conversation;
  const path: string[] = [];
  let v: unknown = conversation;
  while (v !== undefined) {
    if (typeof v === 'string') {
      path.push(v);
      break;
    }
    const [key, inner] = Object.entries(v as Record<string, unknown>)[0] ?? [];
    if (key === undefined) break;
    path.push(key);
    v = inner;
  }
  return path.join('.');
}

/** The conversation states a call went through, in order (consecutive repeats dropped). */
export class StateTrace {
  readonly states: string[] = [];
  /** The conversation state when the machine ended (the state that handled the last event). */
  lastBeforeEnd = '';
  readonly #listeners: Array<(state: string) => void> = [];

  constructor(handle: CallHandle) {
    const record = (value: unknown) => {
      const state = conversationState(value);
      if (state === this.states.at(-1)) return;
      if (state === 'ended') this.lastBeforeEnd = this.states.at(-1) ?? '';
      this.states.push(state);
      for (const fn of this.#listeners) fn(state);
    };
    record(handle.actor.getSnapshot().value);
    handle.actor.subscribe({ next: (s) => record(s.value), error: () => undefined });
  }

  /** The current conversation state. */
  get current(): string {
    return this.states.at(-1) ?? '';
  }

  /** Resolves the first time the state starts with `prefix` (at once if it already does). */
  reach(prefix: string, timeoutMs = 30_000): Promise<void> {
    if (this.current.startsWith(prefix)) return Promise.resolve();
    return within(
      new Promise<void>((resolve) => {
        this.#listeners.push((s) => {
          if (s.startsWith(prefix)) resolve();
        });
      }),
      timeoutMs,
      `state ${prefix} (went through ${this.states.join(' > ')})`,
    );
  }
}

/**
 * Checks that one call left nothing behind: no handle or session in the runtime, its session
 * closed, and none of its channels (caller, media) or its bridge in the simulated Asterisk.
 */
export async function expectCallReleased(rig: CallRig, call: RigCall): Promise<void> {
  const endpoint = call.handle.session.endpoint as { mediaChannelId?: string; bridgeId?: string };
  const ids = [call.sim.channelId, endpoint.mediaChannelId].filter(Boolean) as string[];
  await waitFor(
    () =>
      ids.every((id) => !rig.sim.channels.has(id)) &&
      (endpoint.bridgeId === undefined || !rig.sim.bridges.has(endpoint.bridgeId)),
    `the simulator to release call ${call.handle.id}`,
    10_000,
  );
  expect(rig.runtime.handles().map((h) => h.id)).not.toContain(call.handle.id);
  expect(rig.runtime.handles().find((h) => h.id === call.handle.id)).toBeUndefined();
  expect(call.handle.session.closed).toBe(true);
  expect(call.handle.session.endpoint.ended).toBe(true);
  for (const id of ids) expect(rig.sim.channels.has(id)).toBe(false);
  if (endpoint.bridgeId) expect(rig.sim.bridges.has(endpoint.bridgeId)).toBe(false);
  for (const p of rig.sim.playbacks.values()) {
    expect(ids.map((id) => `channel:${id}`)).not.toContain(p.target_uri);
  }
}

/** Checks that no call is left anywhere: runtime, ARI app, simulated channels, bridges, playbacks. */
export async function expectRigIdle(rig: CallRig): Promise<void> {
  const idle = () =>
    rig.runtime.activeCalls === 0 &&
    rig.telephony.app.activeCalls === 0 &&
    rig.sim.channels.size === 0 &&
    rig.sim.bridges.size === 0 &&
    rig.sim.playbacks.size === 0;
  await waitFor(idle, 'the rig to have no call left', 10_000).catch(() => undefined);
  expect(rig.runtime.activeCalls).toBe(0);
  expect(rig.telephony.app.activeCalls).toBe(0);
  expect([...rig.sim.channels.values()].map((c) => `${c.kind} ${c.name}`)).toEqual([]);
  expect([...rig.sim.bridges.keys()]).toEqual([]);
  expect(rig.sim.playbacks.size).toBe(0);
}

/** Timeline events of one kind (optionally with this caller text). */
export function eventsOf(
  recording: CallRecording,
  kind: TimelineKind,
  text?: string,
): TimelineEvent[] {
  return recording.timeline.filter(
    (e) => e.kind === kind && (text === undefined || e.text === text),
  );
}

/** The first timeline event of a kind; fails the test when there is none. */
export function firstOf(
  recording: CallRecording,
  kind: TimelineKind,
  text?: string,
): TimelineEvent {
  const e = eventsOf(recording, kind, text)[0];
  if (!e) {
    throw new Error(
      `no ${kind}${text ? ` "${text}"` : ''} in the timeline: ${JSON.stringify(recording.timeline)}`,
    );
  }
  return e;
}

/**
 * Media times (ms) of the 20 ms bot frames the caller heard with an RMS at or above
 * `threshold` (16-bit units; the scripted caller counts 200 and up as bot speech).
 */
export function loudBotFrames(recording: CallRecording, threshold = 200): number[] {
  const samples = recording.samples('bot');
  const out: number[] = [];
  for (let slot = 0; slot * 320 < samples.length; slot++) {
    let sum = 0;
    const end = Math.min(samples.length, (slot + 1) * 320);
    for (let i = slot * 320; i < end; i++) sum += samples[i]! * samples[i]!;
    if (Math.sqrt(sum / 320) >= threshold) out.push(slot * 20);
  }
  return out;
}

/** Loud bot audio (ms) heard in `[fromMs, toMs)` of the media timeline. */
export function botAudioMsBetween(recording: CallRecording, fromMs: number, toMs: number): number {
  return loudBotFrames(recording).filter((t) => t >= fromMs && t < toMs).length * 20;
}

/** Every text of the sample knowledge base in one language folder, whitespace collapsed. */
export async function knowledgeBaseText(language: string): Promise<string> {
  const dir = join(KB_DIR, language);
  const files = await readdir(dir);
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return texts.join('\n').replace(/\s+/g, ' ');
}

/** The call's history as the machine holds it after the call. */
export function historyOf(call: RigCall): Array<{ role: string; content: string }> {
  return call.handle.actor.getSnapshot().context.history;
}
