/**
 * Path generation for the call machine: the events a call can take in each state (with
 * payloads for actor done and error events and the machine's own delayed events), and a
 * state serializer that keeps the explored space finite.
 */
import type { AnyStateNode } from 'xstate';
import { getShortestPaths, type StatePath } from 'xstate/graph';
import { parseBusinessActions } from '../../src/answer/tool-config.js';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';

/**
 * The transfer targets of the path tests: `desk` (attended with a blind fallback and a hold
 * prompt), `queue` (blind only), `agent` (attended only, music on hold).
 */
export const PATH_TRANSFER = parseBusinessActions({
  transfer: {
    default: 'desk',
    targets: {
      desk: {
        agent: 'PJSIP/agent',
        dialplan: { context: 'agents', extension: '100' },
        hold: { prompt: 'Still connecting you.', repeatMs: 4000 },
      },
      queue: { dialplan: { context: 'agents', extension: '200' } },
      agent: { agent: 'PJSIP/agent-2', hold: { music: 'default' } },
    },
  },
}).transfer!;

/** Small limits so every limit is reached within a few steps. */
export const PATH_INPUT: CallInput = {
  callId: 'path-call',
  direction: 'inbound',
  language: 'en',
  format: 'slin16',
  limits: {
    maxTurns: 2,
    maxSilencePrompts: 1,
    maxNotUnderstood: 2,
    maxSilenceMs: 5_000,
    maxCallMs: 60_000,
  },
  digitActions: {
    '0': { action: 'transfer' },
    '*': { action: 'repeat' },
    '#': { action: 'submit' },
    '9': { action: 'end_call' },
  },
  transfer: PATH_TRANSFER,
};

/** The transfer steps' promise actors (invoke ids): each finishes or fails. */
const TRANSFER_STEPS = [
  'transferBlind',
  'dialAgent',
  'connectAgent',
  'bridgeTransfer',
  'resumeCaller',
];

/** Every delayed event the machine defines, found by walking its state nodes. */
export function delayedEvents(): Array<{ type: string; delayMs: number }> {
  const found: Array<{ type: string; delayMs: number }> = [];
  const delays: Record<string, number> = {
    maxSilence: PATH_INPUT.limits?.maxSilenceMs ?? 0,
    maxCallDuration: PATH_INPUT.limits?.maxCallMs ?? 0,
    holdPromptRepeat: 4000,
  };
  const walk = (node: AnyStateNode) => {
    for (const t of node.after) {
      const delay = typeof t.delay === 'number' ? t.delay : delays[String(t.delay)];
      if (delay === undefined) throw new Error(`unknown delay ${String(t.delay)}`);
      if (!found.some((f) => f.type === t.eventType))
        found.push({ type: t.eventType, delayMs: delay });
    }
    for (const child of Object.values(node.states)) walk(child as AnyStateNode);
  };
  walk(callMachine.root);
  return found;
}

/** Ids of the states' `speak` actors: each ends with its phrase played, or fails. */
const SPEAKERS = [
  'greeting',
  'reprompt',
  'didNotCatch',
  'apology',
  'goodbye',
  'repeat',
  'transferAnnouncement',
  'tellAgent',
  'transferApology',
  'holdPrompt',
];

// biome-ignore lint/suspicious/noExplicitAny: graph events carry arbitrary payloads
type AnyCallEvent = any;

/** The events offered in every state of the traversal. */
export function pathEvents(): AnyCallEvent[] {
  return [
    { type: 'media.speech.start' },
    { type: 'media.speech.end', utteranceId: 'u1', durationMs: 900 },
    { type: 'media.greeting.audible' },
    ...SPEAKERS.flatMap((id) => [
      { type: `xstate.done.actor.${id}` },
      { type: `xstate.error.actor.${id}`, error: new Error('tts down') },
    ]),
    { type: 'xstate.done.actor.answer', output: { text: 'We open at nine.', model: 'test' } },
    {
      type: 'xstate.done.actor.answer',
      output: {
        text: 'Goodbye!',
        model: 'test',
        action: { type: 'call.end', reason: 'caller_done' },
      },
    },
    { type: 'xstate.error.actor.answer', error: new Error('llm down') },
    ...['*', '9'].map((digit) => ({ type: 'media.dtmf', digit })),
    { type: 'xstate.done.actor.transcribe', output: { text: 'When do you open?', engine: 'test' } },
    { type: 'xstate.done.actor.transcribe', output: { text: '  ', engine: 'test' } },
    { type: 'xstate.error.actor.transcribe', error: new Error('stt down') },
    {
      type: 'xstate.done.actor.retrieve',
      output: {
        passages: [{ id: 'p1', text: 'Open 9-18.', score: 0.9 }],
        layer: 'local',
        similarity: 0.9,
        waitedForPrefetchMs: 0,
      },
    },
    { type: 'xstate.error.actor.retrieve', error: new Error('kb down') },
    {
      type: 'xstate.done.actor.upgradePrompt',
      output: { variant: 'full', chars: 3200, builtInMs: 1 },
    },
    { type: 'xstate.error.actor.upgradePrompt', error: new Error('prompt failed') },
    ...TRANSFER_STEPS.flatMap((id) => [
      { type: `xstate.done.actor.${id}` },
      { type: `xstate.error.actor.${id}`, error: new Error('transfer failed') },
    ]),
    { type: 'call.transfer', mode: 'blind', summary: 'Caller asks about an invoice.' },
    { type: 'call.transfer', mode: 'attended', summary: 'Caller asks about an invoice.' },
    { type: 'transfer.agent.hangup' },
    { type: 'media.hangup', reason: 'transferred' },
    { type: 'media.hangup', reason: 'caller' },
    ...delayedEvents().map((d) => ({ type: d.type })),
  ];
}

