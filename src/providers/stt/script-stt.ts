/**
 * The scripted STT engine, for the simulator only (`--stt=script`).
 *
 * It does not listen to the audio: it returns the text that the simulated caller attached to
 * its utterance (`SttRequest.scriptText`). It lets the demo and test suites run offline without
 * Whisper weights; output produced with it must be labelled as scripted. Never use it on real
 * calls: a real caller's audio carries no script, and this engine throws.
 *
 * @module
 */
import { ConfigError } from '../../errors.js';
import type { SttEngine, SttRequest, SttResult } from './stt-engine.js';

/** Returns `request.scriptText` (simulator only). */
export class ScriptStt implements SttEngine {
  readonly name = 'script';

  /**
   * @throws ConfigError when the request has no script text (the audio did not come from the
   * simulator, or the simulator was not asked to attach the text).
   */
  async transcribe(request: SttRequest): Promise<SttResult> {
    if (request.scriptText === undefined) {
      throw new ConfigError(
        'the "script" STT engine only works with the simulator: this utterance has no script text ' +
          '(use --stt=whisper for real calls)',
      );
    }
    return {
      text: request.scriptText,
      ...(request.language ? { language: request.language } : {}),
      engine: this.name,
      audioSeconds: request.audio.length / 16_000,
    };
  }
}
