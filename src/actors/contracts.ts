/**
 * Contracts of the call machine's child actors: their input, output, the events they send to
 * the machine and the progress they emit. Real implementations (src/actors/*) and test actors
 * (test/fakes/) both satisfy these types; the machine registers them by name in `setup()` and
 * the runtime (or a test) swaps them in with `machine.provide({ actors })`, once per call.
 *
 * The real actors are created around one call's session (`createCallActors(session, shared)`),
 * so they reach the call's resources (media connection, playback queue, utterance audio)
 * directly; the `callId` in their input only labels logs.
 *
 * @module
 */
import type {
  CallbackActorLogic,
  EventObject,
  NonReducibleUnknown,
  PromiseActorLogic,
} from 'xstate';
import type { MediaFormat } from '../audio/format.js';
import type {
  AnswerProgressEvent,
  CallActionEvent,
  EndpointingEvent,
  FillerEvent,
  HistoryMessage,
  MediaEvent,
  PrefetchEvent,
  SttEvent,
  SttProgressEvent,
  ToolProgressEvent,
  TransferProgressEvent,
} from '../calls/events.js';
import type { Passage } from '../knowledge/types.js';
import type { PhraseKey } from '../prompts/phrases.js';

/** Input every per-call actor gets. */
export interface CallActorInput {
  callId: string;
}

/**
 * Media in/out: forwards hang-up and DTMF of the call's connection, and when the greeting's
 * first frame has been sent.
 */
export interface MediaInput extends CallActorInput {
  format: MediaFormat;
}

/** Voice activity and endpointing: turns caller audio into speech start/end events. */
export interface EndpointingInput extends CallActorInput {
  /** Language, for endpointing defaults that differ by language. */
  language: string;
}

/**
 * Preemptive answers while the caller speaks: the turn's history and language, which an answer
 * started before the end of the turn is given.
 */
export interface PreemptInput extends CallActorInput {
  history: HistoryMessage[];
  language: string;
}

/** Speech synthesis and playback of one phrase or text. */
export interface SpeakInput extends CallActorInput {
  phrase: PhraseKey | { text: string };
  language: string;
  format: MediaFormat;
  /** True when caller speech may stop it (the machine decides; default true). */
  interruptible?: boolean;
}

/** Filler playback while the bot thinks. */
export interface FillerInput extends CallActorInput {
  language: string;
  format: MediaFormat;
}

/** Embedding prefetch: receives the final transcript (`stt.final`). */
export interface PrefetchInput extends CallActorInput {
  language?: string;
}

/** Transcription of one utterance (audio held by the call session). */
export interface TranscribeInput extends CallActorInput {
  utteranceId: string;
  language?: string;
}

/** A final transcript. Empty `text` means nothing intelligible was said. */
export interface TranscribeOutput {
  text: string;
  language?: string;
  engine: string;
}

/** Retrieval from the knowledge base. */
export interface RetrieveInput extends CallActorInput {
  query: string;
  language?: string;
}

/** Retrieved passages and which layer served them. */
export interface RetrieveOutput {
  passages: Passage[];
  layer: string;
  similarity: number;
  waitedForPrefetchMs: number;
}

/** Streaming an answer: LLM sentence by sentence into TTS and out to the caller. */
export interface AnswerInput extends CallActorInput {
  query: string;
  passages: Passage[];
  history: HistoryMessage[];
  language: string;
  format: MediaFormat;
}

/** A finished answer. */
export interface AnswerOutput {
  text: string;
  /** The model that answered (`offline` for the offline answerer). */
  model: string;
  /** What a built-in tool asked the call to do once the answer has played. */
  action?: CallActionEvent;
}

/** The compact-to-full prompt upgrade. */
export interface UpgradePromptOutput {
  variant: 'full';
  chars: number;
  builtInMs: number;
}

type Callback<
  TInput,
  TEmitted extends EventObject,
  TReceived extends EventObject = EventObject,
> = CallbackActorLogic<TReceived, TInput, TEmitted>;

/** The actor logic the call machine needs, by the names it registers them under. */
export interface CallActors {
  media: Callback<MediaInput, MediaEvent>;
  /** Sends speech start and end; emits partial transcripts for the call's timeline. */
  endpointing: Callback<EndpointingInput, EndpointingEvent | MediaEvent | SttProgressEvent>;
  /** Tells the call's preemptive answers the turn's context; sends and emits nothing. */
  preemptAnswer: Callback<PreemptInput, EventObject>;
  /** Resolves when the phrase has played (or a barge-in or hang-up stopped it). */
  speak: PromiseActorLogic<void, SpeakInput>;
  /** Emits progress for the call's timeline; sends nothing to the machine. */
  playFiller: Callback<FillerInput, FillerEvent>;
  /** Emits progress for the call's timeline; sends nothing to the machine. */
  prefetchEmbedding: Callback<PrefetchInput, PrefetchEvent, SttEvent>;
  transcribe: PromiseActorLogic<TranscribeOutput, TranscribeInput>;
  retrieve: PromiseActorLogic<RetrieveOutput, RetrieveInput>;
  /** Resolves when the answer has played; emits progress for the call's timeline. */
  streamAnswer: PromiseActorLogic<
    AnswerOutput,
    AnswerInput,
    AnswerProgressEvent | FillerEvent | ToolProgressEvent
  >;
  upgradePrompt: PromiseActorLogic<UpgradePromptOutput, CallActorInput>;
  /** Blind transfer: hands the caller off (dialplan or redirect); resolves once handed off. */
  transferBlind: PromiseActorLogic<void, TransferInput>;
  /** Attended transfer: dials the agent's leg; resolves when it answers, rejects when not. */
  dialAgent: PromiseActorLogic<void, TransferInput>;
  /** Attended transfer: the caller steps out of the bot's bridge and the agent steps in. */
  connectAgent: PromiseActorLogic<void, CallActorInput>;
  /** Attended transfer: tells the machine when the answered agent hangs up. */
  watchAgent: Callback<CallActorInput, TransferProgressEvent>;
  /** Attended transfer: caller back in with the agent, then the bot leaves. */
  bridgeTransfer: PromiseActorLogic<void, CallActorInput>;
  /** Back to the caller after a failed transfer: the agent's leg goes, the caller rejoins. */
  resumeCaller: PromiseActorLogic<void, CallActorInput>;
  /** Attended transfer: music on hold for the caller while it runs (stopped when stopped). */
  holdCaller: Callback<HoldInput, EventObject>;
}

/** The caller's hold audio: `music` names Asterisk's music-on-hold class; none: no music. */
export interface HoldInput extends CallActorInput {
  music?: string;
}

/** A transfer step: `target` names where to, when the request named one. */
export interface TransferInput extends CallActorInput {
  target?: string;
}

/** Unused-input marker for actors that take none. */
export type NoInput = NonReducibleUnknown;