/** The parts of a snapshot the path keys read. */
export interface CallSnapshotLike {
  value: unknown;
  status: string;
  context: {
    pendingUtterance?: string;
    greeting: string;
    turns: number;
    silencePrompts: number;
    notUnderstood: number;
    endReason?: string;
  };
}

/**
 * Serializes a snapshot by its whole state and the context that decides transitions: replays
 * compare the live actor's snapshot with the path's after every step with it.
 */
export function serializeCallState(snapshot: CallSnapshotLike): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.status,
    snapshot.value,
    c.greeting,
    c.turns,
    c.silencePrompts,
    c.notUnderstood,
    c.endReason ?? '',
    c.pendingUtterance ? 'pending' : '',
  ]);
}

/** The value of one region of the `active` state (the final state's value once ended). */
function regionValue(snapshot: CallSnapshotLike, region: 'conversation' | 'prompt'): unknown {
  const value = snapshot.value as { active?: Record<string, unknown> } | string;
  return typeof value === 'object' && value.active ? value.active[region] : value;
}

/**
 * Path keys: what one traversal tells apart. Two snapshots with the same key are one state of
 * that traversal. Keying the traversal by the whole snapshot ({@link serializeCallState}) walks
 * the product of the regions (conversation x prompt x counters x greeting outcome): thousands of
 * paths. Each key below walks one concern, so every state of every region, and every guard's
 * outcomes, is still reached (and hung up in), without the cross product.
 */
export const PATH_KEYS = {
  /**
   * The conversation region with every counter a guard reads (turns, silence prompts, not
   * understood, a pending utterance) and the end reason. The greeting's outcome is kept only
   * while the greeting plays: no guard reads it later.
   */
  conversation: (s: CallSnapshotLike): string => {
    const c = s.context;
    const conversation = regionValue(s, 'conversation');
    const greeting =
      typeof conversation === 'object' && conversation !== null && 'greeting' in conversation;
    return JSON.stringify([
      s.status,
      conversation,
      greeting ? c.greeting : '',
      c.turns,
      c.silencePrompts,
      c.notUnderstood,
      c.endReason ?? '',
      c.pendingUtterance ? 'pending' : '',
    ]);
  },
  /** The greeting's outcomes (spoken, failed, skipped) in every conversation state. */
  greeting: (s: CallSnapshotLike): string => {
    const c = s.context;
    return JSON.stringify([
      s.status,
      regionValue(s, 'conversation'),
      c.greeting,
      c.endReason ?? '',
      c.pendingUtterance ? 'pending' : '',
    ]);
  },
  /** The prompt region (compact, upgrading, full, compact only). */
  prompt: (s: CallSnapshotLike): string =>
    JSON.stringify([s.status, regionValue(s, 'prompt'), s.context.endReason ?? '']),
} as const;

const ACTOR_EVENT = /^xstate\.(done|error)\.actor\.(.+)$/;

/**
 * The events possible in `snapshot`: done and error events only for children that run in it
 * (a real child cannot finish when it is not running).
 */
export function eventsFor(snapshot: { children: Record<string, unknown> }): AnyCallEvent[] {
  return pathEvents().filter((e) => {
    const m = ACTOR_EVENT.exec(e.type);
    return !m || snapshot.children[m[2] as string] !== undefined;
  });
}

type CallPath = StatePath<ReturnType<typeof callMachine.transition>, AnyCallEvent>;

/** Shortest paths to every state of the call machine that `key` tells apart. */
export function callPaths(
  direction: 'inbound' | 'outbound' = 'inbound',
  bargeInOnGreeting = false,
  key: (snapshot: CallSnapshotLike) => string = serializeCallState,
): CallPath[] {
  return getShortestPaths(callMachine, {
    input: { ...PATH_INPUT, direction, bargeInOnGreeting },
    events: (s) => eventsFor(s as never),
    serializeState: (s) => key(s as never),
  }) as CallPath[];
}

/** A path of one {@link PATH_KEYS} traversal, with the key that traversal told states apart by. */
export type RegionPath = CallPath & { key: (snapshot: CallSnapshotLike) => string };

/**
 * The paths of every {@link PATH_KEYS} traversal, one per distinct final snapshot: each state of
 * each region and each counter a guard reads, reached by a shortest path. A traversal keeps one
 * snapshot per key, so a path's snapshots are that traversal's representatives: a replay matches
 * them by `key`, and a snapshot's parts outside the key may differ.
 */
export function regionPaths(
  direction: 'inbound' | 'outbound' = 'inbound',
  bargeInOnGreeting = false,
): RegionPath[] {
  const byEnd = new Map<string, RegionPath>();
  for (const key of Object.values(PATH_KEYS)) {
    for (const path of callPaths(direction, bargeInOnGreeting, key)) {
      const end = serializeCallState(path.state as never);
      if (!byEnd.has(end)) byEnd.set(end, { ...path, key });
    }
  }
  return [...byEnd.values()];
}
