/**
 * The offline answerer: no API key, no LLM. It answers extractively from the retrieved
 * passages: for FAQ passages (`Q: ... A: ...`, also `Вопрос:/Ответ:`, `В:/О:`,
 * `Питання:/Відповідь:`, `שאלה:/תשובה:`, or the knowledge base's `question\nanswer` chunks) the
 * answer part of the best matching question; for
 * prose, the best matching sentence (and the next one when it matches too), by content-word
 * overlap with the query (the words of keyword search: stop words dropped, stems per
 * language). A passage may only answer when it holds the question's key words, the words that
 * name what is asked about rather than frame the question ("доставка" in "Сколько стоит
 * доставка?", not "стоит"): all of those the retrieved passages hold anywhere, or two in three
 * of them when there are three or more, and a question none of whose key words is in any
 * passage is not answered from them. Passages in the query's language are preferred; when
 * nothing matches well enough it says, in the call's language, that it does not know and gives
 * the phone number. It is used by the demo and whenever no LLM provider is configured, and says
 * so in the log and in `voxstate_offline_answers_total{outcome,language}`.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { Counter, Registry } from 'prom-client';
import { AbortedError } from '../errors.js';
import type { Passage } from '../knowledge/types.js';
import { dontKnowPhrase } from '../prompts/greeting.js';
import { silentLogger } from '../telemetry/logger.js';
import { counter } from '../telemetry/metrics.js';
import type { AnalyzedWord } from '../text/analyzer.js';
import { detectLanguage, detectTextLanguage, isLanguage, type Language } from '../text/language.js';
import { SpeechChunker } from '../text/speech-chunker.js';
import { detectActionIntent, TRANSFER_PHRASES } from './action-intents.js';
import type { AnswerEvent, Answerer, AnswerRequest } from './answerer.js';
import { contentWords, hasWord, keyWords, overlap } from './word-match.js';

/** Options of {@link createOfflineAnswerer}. */
export interface OfflineAnswererOptions {
  /** Phone number for the "I don't know" fallback. */
  phone: string;
  /** Least share of the query's content words a match needs (default 0.5). */
  minOverlap?: number;
  registry?: Registry;
  logger?: Logger;
}

/** An extracted answer candidate. */
export interface OfflineCandidate {
  text: string;
  /**
   * Share of the query's content words found (0..1; of those the passages hold anywhere, key
   * words counting double).
   */
  overlap: number;
  /** Ranking score. */
  score: number;
  passageId: string;
  language: Language;
  kind: 'faq' | 'prose';
}

const FAQ =
  /^\s*(?:Q|Question|Вопрос|В|Питання|П|שאלה|ש)\s*[:.]\s*([\s\S]+?)\s+(?:A|Answer|Ответ|О|Відповідь|В|תשובה|ת)\s*[:.]\s*([\s\S]+)$/i;

/** An FAQ chunk as the knowledge base stores it: the question on the first line, the answer after. */
const FAQ_LINES = /^([^\n]{3,300}[?؟])\s*\n\s*([\s\S]+)$/;

/**
 * Splits a FAQ passage into question and answer (`Q: ... A: ...` and its translations, or a
 * first line ending in a question mark followed by the answer, as the knowledge base stores FAQ
 * chunks); undefined for prose.
 */
export function parseFaq(text: string): { question: string; answer: string } | undefined {
  const t = text.trim();
  const m = FAQ.exec(t) ?? FAQ_LINES.exec(t);
  return m ? { question: m[1]!.trim(), answer: m[2]!.trim() } : undefined;
}

/** One line with no sentence-final punctuation: a heading, not a sentence. */
function isTitleLine(block: string): boolean {
  const t = block.trim();
  return !t.includes('\n') && !/[.!?…。؟:;)"»”]$/u.test(t);
}

function sentences(text: string): string[] {
  const c = new SpeechChunker({ firstClause: false, maxChars: 400 });
  return [...c.push(text.replace(/\s+/g, ' ')), ...c.flush()];
}

