/**
 * The LLM answerer: routes the phrase to a model tier, streams the answer through the speech
 * chunker, retries once on the strong model when the chosen model fails (error, timeout, empty
 * or refused answer) and fails over to the other provider when one is down, all inside the
 * per-turn budget.
 *
 * A retry is only possible before the first piece of the answer was released to speech: the
 * chunker holds the opening until its first clause, and that is where refusals are caught. Once
 * a piece has been released (and may have been spoken), a failure ends the answer as
 * `truncated`; the caller has heard a partial answer and a new model would start over.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AbortedError, BudgetExceededError, errorKind, isAbortError } from '../errors.js';
import { cannotAnswerPhrase } from '../prompts/greeting.js';
import { EmptyAnswerError, RefusalError } from '../providers/llm/llm-errors.js';
import type { LlmProvider, ToolCall, ToolRound } from '../providers/llm/llm-provider.js';
import { estimateTokens } from '../providers/llm/stream-guard.js';
import { silentLogger } from '../telemetry/logger.js';
import { detectLanguage, isLanguage, type Language } from '../text/language.js';
import { SpeechChunker } from '../text/speech-chunker.js';
import type { AnswerEvent, Answerer, AnswerRequest } from './answerer.js';
import { type BudgetLimits, DEFAULT_BUDGET, TurnBudget } from './budget.js';
import { buildTurnMessage } from './context.js';
import { firstAttempt, type ModelSet, nextAttempt, ProviderHealth } from './model-set.js';
import { looksLikeRefusal } from './refusal.js';
import { type ModelRouter, routingDecisionsCounter } from './router.js';
import { runToolRound } from './tool-round.js';

/** The failure label used in retry reasons: `refusal`, `empty`, or the error kind. */
export function failureKind(err: unknown): string {
  if (err instanceof RefusalError) return 'refusal';
  if (err instanceof EmptyAnswerError) return 'empty';
  return errorKind(err);
}

