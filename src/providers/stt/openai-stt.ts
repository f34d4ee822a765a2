/**
 * Batch transcription through the OpenAI SDK's `audio.transcriptions.create`: OpenAI itself, or
 * any OpenAI-compatible server (faster-whisper servers, whisper.cpp's server, vLLM) by base URL.
 * This is how Whisper gets its own GPU machines.
 *
 * @module
 */
import OpenAI, { toFile } from 'openai';
import { writeWav } from '../../audio/index.js';
import type { OpenAiSttConfig } from './config.js';
import { sttFailure } from './failure.js';
import type { SttEngine, SttRequest, SttResult } from './stt-engine.js';

const SAMPLE_RATE = 16_000;

/**
 * Sends each utterance as a 16 kHz 16-bit WAV file in one multipart POST to
 * `<baseUrl>/audio/transcriptions`. No SDK retries: a failure goes at once to the fallback engine.
 *
 * @example
 * ```ts
 * const stt = new OpenAiStt({ baseUrl: 'http://gpu-1:8000/v1', apiKey: 'none', model: 'Systran/faster-whisper-base', timeoutMs: 1500 });
 * const { text } = await stt.transcribe({ audio, language: 'en', signal });
 * ```
 */
export class OpenAiStt implements SttEngine {
  readonly name = 'openai';
  readonly #client: OpenAI;
  readonly #model: string;

  constructor(config: OpenAiSttConfig) {
    this.#model = config.model;
    this.#client = new OpenAI({
      apiKey: config.apiKey,
      ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
      timeout: config.timeoutMs,
      maxRetries: 0,
    });
  }

  /**
   * Transcribes one utterance.
   *
   * @throws SttEngineError (refused, auth, rate_limit, timeout, server, bad_response).
   */
  async transcribe(request: SttRequest): Promise<SttResult> {
    const file = await toFile(writeWav(request.audio, SAMPLE_RATE), 'utterance.wav', {
      type: 'audio/wav',
    });
    let text: unknown;
    try {
      const response = await this.#client.audio.transcriptions.create(
        {
          file,
          model: this.#model,
          response_format: 'json',
          ...(request.language ? { language: request.language } : {}),
        },
        request.signal ? { signal: request.signal } : {},
      );
      text = (response as { text?: unknown }).text;
    } catch (err) {
      throw sttFailure(this.name, err, request.signal);
    }
    if (typeof text !== 'string') {
      throw sttFailure(this.name, new Error('the transcription response has no text'));
    }
    return {
      text: text.trim(),
      ...(request.language ? { language: request.language } : {}),
      engine: this.name,
      audioSeconds: request.audio.length / SAMPLE_RATE,
    };
  }
}
