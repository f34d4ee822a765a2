/**
 * Self-hosted Whisper behind the `SttEngine` interface, on the Whisper worker pool.
 *
 * @module
 */
import type { InferenceConfig } from '../../config/inference.js';
import { assertModelAvailable } from '../../models/model-folder.js';
import type { InferencePool } from '../../workers/inference-pool.js';
import type { WhisperResult, WhisperTask } from '../../workers/whisper.worker.js';
import type { SttEngine, SttRequest, SttResult } from './stt-engine.js';

type WhisperPool = Pick<InferencePool<WhisperTask, WhisperResult>, 'run'>;

const SAMPLE_RATE = 16_000;

/**
 * Transcribes 16 kHz Float32 utterances with Whisper on a worker thread.
 *
 * The request's audio is copied once and the copy is moved to the thread (the caller keeps its
 * array). Language: the request's, else the configured one, else detected per utterance.
 *
 * @example
 * ```ts
 * const stt = new WhisperStt(pools.whisper, config);
 * const { text, language } = await stt.transcribe({ audio, signal });
 * ```
 */
export class WhisperStt implements SttEngine {
  readonly name = 'whisper';
  private readonly language: string | undefined;

  /** @throws ModelMissingError when the model is missing and downloads are off. */
  constructor(
    private readonly pool: WhisperPool,
    config: Pick<InferenceConfig, 'whisper' | 'modelDir' | 'allowDownloads'>,
  ) {
    const { id, revision } = config.whisper;
    assertModelAvailable(id, {
      modelDir: config.modelDir,
      allowDownloads: config.allowDownloads,
      revision,
    });
    this.language = config.whisper.language;
  }

  /**
   * Loads the model on one thread ahead of the first call (an empty utterance), so the first
   * caller does not wait for the thread start and the model load (about 2 s).
   */
  async warmUp(signal?: AbortSignal): Promise<void> {
    await this.pool.run({ audio: new Float32Array(0), language: 'en' }, signal ? { signal } : {});
  }

  /** Transcribes one utterance. */
  async transcribe(request: SttRequest): Promise<SttResult> {
    const audio = request.audio.slice();
    const language = request.language ?? this.language;
    const task: WhisperTask = language === undefined ? { audio } : { audio, language };
    const result = await this.pool.run(task, {
      transferList: [audio.buffer as ArrayBuffer],
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return {
      text: result.text,
      language: result.language,
      engine: this.name,
      audioSeconds: request.audio.length / SAMPLE_RATE,
    };
  }
}
