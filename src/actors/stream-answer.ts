/**
 * The answer actor: streams the answer to the caller's question sentence by sentence. The
 * answerer (LLM with routing and budgets, or the offline answerer) releases speakable pieces;
 * each piece gets a playback item at once, in order, and is synthesized through the TTS cache
 * into it, so the first clause plays while the rest is still being generated. The actor sends
 * `answer.done` when the last piece has played. Stopping it (barge-in, hang-up) aborts the LLM
 * stream, the synthesis, and the queued audio. The answer, or the part of it the caller heard
 * before it was stopped, goes to the call's turn log.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { type EventObject, fromCallback } from 'xstate';
import type { Answerer } from '../answer/answerer.js';
import { errorKind, isAbortError, VoxstateError } from '../errors.js';
import type { AnswerEvent } from '../machines/call.types.js';
import type { PlaybackEndReason, PlaybackItem } from '../media/playback-queue.js';
import type { CallSession, CallSessions } from '../runtime/call-session.js';
import type { TtsService } from '../speech/tts-service.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { AnswerInput } from './contracts.js';

/** Dependencies of {@link createStreamAnswerActor}. */
export interface StreamAnswerDeps {
  sessions: CallSessions;
  /** The answerer for a call (routing flags may differ per call). */
  answererFor: (callId: string) => Answerer;
  tts: TtsService;
  /** Name of the TTS engine used, for the cost ledger. */
  ttsEngine: string;
  /** The system prompt a call's turn uses now: the full one once it has been built. */
  systemPrompt: (callId: string) => string;
  registry?: Registry;
  logger?: Logger;
}

/** Synthesizes `text` into `item`, recording its cost; a TTS failure skips the piece. */
async function speakInto(
  deps: StreamAnswerDeps,
  session: CallSession,
  item: PlaybackItem,
  text: string,
  language: string,
  signal: AbortSignal,
): Promise<void> {
  let cached = true;
  session.timeline.markDetail('tts_start');
  try {
    for await (const chunk of deps.tts.synthesize(text, {
      language,
      format: session.playback.format,
      signal,
      onSource: (source) => {
        cached = source !== 'engine';
      },
    })) {
      if (chunk.byteLength > 0) session.timeline.markDetail('answer_ready');
      item.append(chunk);
    }
    session.ledger.record('tts', { engine: deps.ttsEngine, characters: text.length, cached });
  } finally {
    item.end();
  }
}

/**
 * Creates the `streamAnswer` actor logic.
 *
 * @example
 * ```ts
 * const streamAnswer = createStreamAnswerActor({
 *   sessions, answererFor: () => answerer, tts, ttsEngine: 'espeak',
 *   systemPrompt: (id, v) => callRegistry.systemPrompt(id, v),
 * });
 * ```
 */
export function createStreamAnswerActor(deps: StreamAnswerDeps) {
  const errors = deps.registry ? catalogCounter(deps.registry, 'voxstate_errors_total') : undefined;

  return fromCallback<EventObject, AnswerInput, AnswerEvent>(({ input, sendBack }) => {
    const controller = new AbortController();
    const { signal } = controller;
    const items: PlaybackItem[] = [];
    /** The text of each piece, beside its playback item. */
    const pieces: string[] = [];
    const session = deps.sessions.get(input.callId);
    let model = '';
    let settled = false;

    const run = async (s: CallSession): Promise<void> => {
      const answerer = deps.answererFor(input.callId);
      if (answerer.kind === 'offline') model = 'offline';
      let text = '';
      let synth = Promise.resolve();
      const ended: Promise<PlaybackEndReason>[] = [];
      s.timeline.markDetail('answer_start');
      for await (const ev of answerer.answer({
        query: input.query,
        passages: input.passages,
        history: input.history.map((m) => ({ role: m.role, content: m.content })),
        system: deps.systemPrompt(input.callId),
        language: input.language,
        signal,
      })) {
        if (ev.type === 'model') model = ev.model;
        else if (ev.type === 'usage') {
          s.ledger.record('llm', {
            model: ev.model,
            inputTokens: ev.usage.inputTokens,
            outputTokens: ev.usage.outputTokens,
          });
        } else if (ev.type === 'retry') {
          s.log.add('fallback', { from: ev.model, error: ev.error });
        } else if (ev.type === 'done') {
          text = ev.text;
          if (ev.outcome !== 'answered') s.log.add('fallback', { outcome: ev.outcome });
        } else if (ev.type === 'text') {
          s.timeline.markDetail('answer_first_piece');
          const piece = ev.text;
          let onEnd: (reason: PlaybackEndReason) => void = () => {};
          ended.push(new Promise((resolve) => (onEnd = resolve)));
          const item = s.playback.open('answer', {
            label: `answer ${items.length}`,
            onStart: () => s.timeline.said(piece),
            onEnd,
          });
          items.push(item);
          pieces.push(piece);
          synth = synth.then(() =>
            speakInto(deps, s, item, piece, input.language, signal).catch((err: unknown) => {
              if (signal.aborted || isAbortError(err)) return;
              errors?.inc({ kind: errorKind(err), component: 'tts' });
              deps.logger?.warn(
                { callId: input.callId, err: (err as Error).message },
                'tts failed; piece skipped',
              );
            }),
          );
        }
      }
      await synth;
      await Promise.all(ended);
      if (signal.aborted) return;
      settled = true;
      s.turns.answered({ text, model, pieces: items.length });
      sendBack({ type: 'answer.done', text, model });
    };

    if (!session) {
      queueMicrotask(() =>
        sendBack({ type: 'answer.failed', error: 'no session for the call', retryable: false }),
      );
    } else {
      run(session).catch((err: unknown) => {
        if (signal.aborted || isAbortError(err)) return;
        settled = true;
        errors?.inc({ kind: errorKind(err), component: 'answer' });
        session.log.add('error', { component: 'answer', kind: errorKind(err) });
        session.turns.failed();
        deps.logger?.warn({ callId: input.callId, err: (err as Error).message }, 'answer failed');
        sendBack({
          type: 'answer.failed',
          error: (err as Error).message,
          retryable: err instanceof VoxstateError && err.retryable,
        });
      });
    }
    return () => {
      if (session && !settled) {
        // What the caller heard: the pieces whose audio had started when the answer stopped.
        const spoken = pieces.filter((_, i) => (items[i]?.framesPlayed ?? 0) > 0);
        session.turns.stopped(spoken.join(' '), model);
      }
      controller.abort();
      for (const item of items) item.cancel();
    };
  });
}
