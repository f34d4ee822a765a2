/**
 * Types of the call machine: its input, context, the events it takes and its output. The events
 * themselves, and the progress the actors emit, are the call's vocabulary in
 * `src/calls/events.ts`, which actors import without importing the machine.
 *
 * The context is small and serializable (strings, numbers, plain arrays): sockets, streams,
 * audio and other per-call resources live outside the machine, in the call's session
 * (`src/calls/session.ts`), and each call's actors are created around its session, so they never
 * look a call up.
 *
 * Only events that decide a transition reach the machine ({@link CallEvent}). Progress (filler
 * started, prefetch ready, first answer audio, each sentence) is emitted by the actors with
 * XState's `emit` (`ProgressEvent`) and read by one subscriber, the call's timeline.
 *
 * @module
 */

import type { DigitAction } from '../answer/tool-config.js';
import type { TransferPlan } from '../answer/transfer-config.js';
import type { MediaFormat } from '../audio/format.js';
import type {
  CallActionEvent,
  EndpointingEvent,
  HistoryMessage,
  MediaEvent,
  TransferProgressEvent,
} from '../calls/events.js';
import type { Passage } from '../knowledge/types.js';

/** Who placed the call. Outbound: the bot always speaks first. */
export type CallDirection = 'inbound' | 'outbound';

/** Why a call ended. */
export type EndReason =
  | 'hangup'
  | 'max_turns'
  | 'max_silence'
  | 'max_duration'
  | 'not_understood'
  | 'end_call'
  | 'error'
  | 'transferred';

/** Limits that end a call politely, with a goodbye phrase. */
export interface CallLimits {
  /** Answered turns after which the bot says goodbye. */
  maxTurns: number;
  /** Silence in `listening` before the bot reacts, ms. */
  maxSilenceMs: number;
  /** "Are you still there?" prompts before the bot says goodbye. */
  maxSilencePrompts: number;
  /** Wall-clock length of the whole call, ms. */
  maxCallMs: number;
  /** Consecutive empty transcripts before the bot says goodbye. */
  maxNotUnderstood: number;
}

/** Defaults a production line would start from. */
export const DEFAULT_LIMITS: CallLimits = {
  maxTurns: 30,
  maxSilenceMs: 8_000,
  maxSilencePrompts: 2,
  maxCallMs: 15 * 60_000,
  maxNotUnderstood: 3,
};

/** Input of the call machine. */
export interface CallInput {
  callId: string;
  direction: CallDirection;
  /** ISO 639-1 language the call starts in. */
  language: string;
  format: MediaFormat;
  limits?: Partial<CallLimits>;
  /** Let caller speech interrupt the greeting (default false). */
  bargeInOnGreeting?: boolean;
  /** Most history messages kept for the LLM (default 8). */
  maxHistory?: number;
  /** What keypad digits do (business configuration); default none. */
  digitActions?: Record<string, DigitAction>;
  /**
   * The business's named transfer targets (what each offers, what the caller hears); none: a
   * transfer request gets an apology.
   */
  transfer?: TransferPlan;
}

/** A transfer the call was asked for. */
export interface TransferRequest {
  mode?: 'blind' | 'attended';
  /** A target's name; undefined: the default target. */
  target?: string;
  /** One sentence for the agent. Personal data: sanitized for the inspector. */
  summary: string;
}

/** A retrieved passage (the one passage shape, from the knowledge base's types). */
export type { Passage } from '../knowledge/types.js';

/**
 * How the greeting ended: `pending` until it has (while it plays, the state value says whether
 * it is audible yet: `greeting.pending` or `greeting.speaking`).
 */
export type GreetingStatus = 'pending' | 'spoken' | 'skipped' | 'failed';

/** Which system prompt a turn uses: the compact one until the full one has been built. */
export type PromptVariant = 'compact' | 'full';

/** The call machine's context. */
export interface CallContext {
  callId: string;
  direction: CallDirection;
  language: string;
  format: MediaFormat;
  limits: CallLimits;
  bargeInOnGreeting: boolean;
  maxHistory: number;
  /** How the greeting ended. */
  greeting: GreetingStatus;
  /** Answered turns. */
  turns: number;
  silencePrompts: number;
  notUnderstood: number;
  bargeIns: number;
  /** The current turn's transcript. Personal data: sanitized for the inspector. */
  utterance: string;
  /**
   * An utterance the caller finished while the greeting played (when the greeting may not be
   * interrupted): it is transcribed as soon as the greeting ends, so the question is not lost.
   */
  pendingUtterance: string;
  passages: Passage[];
  retrievalLayer: string;
  history: HistoryMessage[];
  /** Recent DTMF digits (bounded). */
  dtmf: string;
  /** What keypad digits do. */
  digitActions: Record<string, DigitAction>;
  /** Digits the caller is typing for a tool, until a `submit` digit ends the number. */
  keypad: string;
  /** The business's transfer targets; undefined: no transfer configured. */
  transfer?: TransferPlan;
  /** The transfer in progress (or the last one asked for). */
  transferRequest?: TransferRequest;
  /** Last actor failure, for logs and the call record. */
  lastError?: { actor: string; message: string };
  endReason?: EndReason;
}

/** Internal events the machine raises to itself. */
export type InternalEvent = { type: 'greeting.ended' };

/** Every event the call machine takes: only events that decide a transition. */
export type CallEvent =
  | MediaEvent
  | EndpointingEvent
  | InternalEvent
  | CallActionEvent
  | TransferProgressEvent;

/** What the machine outputs when the call ends. */
export interface CallOutput {
  callId: string;
  endReason: EndReason;
  turns: number;
  bargeIns: number;
  greeting: GreetingStatus;
}
