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

/** Serializes a snapshot by its state and the context that decides transitions. */
export function serializeCallState(snapshot: {
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
}): string {
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

/** Shortest paths to every distinct reachable state of the call machine. */
export function callPaths(
  direction: 'inbound' | 'outbound' = 'inbound',
  bargeInOnGreeting = false,
) {
  return getShortestPaths(callMachine, {
    input: { ...PATH_INPUT, direction, bargeInOnGreeting },
    events: (s) => eventsFor(s as never),
    serializeState: (s) => serializeCallState(s as never),
  }) as Array<StatePath<ReturnType<typeof callMachine.transition>, AnyCallEvent>>;
}
