/**
 * Preemptive answers of one call: the answer started on a partial transcript before the end of
 * the caller's turn is confirmed (as LiveKit's preemptive generation does). When the partial is
 * stable (marked stable by the engine, or unchanged for `stableMs` on the call's clock) and the
 * turn rules read it as finished, it retrieves passages, starts the model and synthesizes the
 * first sentence, and records all of it; nothing is queued for playback. The answer actor then
 * {@link PreemptiveAnswer.take}s it: when the final transcript, the passages, the history and the
 * language match, the recorded answer is replayed and followed live (a hit: the first audio is
 * ready at once); otherwise it is cancelled (the model's HTTP stream is aborted) and its tokens
 * go into the call's cost ledger marked wasted. A partial with other words cancels it at once
 * (the caller went on). Counted in `voxstate_preemptive_answers_total{outcome}`.
 *
 * The listening state's `preemptAnswer` child tells it the turn's context ({@link listen}) and
 * when the turn is over ({@link leave}): no preemption starts outside listening.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { AnswerEvent, Answerer } from '../answer/answerer.js';
import type { ToolRunner } from '../answer/tool-runner.js';
import type { MediaFormat } from '../audio/format.js';
import type { HistoryMessage } from '../calls/events.js';
import type { LlmUsage } from '../cost/ledger.js';
import { normalizeQuery } from '../knowledge/normalize.js';
import type { Passage } from '../knowledge/types.js';
import type { PacerClock } from '../media/pacer.js';
import type { TtsService } from '../speech/tts-service.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import { detectLanguage, type Language } from '../text/language.js';
import { classifyTurn } from '../text/turn-rules/index.js';
import { type FirstPiece, gatedTools, replayingTts, wastedUsage } from './preemption-parts.js';
import { ReplayStream } from './replay-stream.js';

/** Dependencies of {@link PreemptiveAnswer}. */
export interface PreemptiveAnswerDeps {
  answerer: Answerer;
  tts: Pick<TtsService, 'synthesize'>;
  /** The passages for a query (the call's speculative retrieval, or the retriever). */
  passages: (query: string, signal: AbortSignal) => Promise<Passage[]>;
  /** The system prompt in force. */
  system: () => string;
  /** The call's tools: offered to the model, but a call runs only once the answer is taken. */
  tools?: ToolRunner;
  /** The call's clock (the playback queue's). */
  clock: PacerClock;
  format: MediaFormat;
  /** Where wasted tokens are recorded (the call's cost ledger). */
  ledger: { record(kind: 'llm', usage: LlmUsage): number };
  /** How long a partial must stay unchanged to be answered, ms (default 200). */
  stableMs?: number;
  registry?: Registry;
  logger?: Logger;
}

/** The turn a preemption answers in: what the answer actor will be given. */
export interface PreemptionContext {
  history: readonly HistoryMessage[];
  language: string;
}

/** What the answer actor compares with the preemption. */
export interface PreemptionRequest extends PreemptionContext {
  query: string;
  passages: readonly Passage[];
}

/** A preemption taken over by the answer. */
export interface TakenAnswer {
  /** The answer's events: those recorded so far, then live. */
  events: AsyncIterable<AnswerEvent>;
  /** Synthesis that replays the first sentence's audio when asked for that text. */
  tts: Pick<TtsService, 'synthesize'>;
}

interface Preemption {
  key: string;
  context: PreemptionContext;
  controller: AbortController;
  passages: Promise<Passage[] | undefined>;
  events: ReplayStream<AnswerEvent>;
  first: FirstPiece | undefined;
  promptChars: number;
  /** Lets the preemption's tool calls run (the answer took it over). */
  release: () => void;
}

const samePassages = (a: readonly Passage[], b: readonly Passage[]): boolean =>
  a.length === b.length && a.every((p, i) => p.id === b[i]?.id);

const sameHistory = (a: readonly HistoryMessage[], b: readonly HistoryMessage[]): boolean =>
  a.length === b.length && a.every((m, i) => m.role === b[i]?.role && m.content === b[i]?.content);

/**
 * One call's preemptive answers.
 *
 * @example
 * ```ts
 * const preemptive = new PreemptiveAnswer({ answerer, tts, passages, system, clock, format, ledger });
 * // listening: preemptive.listen({ history, language }) ... preemptive.leave()
 * // endpointing: onPartial: (p) => preemptive.partial(p.text, p.stable)
 * // answer: const taken = await preemptive.take({ query, passages, history, language }, signal);
 * ```
 */
export class PreemptiveAnswer {
  readonly #deps: PreemptiveAnswerDeps;
  readonly #outcomes;
  #context: PreemptionContext | undefined;
  #current: Preemption | undefined;
  #timer: unknown;
  #timerKey: string | undefined;
  /** Preemptions the answer took over. */
  hits = 0;
  /** Preemptions cancelled (the caller went on, or the final transcript differed). */
  misses = 0;
  /** Tokens of cancelled preemptions (input and output). */
  wastedTokens = 0;