const ASKS_PRICE =
  /\b(how much|price|cost)|сколько стоит|цен[аыу]|стоимост|скільки коштує|ціна|вартість|כמה עולה|מחיר|עלות/iu;
const HAS_PRICE = /[$€£₪₴]|\d+[.,]\d{2}\b|\d\s*(руб|грн|шек|ש"ח|₪|dollars?|долл)/iu;
/** A price stated as what something costs ("costs $4.99"), not merely a sum ("orders over $40"). */
const STATES_COST = /\b(costs?|priced?|price)\b|стои|стоят|цен[аеуы]|кошту|вартіст|ціна|עול|מחיר/iu;
const ASKS_TIME =
  /\b(what time|when|hours)\b|во сколько|когда|часы работы|о котрій|коли|години роботи|מתי|באיזו שעה|שעות/iu;
const HAS_TIME = /\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*(am|pm)\b/iu;

/**
 * Bonus for a candidate of the kind of answer the question asks for: a price for "how much"
 * (more when the text says what it costs), a time for "when".
 */
function answerTypeBonus(query: string, text: string): number {
  if (ASKS_PRICE.test(query) && HAS_PRICE.test(text)) return STATES_COST.test(text) ? 0.2 : 0.15;
  if (ASKS_TIME.test(query) && HAS_TIME.test(text)) return 0.15;
  return 0;
}

/** The query's words as the candidates are measured against them. */
interface QueryWords {
  /** All content words. */
  all: AnalyzedWord[];
  /** Content words that some passage holds. */
  present: AnalyzedWord[];
  /** Key words that some passage holds. */
  keys: AnalyzedWord[];
  /** Key words a passage must hold to answer. */
  need: number;
}

/** Undefined when the question has key words and no passage holds any of them. */
function queryWords(
  query: string,
  lang: Language,
  passages: ReadonlyArray<readonly AnalyzedWord[]>,
): QueryWords | undefined {
  const all = contentWords(query, lang);
  const present = all.filter((w) => passages.some((p) => hasWord(p, w)));
  const keys = keyWords(all, lang);
  const presentKeys = keys.filter((w) => present.includes(w));
  if (keys.length > 0 && presentKeys.length === 0) return undefined;
  return { all, present, keys: presentKeys, need: Math.ceil((presentKeys.length * 2) / 3) };
}

/**
 * All answer candidates for `query` in `passages`, best first. A passage that lacks the
 * question's key words (see the module note) gives none. A candidate's `overlap` is the share
 * of the query's content words it contains (the acceptance test); its `score`, used for
 * ranking, weighs it down by a quarter at most for an FAQ question that asks about more than
 * the query, and adds the retriever's own score of its passage (30 %, relative to the best
 * passage) and a bonus when it holds the kind of answer asked for (a price, a time). `language` is the
 * call's; the query's own letters decide its language when they can.
 */
export function findCandidates(
  query: string,
  passages: Passage[],
  language?: Language,
): OfflineCandidate[] {
  const lang = detectTextLanguage(query, language) ?? language ?? 'en';
  const analyzed = passages.map((p) => contentWords(p.text, detectTextLanguage(p.text, lang)));
  const q = queryWords(query, lang, analyzed);
  if (!q) return [];
  const out: OfflineCandidate[] = [];
  const best = Math.max(1e-9, ...passages.map((p) => p.score));
  passages.forEach((p, rank) => {
    const words = analyzed[rank] ?? [];
    if (q.keys.filter((k) => hasWord(words, k)).length < q.need) return;
    const prior = 0.3 * Math.max(0, p.score / best) + 0.001 * (passages.length - rank);
    const add = (text: string, overlapValue: number, kind: 'faq' | 'prose', fit = 1) => {
      out.push({
        text,
        overlap: overlapValue,
        score: 0.7 * overlapValue * (0.75 + 0.25 * fit) + prior + answerTypeBonus(query, text),
        passageId: p.id,
        language: detectLanguage(text, lang),
        kind,
      });
    };
    const match = (text: string) => overlap(q.present, contentWords(text, lang), q.keys);
    const faqWhole = parseFaq(p.text);
    const blocks = faqWhole ? [p.text] : p.text.split(/\n\s*\n/);
    for (const [b, block] of blocks.entries()) {
      // A chunk's title line ("Delivery > Delivery hours and timing") is not an answer.
      if (b === 0 && blocks.length > 1 && isTitleLine(block)) continue;
      const faq = parseFaq(block);
      if (faq) {
        const o = Math.max(match(faq.question), 0.8 * match(`${faq.question} ${faq.answer}`));
        // A stored question that asks about more than the caller did fits less well.
        const asked = contentWords(faq.question, lang);
        const fit = asked.length ? asked.filter((w) => hasWord(q.all, w)).length / asked.length : 1;
        add(faq.answer, o, 'faq', fit);
        continue;
      }
      const ss = sentences(block);
      ss.forEach((sentence, i) => {
        const o = match(sentence);
        if (o === 0) return;
        const next = ss[i + 1];
        const text = next && match(next) > 0 ? `${sentence} ${next}` : sentence;
        add(text, o, 'prose');
      });
    }
  });
  return out.sort((a, b) => b.score - a.score);
}

function offlineCounter(registry: Registry): Counter<'outcome' | 'language'> {
  return counter(registry, {
    name: 'voxstate_offline_answers_total',
    help: 'Answers given by the offline (extractive, no LLM) answerer, by outcome and language',
    labelNames: ['outcome', 'language'] as const,
  });
}

/**
 * Creates the offline answerer.
 *
 * @example
 * ```ts
 * const answerer = createOfflineAnswerer({ phone: business.phone, registry });
 * ```
 */
export function createOfflineAnswerer(options: OfflineAnswererOptions): Answerer {
  const minOverlap = options.minOverlap ?? 0.5;
  const log = options.logger ?? silentLogger();
  const answers = options.registry ? offlineCounter(options.registry) : undefined;

  async function* answer(req: AnswerRequest): AsyncGenerator<AnswerEvent> {
    if (req.signal.aborted) throw new AbortedError('offline answer');
    const language: Language = isLanguage(req.language) ? req.language : detectLanguage(req.query);
    yield { type: 'offline' };
    const intent = req.tools ? detectActionIntent(req.query) : undefined;
    if (intent && req.tools?.specs.some((spec) => spec.name === intent)) {
      const summary = `The caller said: "${req.query.slice(0, 200)}"`;
      const outcome = await req.tools.run(
        {
          id: `offline-${intent}`,
          name: intent,
          arguments: JSON.stringify(
            intent === 'end_call' ? { reason: 'caller_done' } : { summary },
          ),
        },
        req.signal,
      );
      if (outcome.action) {
        answers?.inc({ outcome: intent, language });
        log.info({ offline: true, action: intent, language }, 'offline answerer: action');
        const text = intent === 'transfer_call' ? TRANSFER_PHRASES[language] : '';
        if (text) yield { type: 'text', text };
        yield { type: 'action', action: outcome.action };
        yield { type: 'done', text, offline: true, outcome: 'answered' };
        return;
      }
    }
    const all = findCandidates(req.query, req.passages, language).filter(
      (c) => c.overlap >= minOverlap,
    );
    const best = all.find((c) => c.language === language) ?? all[0];
    const text = best ? best.text : dontKnowPhrase(language, options.phone);
    const outcome = best ? 'answered' : 'fallback';
    answers?.inc({ outcome, language });
    log.info(
      { offline: true, outcome, language, passageId: best?.passageId, kind: best?.kind },
      'offline answerer (no LLM configured)',
    );
    const chunker = new SpeechChunker();
    for (const piece of [...chunker.push(text), ...chunker.flush()]) {
      if (req.signal.aborted) throw new AbortedError('offline answer');
      yield { type: 'text', text: piece };
    }
    yield { type: 'done', text, offline: true, outcome };
  }

  return { kind: 'offline', answer };
}
