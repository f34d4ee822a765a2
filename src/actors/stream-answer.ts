/**
 * The answer actor: streams the answer to the caller's question sentence by sentence. The
 * answerer (LLM with routing and budgets, or the offline answerer) releases speakable pieces;
 * each piece gets a playback item at once, in order, and is synthesized through the TTS cache
 * into it, so the first clause plays while the rest is still being generated. It resolves with
 * the answer when the last piece has played, and rejects when the answer failed (one failure
 * path). Progress (each piece as its audio starts, the first answer audio, finer marks of the
 * answer path) is emitted for the call's timeline. Stopping it (barge-in, hang-up) aborts the
 * LLM stream, the synthesis, and the queued audio. The answer, or the part of it the caller
 * heard before it was stopped, goes to the call's turn log. It takes the turn's filler over
 * from the thinking state ({@link TurnFiller}): its first audio means no filler is needed.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { fromPromise } from 'xstate';
import type { AnswerEvent, Answerer } from '../answer/answerer.js';
import type { ToolRunner } from '../answer/tool-runner.js';
import type {
  AnswerProgressEvent,
  CallActionEvent,
  FillerEvent,
  ToolProgressEvent,
} from '../calls/events.js';
import type { CallSession } from '../calls/session.js';
import { errorKind, isAbortError } from '../errors.js';
import type { PlaybackEndReason, PlaybackItem } from '../media/playback-queue.js';
import { fillerTexts } from '../prompts/phrases.js';
import type { TtsService } from '../speech/tts-service.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { AnswerInput, AnswerOutput } from './contracts.js';
import type { PreemptiveAnswer } from './preemptive-answer.js';
import { synthesizeInto } from './synthesize-into.js';
import type { TurnFiller } from './turn-filler.js';

/**
 * Charges one `usage` event of an answer to the call's ledger: an answer request on its model,
 * the routing classifier's request (`purpose: 'routing'`) on its own `llm:routing:<model>` line.
 *
 * @example
 * ```ts
 * for await (const ev of answerer.answer(req)) if (ev.type === 'usage') chargeLlmUsage(ledger, ev);
 * ```
 */
export function chargeLlmUsage(
  ledger: Pick<CallSession['ledger'], 'record'>,
  ev: Extract<AnswerEvent, { type: 'usage' }>,
): number {
  return ledger.record('llm', {
    model: ev.model,
    inputTokens: ev.usage.inputTokens,
    outputTokens: ev.usage.outputTokens,
    ...(ev.purpose === 'routing' ? { purpose: 'routing' as const } : {}),
  });
}

