/**
 * Detection of a refusal in the opening of an answer ("I'm sorry, but I can't help with that"),
 * so that a refused answer can be retried on the strong model before anything is spoken.
 * Patterns are narrow on purpose: "I don't know, call us" is a good answer, not a refusal.
 *
 * @module
 */

const REFUSALS: RegExp[] = [
  /\b(I'?m sorry|I am sorry|sorry),? (but )?I (can(no|')t|am unable to|won'?t) (help|assist|answer|provide|comply)/i,
  /\bI (can(no|')t|am unable to|won'?t) (help|assist) with (that|this)( request)?/i,
  /\bas an AI( language model)?\b/i,
  /(извините|простите|к сожалению),? (но )?я не (могу|буду) (помочь|ответить|выполнить)/i,
  /я не могу помочь с (этим|этой)/i,
  /как (ИИ|языковая модель)/i,
  /(вибачте|на жаль),? (але )?я не (можу|буду) (допомогти|відповісти|виконати)/i,
  /я не можу допомогти з (цим|цією)/i,
  /(מצטער|מצטערת|סליחה),? (אבל )?(אני )?(לא יכול|לא יכולה|אינני יכול|אינני יכולה) (לעזור|לענות|לסייע)/,
  /כמודל שפה/,
];

/** True when `text` (the opening of an answer) is a refusal. */
export function looksLikeRefusal(text: string): boolean {
  const head = text.slice(0, 200);
  return REFUSALS.some((re) => re.test(head));
}
