/**
 * The voices of the npm `espeak-ng` WASM build, and the choice of a voice for a language.
 *
 * @module
 */

/** Voice names the bundled build has (from `espeak-ng --voices`, version 1.0.2 of the package). */
export const ESPEAK_VOICES: ReadonlySet<string> = new Set(
  (
    'af am an ar as az ba be bg bn bpy bs ca chr-US-Qaaa-x-west cmn cmn-latn-pinyin cs cv cy da ' +
    'de el en-029 en-gb en-gb-scotland en-gb-x-gbclan en-gb-x-gbcwmd en-gb-x-rp en-us en-us-nyc ' +
    'eo es es-419 et eu fa fa-latn fi fr-be fr-ch fr-fr ga gd gn grc gu hak haw he hi hr ht hu ' +
    'hy hyw ia id io is it ja jbo ka kk kl kn ko kok ku ky la lb lfn lt ltg lv mi mk ml mr ms ' +
    'mt mto my nb nci ne nl nog om or pa pap piqd pl pt pt-br py qdb qu quc qya ro ru ru-cl ' +
    'ru-lv sd shn si sjn sk sl smj sq sr sv sw ta te th tk tn tr tt ug uk ur uz vi ' +
    'vi-vn-x-central vi-vn-x-south yue'
  ).split(' '),
);

/** Languages whose bare code is not a voice name, mapped to the voice to use. */
const ALIASES: Record<string, string> = {
  en: 'en-us',
  fr: 'fr-fr',
  zh: 'cmn',
  iw: 'he',
  no: 'nb',
};

/** The voice used when nothing matches a language. */
export const ESPEAK_FALLBACK_VOICE = 'en-us';

/**
 * The espeak voice for a language: an explicit `voice` when the build has it, else the exact
 * language tag (`en-gb`), its alias (`en` -> `en-us`), its base language (`uk-UA` -> `uk`), and
 * finally {@link ESPEAK_FALLBACK_VOICE}.
 *
 * @example
 * ```ts
 * espeakVoiceFor('ru-RU'); // 'ru'
 * espeakVoiceFor('en');    // 'en-us'
 * espeakVoiceFor('xx');    // 'en-us'
 * ```
 */
export function espeakVoiceFor(language: string, voice?: string): string {
  if (voice && ESPEAK_VOICES.has(voice)) return voice;
  const tag = language.trim().toLowerCase().replace(/_/g, '-');
  if (ESPEAK_VOICES.has(tag)) return tag;
  const alias = ALIASES[tag];
  if (alias) return alias;
  const base = tag.split('-')[0] ?? '';
  if (ESPEAK_VOICES.has(base)) return base;
  return ALIASES[base] ?? ESPEAK_FALLBACK_VOICE;
}
