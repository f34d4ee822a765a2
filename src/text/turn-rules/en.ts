/**
 * English end-of-turn rules: see {@link TurnRules}.
 *
 * @module
 */
import { type TurnRules, words } from './types.js';

/** English word lists. */
export const EN_TURN_RULES: TurnRules = {
  language: 'en',
  continuations: words(
    `and or but so because cause if while that which who whose whom than as plus nor though
    although unless until whether to for with of in on at from about by into onto over under
    after before between through without within during like near per via a an the my your our
    his her their its this these those some any every each another is are was were am be been
    being do does did have has had can could would will should shall may might must i'd i'm
    i'll i've we're we'd let's it's there's very really more most less such also just even`,
    `as well as|kind of|sort of|a lot of|a couple of|going to|want to|wanted to|need to|have to|
    has to|would like|i would like|like to|able to|one of|some of`,
  ),
  hesitations: words('um umm uh uhh uhm er erm err ah ahh hmm hm mm mmm eh'),
  closings: words(
    'thanks please bye goodbye okay ok yes no yeah nope sure right great perfect alright',
    `thank you|that's all|that's it|all right|got it|that's everything|nothing else`,
  ),
  questionStarts: words('what when where which who whom whose why how'),
  yesNoStarts: words(
    `is are was were do does did can could would will should may might have has am isn't aren't
    don't doesn't can't won't`,
  ),
  digitWords: words('zero oh one two three four five six seven eight nine double triple'),
  numberContexts: words(
    'number phone mobile cell code card account zip postcode pin extension reference id digits',
  ),
};
