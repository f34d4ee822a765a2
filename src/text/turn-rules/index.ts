/**
 * End-of-turn rules per language: does a partial transcript read as a finished utterance or
 * stop mid-thought? One table per language (`./en.ts`, `./ru.ts`, `./uk.ts`, `./he.ts`).
 *
 * @module
 */
export { classifyTurn, TURN_RULES, type TurnCompletion } from './classify.js';
export type { TurnRules } from './types.js';
