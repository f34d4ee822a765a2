/**
 * OpenTelemetry traces of calls, built from each call's timeline (one watcher per call): one
 * trace per call (`voxstate.call`), a span per turn, and under each turn the spans the timeline
 * can place: end-of-turn detection, speech-to-text, retrieval, the model call (GenAI semantic
 * conventions: `chat <model>` with `gen_ai.*` attributes, first token as an event), TTS first
 * byte, playback and tool calls (`action-spans.ts`), and a span per transfer under the call.
 * Other progress becomes an event on the turn, by name only. The caller's and the bot's words go into spans only when `includeText` is set (the
 * transcript switch).
 *
 * @module
 */
import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_SYSTEM,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import type { CallTimeline, TimelineNote, TurnTiming } from '../calls/timeline.js';
import {
  abortToolSpan,
  endToolSpan,
  endTransferSpan,
  type OpenTool,
  startToolSpan,
  startTransferSpan,
} from './action-spans.js';

/** What a call's root span says about it (no phone numbers). */
export interface TracedCall {
  id: string;
  direction: string;
  language: string;
}

/** Options for {@link CallTracer}. */
export interface CallTracerOptions {
  tracer: Tracer;
  /** Put transcripts and the bot's words into spans (default false). */
  includeText?: boolean;
  /** Epoch ms of a timeline time (default `performance.timeOrigin + ms`). */
  epochMs?: (timelineMs: number) => number;
}

/** Starts a span under `parent` (default: the call's span) at a timeline time. */
type Child = (name: string, startMs: number, parent?: Context, kind?: SpanKind) => Span;

/** The open spans of one turn. */
interface OpenTurn {
  timing: TurnTiming;
  span: Span;
  stt?: { span: Span; endMs: number };
  llm?: Span;
  /** The open model span has been given its model (a second request is a retry). */
  llmRequested?: boolean;
  tts?: Span;
  playback?: Span;
  /** Tool calls started and not finished, in order. */
  tools: OpenTool[];
  said: number;
}

/** Span names, one place. */
export const SPAN = {
  call: 'voxstate.call',
  greeting: 'voxstate.greeting',
  turn: 'voxstate.turn',
  endOfTurn: 'voxstate.end_of_turn',
  stt: 'voxstate.stt',
  retrieval: 'voxstate.retrieval',
  tts: 'voxstate.tts.first_byte',
  playback: 'voxstate.playback',
} as const;

/**
 * Turns call timelines into OpenTelemetry spans.
 *
 * @example
 * ```ts
 * const tracer = new CallTracer({ tracer: provider.getTracer('voxstate') });
 * tracer.follow(session.timeline, { id: session.id, direction: 'inbound', language: 'en' });
 * ```
 */
export class CallTracer {
  readonly #tracer: Tracer;
  readonly #includeText: boolean;
  readonly #epoch: (ms: number) => number;

  constructor(options: CallTracerOptions) {
    this.#tracer = options.tracer;
    this.#includeText = options.includeText ?? false;
    this.#epoch = options.epochMs ?? ((ms) => performance.timeOrigin + ms);
  }