  constructor(deps: PreemptiveAnswerDeps) {
    this.#deps = deps;
    this.#outcomes = deps.registry
      ? catalogCounter(deps.registry, 'voxstate_preemptive_answers_total')
      : undefined;
  }

  /** The caller's turn starts (listening): what an answer now would be given. */
  listen(context: PreemptionContext): void {
    this.#cancel();
    this.#context = context;
  }

  /** The turn is over (listening left): no preemption starts until the next one. */
  leave(): void {
    this.#clearTimer();
    this.#context = undefined;
  }

  /** A partial transcript of the utterance in progress. */
  partial(text: string, stable: boolean): void {
    const context = this.#context;
    if (!context) return;
    const key = normalizeQuery(text);
    if (!key || key === this.#current?.key) return;
    // New words: whatever was started answers something the caller did not finish saying.
    this.#cancel();
    if (key === this.#timerKey && !stable) return;
    this.#clearTimer();
    const language = detectLanguage(text, context.language as Language);
    if (classifyTurn(text, language) !== 'finished') return;
    if (stable) {
      this.#start(text, key, context);
      return;
    }
    this.#timerKey = key;
    this.#timer = this.#deps.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerKey = undefined;
      if (this.#context === context) this.#start(text, key, context);
    }, this.#deps.stableMs ?? 200);
  }

  /**
   * The answer to give now: the preemption when it answered the same question in the same
   * turn (it is the answer's from now on, aborted with `signal`), or undefined (whatever was
   * preempted is cancelled and its tokens recorded as wasted).
   */
  async take(request: PreemptionRequest, signal: AbortSignal): Promise<TakenAnswer | undefined> {
    this.#clearTimer();
    const p = this.#current;
    this.#current = undefined;
    if (!p) return undefined;
    const passages =
      p.key === normalizeQuery(request.query) &&
      p.context.language === request.language &&
      sameHistory(p.context.history, request.history)
        ? await p.passages
        : undefined;
    if (!passages || !samePassages(passages, request.passages) || signal.aborted) {
      this.#miss(p);
      return undefined;
    }
    this.hits++;
    this.#outcomes?.inc({ outcome: 'hit' });
    signal.addEventListener('abort', () => p.controller.abort(), { once: true });
    p.release();
    return { events: p.events, tts: replayingTts(this.#deps.tts, () => p.first) };
  }

  /** Cancels what is in flight (hang-up). */
  close(): void {
    this.leave();
    this.#cancel();
  }

  #cancel(): void {
    const p = this.#current;
    this.#current = undefined;
    if (p) this.#miss(p);
  }

  #start(query: string, key: string, context: PreemptionContext): void {
    const controller = new AbortController();
    const { signal } = controller;
    const events = new ReplayStream<AnswerEvent>();
    const passages = this.#deps.passages(query, signal).then(
      (ps) => ps,
      () => undefined,
    );
    const p: Preemption = {
      key,
      context,
      controller,
      passages,
      events,
      first: undefined,
      promptChars: 0,
      release: () => {},
    };
    const taken = new Promise<void>((resolve) => {
      p.release = resolve;
    });
    const tools = this.#deps.tools;
    this.#current = p;
    const run = async () => {
      const found = await passages;
      if (!found) throw new Error('retrieval failed');
      signal.throwIfAborted();
      const system = this.#deps.system();
      p.promptChars =
        system.length +
        query.length +
        context.history.reduce((n, m) => n + m.content.length, 0) +
        found.reduce((n, x) => n + x.text.length, 0);
      for await (const ev of this.#deps.answerer.answer({
        query,
        passages: found,
        history: context.history.map((m) => ({ role: m.role, content: m.content })),
        system,
        language: context.language,
        signal,
        ...(tools ? { tools: gatedTools(tools, taken) } : {}),
      })) {
        events.push(ev);
        if (ev.type === 'text' && !p.first) p.first = this.#synthesizeFirst(ev.text, p);
      }
      events.end();
    };
    run().catch((err: unknown) => events.fail(err));
  }

  /** The first sentence's audio, synthesized ahead and recorded (never played from here). */
  #synthesizeFirst(text: string, p: Preemption): FirstPiece {
    const first: FirstPiece = { text, audio: new ReplayStream<Buffer>(), source: undefined };
    const synth = async () => {
      for await (const chunk of this.#deps.tts.synthesize(text, {
        language: p.context.language,
        format: this.#deps.format,
        signal: p.controller.signal,
        onSource: (s) => {
          first.source = s;
        },
      })) {
        first.audio.push(chunk);
      }
      first.audio.end();
    };
    synth().catch((err: unknown) => first.audio.fail(err));
    return first;
  }

  #miss(p: Preemption): void {
    p.controller.abort();
    this.misses++;
    this.#outcomes?.inc({ outcome: 'miss' });
    const usage = wastedUsage(p.events.items, p.promptChars);
    if (!usage) return;
    this.wastedTokens += usage.inputTokens + usage.outputTokens;
    this.#deps.ledger.record('llm', usage);
    this.#deps.logger?.debug(
      { model: usage.model, tokens: usage.inputTokens + usage.outputTokens },
      'preemptive answer cancelled',
    );
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#deps.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerKey = undefined;
  }
}