/** Dependencies of {@link createLlmAnswerer}. */
export interface LlmAnswererDeps {
  models: ModelSet;
  router: ModelRouter;
  /** Per-turn budget limits (default 3 calls, 8000 tokens). */
  budget?: BudgetLimits;
  /**
   * The spoken fallback text: `budget` when the turn budget ran out, `failed` when every model
   * failed. Default: "I'm sorry, I can't answer that right now. Please call us at <phone>".
   * Return a phrase whose audio is pre-warmed in the TTS cache to have it play at once.
   */
  fallbackPhrase?: (reason: 'budget' | 'failed', language: Language) => string;
  /** Phone number for the default spoken fallback. */
  fallbackPhone: string;
  health?: ProviderHealth;
  /** Answer length cap, tokens (default 300). */
  maxAnswerTokens?: number;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Creates the LLM answerer.
 *
 * @example
 * ```ts
 * const answerer = createLlmAnswerer({ models, router, fallbackPhone: business.phone, registry });
 * for await (const ev of answerer.answer({ query, passages, history, system, language, signal })) {
 *   if (ev.type === 'text') tts.say(ev.text);
 * }
 * ```
 */
export function createLlmAnswerer(deps: LlmAnswererDeps): Answerer {
  const health = deps.health ?? new ProviderHealth();
  const log = deps.logger ?? silentLogger();
  const decisions = deps.registry ? routingDecisionsCounter(deps.registry) : undefined;

  async function* answer(req: AnswerRequest): AsyncGenerator<AnswerEvent> {
    const language: Language = isLanguage(req.language) ? req.language : detectLanguage(req.query);
    const budget = new TurnBudget(deps.budget ?? DEFAULT_BUDGET, deps.registry);
    const userMessage = buildTurnMessage(req.query, req.passages, language);
    const messages = [...req.history, { role: 'user' as const, content: userMessage }];
    const inputTokens = estimateTokens(
      req.system.length + messages.reduce((n, m) => n + m.content.length, 0),
    );
    const spoken: string[] = [];
    const fallback = function* (reason: 'budget' | 'failed'): Generator<AnswerEvent> {
      const text =
        deps.fallbackPhrase?.(reason, language) ?? cannotAnswerPhrase(language, deps.fallbackPhone);
      yield { type: 'text', text };
      yield { type: 'done', text, offline: false, outcome: 'fallback', fallback: reason };
    };

    const decision = await deps.router.route(req.query, {
      signal: req.signal,
      canCallLlm: () => budget.callsLeft > 1,
      onClassifierCall: () => budget.beginCall(0),
    });
    if (decision.classifierUsage) {
      const { provider: name, model, usage } = decision.classifierUsage;
      budget.addUsage(usage);
      yield { type: 'usage', provider: name, model, usage, purpose: 'routing' };
    }
    let provider: LlmProvider | undefined = firstAttempt(deps.models, decision.tier, health);
    decisions?.inc({ model: provider.model, reason: decision.reason });
    log.info(
      {
        tier: decision.tier,
        reason: decision.reason,
        source: decision.source,
        model: provider.model,
      },
      'llm route',
    );
    const tried: LlmProvider[] = [];
    const rounds: ToolRound[] = [];
    let reason = decision.reason;

    while (provider) {
      const current: LlmProvider = provider;
      tried.push(current);
      try {
        budget.beginCall(inputTokens);
      } catch (err) {
        if (!(err instanceof BudgetExceededError)) throw err;
        log.warn({ budget: err.budget }, 'turn budget exceeded');
        if (spoken.length === 0) yield* fallback('budget');
        return;
      }
      const tier = deps.models.strong.includes(current) ? 'strong' : 'cheap';
      yield {
        type: 'model',
        provider: current.provider,
        model: current.model,
        tier,
        reason,
        attempt: tried.length,
      };
      const chunker = new SpeechChunker();
      let text = '';
      try {
        for (;;) {
          const calls: ToolCall[] = [];
          let roundText = '';
          for await (const chunk of current.stream({
            system: req.system,
            messages,
            ...(req.tools && req.tools.specs.length > 0 ? { tools: req.tools.specs } : {}),
            ...(rounds.length > 0 ? { toolRounds: rounds } : {}),
            maxTokens: deps.maxAnswerTokens ?? 300,
            signal: req.signal,
          })) {
            if (chunk.type === 'usage') {
              budget.addUsage(chunk.usage);
              yield {
                type: 'usage',
                provider: current.provider,
                model: current.model,
                usage: chunk.usage,
              };
              continue;
            }
            if (chunk.type === 'tool_call') {
              calls.push(chunk.call);
              continue;
            }
            text += chunk.text;
            roundText += chunk.text;
            if (spoken.length === 0 && looksLikeRefusal(text)) {
              throw new RefusalError(current.provider, 'refusal-shaped opening');
            }
            budget.checkTokens(inputTokens + estimateTokens(text.length));
            for (const piece of chunker.push(chunk.text)) {
              spoken.push(piece);
              yield { type: 'text', text: piece };
            }
          }
          if (calls.length === 0 || !req.tools) break;
          for (const piece of chunker.flush()) {
            spoken.push(piece);
            yield { type: 'text', text: piece };
          }
          const round = yield* runToolRound(req.tools, calls, roundText, req.signal, budget);
          if (round.action) {
            health.ok(current.provider);
            yield { type: 'action', action: round.action };
            yield { type: 'done', text: spoken.join(' '), offline: false, outcome: 'answered' };
            return;
          }
          rounds.push(round.round);
          budget.beginCall(0);
        }
        const rest = chunker.flush();
        if (spoken.length === 0 && looksLikeRefusal(rest.join(' '))) {
          throw new RefusalError(current.provider, 'refusal-shaped opening');
        }
        for (const piece of rest) {
          spoken.push(piece);
          yield { type: 'text', text: piece };
        }
        health.ok(current.provider);
        yield { type: 'done', text: spoken.join(' '), offline: false, outcome: 'answered' };
        return;
      } catch (err) {
        if (isAbortError(err) || req.signal.aborted) {
          throw err instanceof AbortedError ? err : new AbortedError('answer', { cause: err });
        }
        health.report(current.provider, err);
        log.warn(
          { provider: current.provider, model: current.model, kind: errorKind(err), err },
          'llm attempt failed',
        );
        if (spoken.length > 0) {
          yield { type: 'done', text: spoken.join(' '), offline: false, outcome: 'truncated' };
          return;
        }
        if (err instanceof BudgetExceededError) {
          yield* fallback('budget');
          return;
        }
        provider = nextAttempt(deps.models, tried, health);
        if (provider) {
          yield {
            type: 'retry',
            provider: current.provider,
            model: current.model,
            error: failureKind(err),
          };
          reason = `retry_after_${failureKind(err)}`;
          decisions?.inc({ model: provider.model, reason });
        }
      }
    }
    log.error({ tried: tried.map((p) => p.model) }, 'every model failed; speaking the fallback');
    yield* fallback('failed');
  }

  return { kind: 'llm', answer };
}
