/**
 * The one loop that turns text into audio in a playback item, shared by the actors that speak
 * (`speak`, `playFiller`, `streamAnswer`): synthesize through the TTS service (cache first),
 * append each chunk to the item, and end the item when the text has been synthesized.
 *
 * @module
 */
import type { PlaybackItem } from '../media/playback-queue.js';
import type { SynthesizeOptions, TtsService, TtsSource } from '../speech/tts-service.js';

/** What one synthesis into a playback item produced. */
export interface SynthesizedInto {
  /** Audio bytes appended to the item. */
  bytes: number;
  /** Where the audio came from (cache layer or engine); undefined when nothing was said. */
  source: TtsSource | undefined;
}

/**
 * Synthesizes `text` into `item` and ends the item. On failure or abort the item is left as it
 * is (the caller decides whether to cancel it) and the error is thrown.
 *
 * @example
 * ```ts
 * const item = playback.open('prompt', { label: 'greeting' });
 * const { bytes } = await synthesizeInto(tts, item, text, { language: 'en', format, signal });
 * ```
 */
export async function synthesizeInto(
  tts: Pick<TtsService, 'synthesize'>,
  item: PlaybackItem,
  text: string,
  options: Omit<SynthesizeOptions, 'onSource'> & { onFirstAudio?: () => void },
): Promise<SynthesizedInto> {
  let bytes = 0;
  let source: TtsSource | undefined;
  const { onFirstAudio, ...synth } = options;
  for await (const chunk of tts.synthesize(text, {
    ...synth,
    onSource: (s) => {
      source = s;
    },
  })) {
    if (bytes === 0 && chunk.byteLength > 0) onFirstAudio?.();
    bytes += chunk.byteLength;
    item.append(chunk);
  }
  item.end();
  return { bytes, source };
}
