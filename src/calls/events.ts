/**
 * The vocabulary of one call, shared by the actors that produce it and the machine that consumes
 * it: the decisive events sent to the call machine, the progress the actors emit for the call's
 * timeline ({@link ProgressEvent}), and the message of the bounded conversation history.
 *
 * @module
 */

/** One message of the bounded conversation history. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * Events from the media connection (AudioSocket, RTP), the telephony layer and the call's
 * playback: `media.greeting.audible` when the greeting's first frame has been sent to the caller.
 */
export type MediaEvent =
  | { type: 'media.hangup'; reason?: string }
  | { type: 'media.dtmf'; digit: string }
  | { type: 'media.greeting.audible' };

/** Events from voice activity detection and endpointing. */
export type EndpointingEvent =
  | { type: 'media.speech.start' }
  | { type: 'media.speech.end'; utteranceId: string; durationMs: number };

/**
 * Progress of the filler actor, emitted (never sent to the machine: an event the machine does
 * not act on still costs a full macrostep).
 */
export type FillerEvent =
  | { type: 'filler.started' }
  | { type: 'filler.done' }
  | { type: 'filler.failed'; error: string };

/** Progress of the embedding prefetch actor, emitted. */
export type PrefetchEvent =
  | { type: 'prefetch.ready'; source: string }
  | { type: 'prefetch.failed'; error: string };

/**
 * Finer points of a turn's answer path: `answer_start` the answerer was called,
 * `answer_first_piece` it released a speakable piece, `tts_start` synthesis of a piece began,
 * `answer_ready` a piece's first audio was queued for playback, `answer_played` the whole answer
 * has played (marked by the runtime when the answer actor is done).
 */
export type AnswerMark =
  | 'answer_start'
  | 'answer_first_piece'
  | 'tts_start'
  | 'answer_ready'
  | 'answer_played';

/**
 * An answer's LLM requests, emitted: `llm.request` when an attempt starts on a model,
 * `llm.usage` when a request reported its token usage (at its end).
 */
export type LlmProgressEvent =
  | { type: 'llm.request'; provider: string; model: string; attempt: number }
  | {
      type: 'llm.usage';
      provider: string;
      model: string;
      inputTokens: number;
      outputTokens: number;
    };

/** Progress of the answer-streaming actor, emitted. */
export type AnswerProgressEvent =
  | { type: 'llm.sentence'; index: number; text: string }
  | { type: 'answer.audio.started' }
  | { type: 'answer.mark'; mark: AnswerMark }
  | LlmProgressEvent;

/**
 * A partial transcript of the utterance in progress (streaming speech-to-text), emitted by the
 * endpointing actor; `stable` when the engine says it will not change.
 */
export type SttProgressEvent = { type: 'stt.partial'; text: string; stable: boolean };

/**
 * Progress of a tool call inside the answer, emitted: `tool.started` (with the model's
 * arguments as JSON text: personal data, read only by tracing with the text switches on),
 * `tool.finished` with the whole call's time, the part spent waiting for the webhook, ms, and
 * the webhook's HTTP status when it answered.
 */
export type ToolProgressEvent =
  | { type: 'tool.started'; name: string; arguments?: string }
  | {
      type: 'tool.finished';
      name: string;
      status: string;
      ms: number;
      webhookMs: number;
      httpStatus?: number;
    };

/** Every progress event an actor emits for the call's timeline. */
export type ProgressEvent =
  | FillerEvent
  | PrefetchEvent
  | AnswerProgressEvent
  | SttProgressEvent
  | ToolProgressEvent;

/** Transcript events, forwarded to the prefetch actor. */
export type SttEvent = { type: 'stt.final'; text: string; language?: string };

/**
 * Decisive actions a built-in tool, a keypad digit or the offline answerer asks of the call:
 * `call.transfer` hands the caller to a person (the transfer states handle it), `call.end` says
 * goodbye and hangs up.
 */
export type CallActionEvent =
  | { type: 'call.transfer'; mode?: 'blind' | 'attended'; target?: string; summary: string }
  | { type: 'call.end'; reason: string };

/** Transfer the caller to a person (sent by the transfer_call tool or a keypad action). */
export type TransferEvent = Extract<CallActionEvent, { type: 'call.transfer' }>;

/** The agent's leg of an attended transfer hung up after it answered. */
export type TransferProgressEvent = { type: 'transfer.agent.hangup' };
