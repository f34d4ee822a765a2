/**
 * Answering-machine detection for outbound calls: {@link AnsweringMachineDetector} (person or
 * machine, by Asterisk's `AMD()` rules), {@link BeepDetector} (a voicemail beep) and
 * {@link MessagePointDetector} (when to start leaving a message). Pure logic on 20 ms frames.
 *
 * @module
 */

export type { AmdCauseKind, AmdOptions, AmdResult, AmdStatus } from './amd-detector.js';
export { AnsweringMachineDetector } from './amd-detector.js';
export type { AmdParams } from './amd-params.js';
export { AMD_DEFAULTS, amdParams, amdParamsFromDialplan } from './amd-params.js';
export type { Beep, BeepDetectorOptions } from './beep-detector.js';
export { BeepDetector } from './beep-detector.js';
export type { MessagePoint, MessagePointOptions } from './message-point.js';
export { MessagePointDetector } from './message-point.js';
export type { NoiseFloorOptions } from './noise-floor.js';
export { NoiseFloor } from './noise-floor.js';
export { goertzelPower, meanAbs, samplesOf } from './tone-math.js';
