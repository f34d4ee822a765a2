/**
 * The session's transcripts of the caller's turns, for the `transcribe` actor of a realtime call:
 * with local turns, the transcript that follows a commit; with the session's turn detection, the
 * transcript of the turn's input item (it may come before or after the machine asks for it), by
 * the utterance the realtime endpointing actor stored for that turn.
 *
 * @module
 */
import type { RealtimeSession } from '../providers/realtime/session.js';

/** Most turns and transcripts remembered. */
const KEEP = 16;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value as K);
}

/** One call's caller transcripts. */
export class CallerTranscripts {
  readonly #byItem = new Map<string, string>();
  readonly #turnItems = new Map<string, string>();

  /** Follows the session's transcripts. */
  follow(rt: RealtimeSession): void {
    rt.on('caller.transcript', ({ itemId, text }) => remember(this.#byItem, itemId, text));
  }

  /** The session's input item of a turn the session ended, by utterance id. */
  noteTurn(utteranceId: string, itemId: string): void {
    remember(this.#turnItems, utteranceId, itemId);
  }

  /** The session's item of an utterance, when the session ended that turn. */
  turnItem(utteranceId: string | undefined): string | undefined {
    return utteranceId === undefined ? undefined : this.#turnItems.get(utteranceId);
  }

  /**
   * The transcript of the turn `itemId` (undefined: the next one, after a commit); undefined when
   * the session fails or `signal` aborts first.
   */
  next(rt: RealtimeSession, itemId: string | undefined, signal: AbortSignal) {
    const known = itemId === undefined ? undefined : this.#byItem.get(itemId);
    if (known !== undefined) return Promise.resolve<string | undefined>(known);
    return new Promise<string | undefined>((resolve) => {
      const finish = (text: string | undefined) => {
        rt.off('caller.transcript', onCaller);
        rt.off('failed', onGone);
        signal.removeEventListener('abort', onGone);
        resolve(text);
      };
      const onCaller = (t: { itemId: string; text: string }) => {
        if (itemId === undefined || t.itemId === itemId) finish(t.text);
      };
      const onGone = () => finish(undefined);
      rt.on('caller.transcript', onCaller);
      rt.once('failed', onGone);
      signal.addEventListener('abort', onGone, { once: true });
    });
  }
}
