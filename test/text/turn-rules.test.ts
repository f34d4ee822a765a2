import { describe, expect, test } from 'vitest';
import type { Language } from '../../src/text/language.js';
import { classifyTurn, TURN_RULES, type TurnCompletion } from '../../src/text/turn-rules/index.js';

/** Golden partial transcripts per language: what each one reads as. */
const GOLDEN: Record<Language, [string, TurnCompletion][]> = {
  en: [
    ['What time do you open on Saturday?', 'finished'],
    ['what time do you open on saturday', 'finished'],
    ['Do you deliver to Haifa', 'finished'],
    ['Can I return', 'unknown'],
    ['do you sell', 'unknown'],
    ['Can I return?', 'finished'],
    ['can I return a cake', 'finished'],
    ['I would like to book a table.', 'finished'],
    ['Thank you', 'finished'],
    ["okay that's all", 'finished'],
    ["I'd like to order...", 'unfinished'],
    ["I'd like to order a cake and", 'unfinished'],
    ['a cake for', 'unfinished'],
    ['I want the', 'unfinished'],
    ['so I was wondering, um', 'unfinished'],
    ['can you tell me uh', 'unfinished'],
    ['the price is', 'unfinished'],
    ['my number is 0 5 4', 'unfinished'],
    ['my number is 054', 'unfinished'],
    ['zero five four three', 'unfinished'],
    ['it is, one two', 'unfinished'],
    ['I would like', 'unfinished'],
    ['as well as', 'unfinished'],
    ['a table for 4', 'unknown'],
    ['I need a plumber', 'unknown'],
    ['', 'unknown'],
    ['is it 054?', 'finished'],
    ['my number is 054 321 0987.', 'finished'],
    ['my number is 0 5 4 3 2 1 0 9 8 7', 'unknown'],
  ],
  ru: [
    ['Сколько стоит доставка?', 'finished'],
    ['сколько стоит доставка до центра', 'finished'],
    ['можно заказать торт', 'unknown'],
    ['можно заказать торт завтра', 'finished'],
    ['Спасибо', 'finished'],
    ['хорошо, до свидания', 'finished'],
    ['Я хочу записаться на завтра.', 'finished'],
    ['я хочу заказать торт и', 'unfinished'],
    ['торт на', 'unfinished'],
    ['мне нужно что-то для', 'unfinished'],
    ['я хотел бы', 'unfinished'],
    ['потому что', 'unfinished'],
    ['ну эээ', 'unfinished'],
    ['мой номер ноль пять четыре', 'unfinished'],
    ['мой номер 054', 'unfinished'],
    ['запишите меня на субботу,', 'unfinished'],
    ['мне нужен сантехник', 'unknown'],
  ],
  uk: [
    ['Коли ви відкриті?', 'finished'],
    ['скільки коштує доставка до центру', 'finished'],
    ['Дякую', 'finished'],
    ['добре, будь ласка', 'finished'],
    ['Я хочу записатися на завтра.', 'finished'],
    ['я хочу замовити торт і', 'unfinished'],
    ['торт на', 'unfinished'],
    ['мені потрібно щось для', 'unfinished'],
    ['я хотів би', 'unfinished'],
    ['тому що', 'unfinished'],
    ['ну еее', 'unfinished'],
    ["мій номер нуль п'ять чотири", 'unfinished'],
    ['мій номер пʼять', 'unfinished'],
    ['мій номер 054', 'unfinished'],
    ['мені потрібен сантехнік', 'unknown'],
  ],
  he: [
    ['מתי אתם פתוחים?', 'finished'],
    ['כמה עולה משלוח לחיפה', 'finished'],
    ['תודה רבה', 'finished'],
    ['בסדר', 'finished'],
    ['אני רוצה להזמין שולחן.', 'finished'],
    ['אני רוצה להזמין עוגה ו', 'unfinished'],
    ['עוגה של', 'unfinished'],
    ['אני רוצה', 'unfinished'],
    ['משהו בשביל', 'unfinished'],
    ['אממ', 'unfinished'],
    ['המספר שלי אפס חמש ארבע', 'unfinished'],
    ['המספר שלי 054', 'unfinished'],
    ['אני צריך אינסטלטור', 'unknown'],
  ],
};

describe('classifyTurn golden partials', () => {
  for (const language of Object.keys(GOLDEN) as Language[]) {
    describe(language, () => {
      test.each(GOLDEN[language])('%j reads as %s', (text, expected) => {
        expect(classifyTurn(text, language)).toBe(expected);
      });
    });
  }
});

describe('turn rules tables', () => {
  test.each(Object.values(TURN_RULES))('$language: lowercase entries, no empty ones', (rules) => {
    const all = [
      ...rules.continuations,
      ...rules.hesitations,
      ...rules.closings,
      ...rules.questionStarts,
      ...rules.digitWords,
      ...rules.numberContexts,
    ];
    expect(all.length).toBeGreaterThan(50);
    for (const w of all) {
      expect(w.trim()).toBe(w);
      expect(w).not.toBe('');
      expect(w.toLowerCase()).toBe(w);
    }
  });

  test('a closing phrase that ends with a continuation word still closes ("thank you")', () => {
    expect(classifyTurn('ok thank you', 'en')).toBe('finished');
  });
});
