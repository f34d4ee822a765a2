/**
 * Scripted callers who pause in the middle of what they say ("I'd like to order... a cake for
 * Saturday", "my number is 0 5 4... 3 2 1"), in English, Russian, Ukrainian and Hebrew, and
 * callers who ask a finished question in one breath (the controls). An endpointer that ends the
 * turn inside such a pause cuts the caller off: the turns and noise benches count those false
 * cut-ins, and the end-of-turn delay of the controls.
 *
 * Each case lists its pieces and the pause after each piece; {@link casePartials} gives the
 * partial transcript a streaming engine would have at the end of each piece (the text so far),
 * so a bench can feed the endpointer's end-of-turn policy what it would know.
 *
 * @module
 */
import type { Language } from '../text/language.js';
import type { CallerScript, CallerStep } from './caller-script.js';

/** One piece of a paused utterance and the silence after it, ms (none after the last). */
export interface UtterancePiece {
  text: string;
  pauseAfterMs?: number;
}

/** What a case is about. */
export type PauseCaseKind = 'mid-thought' | 'hesitation' | 'dictation' | 'finished';

/** A caller's turn, said in pieces with pauses between them. */
export interface PauseCase {
  id: string;
  kind: PauseCaseKind;
  language: Language;
  /** The pieces in order; one piece for a finished question said in one breath. */
  pieces: readonly UtterancePiece[];
}

/**
 * The scripted pause inside a case, ms. With espeak-ng's own silence at the edges of its
 * audio (100-250 ms) the caller is silent for 550-750 ms: longer than a fixed 500 ms end of
 * speech, shorter than the adaptive policy's 800 ms mid-thought.
 */
const PAUSE_MS = 450;
/** A dictated number's pause: people take a breath between groups of digits. */
const DIGITS_PAUSE_MS = 500;

const paused = (
  id: string,
  kind: PauseCaseKind,
  language: Language,
  first: string,
  rest: string,
  pauseMs = kind === 'dictation' ? DIGITS_PAUSE_MS : PAUSE_MS,
): PauseCase => ({
  id,
  kind,
  language,
  pieces: [{ text: first, pauseAfterMs: pauseMs }, { text: rest }],
});

const whole = (id: string, language: Language, text: string): PauseCase => ({
  id,
  kind: 'finished',
  language,
  pieces: [{ text }],
});

/** Every case: paused utterances in four languages and finished questions as controls. */
export const PAUSE_CASES: readonly PauseCase[] = [
  paused('en-order', 'mid-thought', 'en', "I'd like to order...", 'a cake for Saturday.'),
  paused('en-table', 'mid-thought', 'en', 'Can I book a table for', 'four people tonight?'),
  paused('en-and', 'mid-thought', 'en', 'I need it delivered to Haifa and', 'to Tel Aviv.'),
  paused('en-um', 'hesitation', 'en', 'I was wondering, um', 'do you deliver on Sundays?'),
  paused('en-phone', 'dictation', 'en', 'my number is 0 5 4', '3 2 1 0 9 8 7.'),
  paused('ru-order', 'mid-thought', 'ru', 'Я хотел бы заказать торт на', 'субботу.'),
  paused('ru-phone', 'dictation', 'ru', 'Мой номер ноль пять четыре', 'три два один.'),
  paused('uk-order', 'mid-thought', 'uk', 'Я хочу замовити торт і', 'каву.'),
  paused('uk-phone', 'dictation', 'uk', "Мій номер нуль п'ять чотири", 'три два один.'),
  paused('he-order', 'mid-thought', 'he', 'אני רוצה להזמין עוגה של', 'שוקולד.'),
  paused('he-phone', 'dictation', 'he', 'המספר שלי אפס חמש ארבע', 'שלוש שתיים אחת.'),
  whole('en-open', 'en', 'What time do you open on Saturday?'),
  whole('en-deliver', 'en', 'Do you deliver to Haifa?'),
  whole('ru-price', 'ru', 'Сколько стоит доставка?'),
  whole('uk-open', 'uk', 'Коли ви відкриті?'),
  whole('he-open', 'he', 'מתי אתם פתוחים?'),
];

/** The whole turn's text. */
export function caseText(c: PauseCase): string {
  return c.pieces.map((p) => p.text).join(' ');
}

/** The partial transcript at the end of each piece: the text said so far. */
export function casePartials(c: PauseCase): string[] {
  return c.pieces.map((_, i) =>
    c.pieces
      .slice(0, i + 1)
      .map((p) => p.text)
      .join(' '),
  );
}

/** The caller steps of one case's turn (its pieces and pauses), to place inside a script. */
export function pauseCaseSteps(c: PauseCase): CallerStep[] {
  return c.pieces.flatMap((p): CallerStep[] => [
    { say: p.text, lang: c.language },
    ...(p.pauseAfterMs ? [{ pause: p.pauseAfterMs }] : []),
  ]);
}

/** Options of {@link pausingCaller}. */
export interface PausingCallerOptions {
  /** False: the line sends nothing while the caller is silent (DTX, a Local channel). */
  sendSilence?: boolean;
  /** Bot silence after which the caller takes the answer as finished (default 1500 ms). */
  answerDoneMs?: number;
}

/**
 * A caller who waits for the greeting, says the case's turn with its pauses, listens to the
 * answer and hangs up.
 *
 * @example
 * ```ts
 * const script = pausingCaller(PAUSE_CASES[0]); // "I'd like to order..." 450 ms "a cake for Saturday."
 * ```
 */
export function pausingCaller(c: PauseCase, options: PausingCallerOptions = {}): CallerScript {
  return {
    lang: c.language,
    ...(options.sendSilence !== undefined ? { sendSilence: options.sendSilence } : {}),
    steps: [
      { waitForBot: { silenceMs: 600 } },
      ...pauseCaseSteps(c),
      { waitForBot: { silenceMs: options.answerDoneMs ?? 1_500, timeoutMs: 30_000 } },
      { hangup: true },
    ],
  };
}
