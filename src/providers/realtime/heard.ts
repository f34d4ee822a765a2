/**
 * What the caller heard of the model's speech when they barged in: the audio of a response comes
 * item by item (before and after a tool call), each with its transcript (deltas, then the whole);
 * the playback queue knows how many of the response's frames were sent. The words heard are the
 * whole transcripts of the items played to the end and, of the item cut, the share of its
 * transcript that its heard audio is of its audio, cut back to a word boundary. The share is an
 * estimate (speech is not spoken at an even rate), as close as the session's events allow: its
 * transcript deltas do not say where in the audio they fall.
 *
 * @module
 */

/** One audio item of a response as it arrived. */
export interface SpokenItem {
  itemId: string;
  /** Playback frames (20 ms) of it that came. */
  frames: number;
  /** Its transcript so far: the deltas, then the final text. */
  text: string;
}

/** Where the caller stopped hearing a response. */
export interface HeardPart {
  /** The words heard. */
  text: string;
  /**
   * The item being heard when it stopped (the one to truncate), and the position in it; the first
   * item not heard at all (position 0) when playback stopped between two items.
   */
  itemId?: string;
  heardInItemMs?: number;
  /** Audio that came for that item, ms. */
  itemMs?: number;
  /** True when the caller heard less than everything that came. */
  cut: boolean;
}

const FRAME_MS = 20;

/** The first `share` (0..1) of `text`, ending at a word boundary. */
export function shareOfText(text: string, share: number): string {
  if (share >= 1) return text.trim();
  if (share <= 0) return '';
  const at = Math.round(text.length * share);
  if (at >= text.length || /\s/.test(text[at] ?? '')) return text.slice(0, at).trim();
  const space = text.lastIndexOf(' ', at);
  return space < 0 ? '' : text.slice(0, space).trim();
}

/**
 * What the caller heard of `items` after `framesPlayed` frames of them were sent, in order.
 *
 * @example
 * ```ts
 * heardPart([{ itemId: 'a', frames: 100, text: 'We open at nine on Sunday.' }], 50);
 * // { text: 'We open at', itemId: 'a', heardInItemMs: 1000, itemMs: 2000, cut: true }
 * ```
 */
export function heardPart(items: readonly SpokenItem[], framesPlayed: number): HeardPart {
  const words: string[] = [];
  let left = framesPlayed;
  let heard: Pick<HeardPart, 'itemId' | 'heardInItemMs' | 'itemMs'> = {};
  let cut = false;
  for (const item of items) {
    if (item.frames === 0) continue;
    if (left <= 0) {
      // Nothing of this item was heard: it is the one to truncate, at its start.
      heard = { itemId: item.itemId, heardInItemMs: 0, itemMs: item.frames * FRAME_MS };
      cut = true;
      break;
    }
    const played = Math.min(left, item.frames);
    left -= played;
    heard = {
      itemId: item.itemId,
      heardInItemMs: played * FRAME_MS,
      itemMs: item.frames * FRAME_MS,
    };
    const text = shareOfText(item.text, played / item.frames);
    if (text) words.push(text);
    if (played < item.frames) {
      cut = true;
      break;
    }
  }
  return { text: words.join(' '), ...heard, cut };
}