/** Dependencies of {@link createStreamAnswerActor}. */
export interface StreamAnswerDeps {
  /** The call it answers in. */
  session: Pick<CallSession, 'playback' | 'ledger' | 'log' | 'turns' | 'prompts'>;
  answerer: Answerer;
  tts: TtsService;
  /** Name of the TTS engine used, for the cost ledger. */
  ttsEngine: string;
  /** The call's filler decision, taken over from the thinking state. */
  filler?: TurnFiller;
  /** The call's tools; a tool call runs inside the answer, under its signal. */
  tools?: ToolRunner;
  /** The call's preemptive answers: one started for this question is taken over. */
  preemptive?: PreemptiveAnswer;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Creates the `streamAnswer` actor logic of one call.
 *
 * @example
 * ```ts
 * const streamAnswer = createStreamAnswerActor({ session, answerer, tts, ttsEngine: 'espeak' });
 * ```
 */
export function createStreamAnswerActor(deps: StreamAnswerDeps) {
  const errors = deps.registry ? catalogCounter(deps.registry, 'voxstate_errors_total') : undefined;
  const { session } = deps;

  return fromPromise<
    AnswerOutput,
    AnswerInput,
    AnswerProgressEvent | FillerEvent | ToolProgressEvent
  >(async ({ input, signal, emit }) => {
    deps.filler?.claim(emit);
    const items: PlaybackItem[] = [];
    /** The text of each piece, beside its playback item. */
    const pieces: string[] = [];
    let model = deps.answerer.kind === 'offline' ? 'offline' : '';
    const onStopped = () => {
      // What the caller heard: the pieces whose audio had started when the answer stopped.
      const spoken = pieces.filter((_, i) => (items[i]?.framesPlayed ?? 0) > 0);
      session.turns.stopped(spoken.join(' '), model);
      for (const item of items) item.cancel();
    };
    signal.addEventListener('abort', onStopped, { once: true });

    /** The TTS service, or the preemptive answer's replay of its first sentence. */
    let tts: Pick<TtsService, 'synthesize'> = deps.tts;
    const speakPiece = async (item: PlaybackItem, text: string, urgent = false): Promise<void> => {
      emit({ type: 'answer.mark', mark: 'tts_start' });
      try {
        const { source } = await synthesizeInto(tts, item, text, {
          language: input.language,
          format: session.playback.format,
          signal,
          ...(urgent ? { urgent } : {}),
          onFirstAudio: () => {
            deps.filler?.answerReady();
            emit({ type: 'answer.mark', mark: 'answer_ready' });
          },
        });
        session.ledger.record('tts', {
          engine: deps.ttsEngine,
          characters: text.length,
          cached: source !== 'engine',
        });
      } catch (err) {
        item.end();
        if (signal.aborted || isAbortError(err)) return;
        errors?.inc({ kind: errorKind(err), component: 'tts' });
        deps.logger?.warn(
          { callId: input.callId, err: (err as Error).message },
          'tts failed; piece skipped',
        );
      }
    };

    /** Covers a slow tool: a filler phrase in line with the answer, not part of it. */
    const coverSlowTool = (): void => {
      const fillers = fillerTexts(input.language);
      const filler = fillers[items.length % Math.max(1, fillers.length)];
      if (!filler) return;
      const item = session.playback.open('filler', { label: 'tool filler' });
      items.push(item);
      pieces.push('');
      synth = synth.then(() => speakPiece(item, filler));
    };

    let synth = Promise.resolve();
    try {
      let text = '';
      let action: CallActionEvent | undefined;
      const ended: Promise<PlaybackEndReason>[] = [];
      emit({ type: 'answer.mark', mark: 'answer_start' });
      const preempted = await deps.preemptive?.take(input, signal);
      if (preempted) tts = preempted.tts;
      const events =
        preempted?.events ??
        deps.answerer.answer({
          query: input.query,
          passages: input.passages,
          history: input.history.map((m) => ({ role: m.role, content: m.content })),
          system: session.prompts.systemPrompt(),
          language: input.language,
          signal,
          ...(deps.tools ? { tools: deps.tools } : {}),
        });
      for await (const ev of events) {
        if (ev.type === 'model') {
          model = ev.model;
          emit({ type: 'llm.request', provider: ev.provider, model, attempt: ev.attempt });
        } else if (ev.type === 'tool') {
          if (ev.phase === 'start')
            emit({ type: 'tool.started', name: ev.name, arguments: ev.arguments });
          else if (ev.phase === 'slow') coverSlowTool();
          else {
            emit({
              type: 'tool.finished',
              name: ev.name,
              status: ev.status,
              ms: ev.ms,
              webhookMs: ev.webhookMs,
              ...(ev.httpStatus !== undefined ? { httpStatus: ev.httpStatus } : {}),
            });
            session.log.add('tool', { name: ev.name, status: ev.status, ms: Math.round(ev.ms) });
          }
        } else if (ev.type === 'action') action = ev.action;
        else if (ev.type === 'usage') {
          if (ev.purpose !== 'routing') {
            emit({
              type: 'llm.usage',
              provider: ev.provider,
              model: ev.model,
              inputTokens: ev.usage.inputTokens,
              outputTokens: ev.usage.outputTokens,
            });
          }
          chargeLlmUsage(session.ledger, ev);
        } else if (ev.type === 'retry') {
          session.log.add('fallback', { from: ev.model, error: ev.error });
        } else if (ev.type === 'done') {
          text = ev.text;
          if (ev.outcome !== 'answered') session.log.add('fallback', { outcome: ev.outcome });
        } else if (ev.type === 'text') {
          emit({ type: 'answer.mark', mark: 'answer_first_piece' });
          const piece = ev.text;
          const index = items.length;
          if (index === 0) deps.filler?.answerComing();
          let onEnd: (reason: PlaybackEndReason) => void = () => {};
          ended.push(new Promise((resolve) => (onEnd = resolve)));
          const item = session.playback.open('answer', {
            label: `answer ${index}`,
            onStart: () => {
              if (index === 0) emit({ type: 'answer.audio.started' });
              emit({ type: 'llm.sentence', index, text: piece });
            },
            onEnd,
          });
          items.push(item);
          pieces.push(piece);
          // The first piece is what the caller waits for: ahead of other calls' later pieces.
          synth = synth.then(() => speakPiece(item, piece, index === 0));
        }
      }
      await synth;
      await Promise.all(ended);
      signal.throwIfAborted();
      signal.removeEventListener('abort', onStopped);
      session.turns.answered({ text, model, pieces: items.length });
      return action ? { text, model, action } : { text, model };
    } catch (err) {
      if (!signal.aborted && !isAbortError(err)) {
        signal.removeEventListener('abort', onStopped);
        for (const item of items) item.cancel();
        errors?.inc({ kind: errorKind(err), component: 'answer' });
        session.log.add('error', { component: 'answer', kind: errorKind(err) });
        session.turns.failed();
        deps.logger?.warn({ callId: input.callId, err: (err as Error).message }, 'answer failed');
      }
      throw err;
    } finally {
      deps.filler?.end();
    }
  });
}