  /**
   * Watches one call's timeline: the call's span starts when the call was answered (or now) and
   * ends when the timeline hears that the call ended.
   */
  follow(timeline: CallTimeline, call: TracedCall): void {
    const t = (ms: number) => this.#epoch(ms);
    const root = this.#tracer.startSpan(SPAN.call, {
      kind: SpanKind.SERVER,
      startTime: t(timeline.answeredAtMs ?? timeline.now()),
      attributes: {
        'voxstate.call.id': call.id,
        'voxstate.call.direction': call.direction,
        'voxstate.call.language': call.language,
      },
    });
    const rootContext = trace.setSpan(context.active(), root);
    const child: Child = (name, startMs, parent = rootContext, kind = SpanKind.INTERNAL) =>
      this.#tracer.startSpan(name, { startTime: t(startMs), kind }, parent);
    let answeredAtMs = timeline.answeredAtMs;
    let open: OpenTurn | undefined;
    let transfer: Span | undefined;

    const endStt = (turn: OpenTurn, text?: string) => {
      if (!turn.stt) return;
      if (this.#includeText && text !== undefined)
        turn.stt.span.setAttribute('voxstate.transcript', text);
      turn.stt.span.end(t(turn.stt.endMs));
      turn.stt = undefined;
    };

    const closeTurn = (atMs: number) => {
      if (!open) return;
      endStt(open);
      const { timing, span } = open;
      open.llm?.end(t(atMs));
      open.tts?.end(t(atMs));
      open.playback?.end(t(atMs));
      for (const tool of open.tools) abortToolSpan(tool.span, t(atMs));
      for (const stage of ['filler', 'transcript', 'retrieval', 'first_answer_audio'] as const) {
        const ms = timing[stage];
        if (ms !== undefined) span.setAttribute(`voxstate.turn.${stage}_ms`, ms);
      }
      span.setAttribute('voxstate.turn.barge_in', timing.bargeIn === true);
      if (this.#includeText && timing.botText)
        span.setAttribute('voxstate.bot_text', timing.botText);
      span.end(t(atMs));
      open = undefined;
    };

    const onNote = (note: TimelineNote): void => {
      switch (note.type) {
        case 'answered':
          answeredAtMs = note.atMs;
          return;
        case 'greeting':
          child(SPAN.greeting, answeredAtMs ?? note.atMs).end(t(note.atMs));
          return;
        case 'turn': {
          closeTurn(note.atMs);
          const silence = note.turn.endpointing;
          const startMs = note.atMs - (silence ?? 0);
          const span = child(`${SPAN.turn} ${note.turn.turn}`, startMs);
          span.setAttribute('voxstate.turn.number', note.turn.turn);
          open = { timing: note.turn, span, tools: [], said: 0 };
          if (silence !== undefined) {
            const eot = child(SPAN.endOfTurn, startMs, trace.setSpan(rootContext, span));
            eot.setAttribute('voxstate.end_of_turn.silence_ms', silence);
            eot.end(t(note.atMs));
          }
          return;
        }
        case 'stage':
          if (open?.timing === note.turn) this.#stage(open, note, child, rootContext);
          return;
        case 'mark':
          if (open?.timing === note.turn) this.#mark(open, note, child, rootContext);
          return;
        case 'heard':
          if (open?.timing === note.turn) endStt(open, note.text);
          return;
        case 'said':
          if (open?.timing === note.turn) open.said++;
          return;
        case 'barge-in':
          if (open?.timing === note.turn) open.span.addEvent('barge_in', t(note.atMs));
          return;
        case 'progress':
          this.#progress(open, note, child, rootContext);
          return;
        case 'transfer':
          if (note.transfer.outcome === undefined) {
            transfer = startTransferSpan((name, ms) => child(name, ms), note.transfer);
          } else if (transfer) {
            endTransferSpan(transfer, note.transfer, t(note.atMs));
            transfer = undefined;
          }
          return;
        case 'ended':
          closeTurn(note.atMs);
          root.setAttribute('voxstate.call.end_reason', note.reason);
          if (note.reason === 'error') root.setStatus({ code: SpanStatusCode.ERROR });
          root.end(t(note.atMs));
          return;
      }
    };
    timeline.watch(onNote);
  }

  #stage(
    open: OpenTurn,
    note: Extract<TimelineNote, { type: 'stage' }>,
    child: Child,
    rootContext: Context,
  ): void {
    const t = this.#epoch;
    const { timing } = open;
    const parent = trace.setSpan(rootContext, open.span);
    switch (note.stage) {
      case 'transcript':
        // Ended when the words arrive (the transcribe actor marks, then tells what it heard).
        open.stt = { span: child(SPAN.stt, timing.speechEndAtMs, parent), endMs: note.atMs };
        return;
      case 'retrieval': {
        const from =
          timing.transcript !== undefined
            ? timing.speechEndAtMs + timing.transcript
            : timing.speechEndAtMs;
        child(SPAN.retrieval, Math.min(from, note.atMs), parent).end(t(note.atMs));
        return;
      }
      case 'filler':
        open.span.addEvent('filler.first_audio', t(note.atMs));
        return;
      case 'first_answer_audio':
        open.playback ??= child(SPAN.playback, note.atMs, parent);
        return;
    }
  }

  #mark(
    open: OpenTurn,
    note: Extract<TimelineNote, { type: 'mark' }>,
    child: Child,
    rootContext: Context,
  ): void {
    const t = this.#epoch;
    const parent = trace.setSpan(rootContext, open.span);
    switch (note.mark) {
      case 'answer_start':
        open.llm ??= this.#llmSpan(child(SPAN.turn, note.atMs, parent, SpanKind.CLIENT));
        return;
      case 'answer_first_piece':
        open.llm?.addEvent('gen_ai.first_token', t(note.atMs));
        open.llm?.setAttribute(
          'voxstate.llm.first_token_ms',
          note.atMs - open.timing.speechEndAtMs - (open.timing.marks?.answer_start ?? 0),
        );
        return;
      case 'tts_start':
        open.tts ??= child(SPAN.tts, note.atMs, parent);
        return;
      case 'answer_ready':
        open.tts?.end(t(note.atMs));
        open.tts = undefined;
        return;
      case 'answer_played':
        open.playback?.end(t(note.atMs));
        open.playback = undefined;
        return;
    }
  }

  #llmSpan(span: Span): Span {
    span.updateName('chat');
    span.setAttribute(ATTR_GEN_AI_OPERATION_NAME, 'chat');
    return span;
  }

  #progress(
    open: OpenTurn | undefined,
    note: Extract<TimelineNote, { type: 'progress' }>,
    child: Child,
    rootContext: Context,
  ): void {
    const t = this.#epoch;
    const { event } = note;
    if (event.type === 'llm.request') {
      if (!open) return;
      if (open.llm && open.llmRequested) {
        open.llm.setStatus({ code: SpanStatusCode.ERROR, message: 'retried on another model' });
        open.llm.end(t(note.atMs));
        open.llm = undefined;
      }
      open.llmRequested = true;
      open.llm ??= this.#llmSpan(
        child(SPAN.turn, note.atMs, trace.setSpan(rootContext, open.span), SpanKind.CLIENT),
      );
      open.llm.updateName(`chat ${event.model}`);
      open.llm.setAttributes({
        [ATTR_GEN_AI_SYSTEM]: event.provider,
        [ATTR_GEN_AI_PROVIDER_NAME]: event.provider,
        [ATTR_GEN_AI_REQUEST_MODEL]: event.model,
        'voxstate.llm.attempt': event.attempt,
      });
    } else if (event.type === 'llm.usage') {
      const llm = open?.llm;
      if (!llm) return;
      llm.setAttributes({
        [ATTR_GEN_AI_RESPONSE_MODEL]: event.model,
        [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: event.inputTokens,
        [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: event.outputTokens,
      });
      llm.end(t(note.atMs));
      if (open) {
        open.llm = undefined;
        open.llmRequested = false;
      }
    } else if (event.type === 'tool.started') {
      if (!open) return;
      const parent = trace.setSpan(rootContext, open.span);
      open.tools.push(
        startToolSpan((name, ms) => child(name, ms, parent), event, note.atMs, this.#includeText),
      );
    } else if (event.type === 'tool.finished') {
      const i = open?.tools.findIndex((tool) => tool.name === event.name) ?? -1;
      const tool = i >= 0 ? open?.tools.splice(i, 1)[0] : undefined;
      if (tool) endToolSpan(tool.span, event, t(note.atMs));
    } else if (event.type === 'filler.failed' || event.type === 'prefetch.failed') {
      open?.span.addEvent(event.type, t(note.atMs));
    } else if (
      event.type !== 'llm.sentence' &&
      event.type !== 'answer.mark' &&
      event.type !== 'answer.audio.started' &&
      event.type !== 'filler.started'
    ) {
      (open?.span ?? trace.getSpan(rootContext))?.addEvent(event.type, t(note.atMs));
    }
  }
}
