/**
 * Hebrew end-of-turn rules: see {@link TurnRules}. Hebrew attaches "and", "the", "in", "to",
 * "from", "that" and "as" to the next word (ו ה ב ל מ ש כ); a partial that ends with one of
 * them alone was cut mid-word.
 *
 * @module
 */
import { type TurnRules, words } from './types.js';

/** Hebrew word lists. */
export const HE_TURN_RULES: TurnRules = {
  language: 'he',
  continuations: words(
    `ו או אבל כי אם כאשר כש כשה ש שה אשר מאשר כמו גם רק עם של את אל על עד אחרי לפני בין בלי
    מתוך לגבי בשביל אצל ליד תחת דרך לכיוון כדי לכן אז ה ב ל מ כ שלי שלך שלכם שלנו שלו שלה
    הזה הזאת האלה זה זו אלה יותר פחות מאוד הכי אני אנחנו רוצה רוצים צריך צריכה יכול יכולה`,
    'בגלל ש|כדי ש|וגם|אני רוצה|הייתי רוצה|אני צריך|אני צריכה|יש לי',
  ),
  hesitations: words('אממ אמ אה אהה אהם הממ ממ מממ כאילו נו אז', 'איך אומרים'),
  closings: words(
    'תודה בבקשה זהו ביי כן לא אוקיי אוקי בסדר מעולה יופי סבבה נהדר',
    'תודה רבה|זה הכל|זה הכול|להתראות|שום דבר נוסף|זה מה שרציתי',
  ),
  questionStarts: words('מה מתי איפה איך כמה למה מדוע מי איזה איזו אילו לאן מאיפה'),
  yesNoStarts: words('האם יש אפשר'),
  digitWords: words(
    'אפס אחת אחד שתיים שניים שתים שלוש שלושה ארבע ארבעה חמש חמישה שש שישה שבע שבעה שמונה תשע תשעה',
  ),
  prefixLetters: 'והבלמשכ',
  numberContexts: words('מספר טלפון נייד קוד כרטיס חשבון מיקוד הזמנה ספרות ת"ז תעודת'),
};
