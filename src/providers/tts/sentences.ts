/**
 * Splits text into sentence-sized pieces for engines that synthesize a whole utterance at
 * once, so that the first sentence can play while the next is synthesized.
 *
 * @module
 */

const BOUNDARY = /(?<=[.!?…;:])\s+|(?<=[。！？])/u;

/**
 * The sentences of `text`, trimmed, with pieces shorter than `minChars` merged into the next
 * one (a lone "Hi." sounds choppy as its own utterance).
 *
 * @example
 * ```ts
 * splitSentences('Hello. How can I help you today?'); // ['Hello. How can I help you today?']
 * splitSentences('We open at nine. We close at five on Fridays.', 10);
 * // ['We open at nine.', 'We close at five on Fridays.']
 * ```
 */
export function splitSentences(text: string, minChars = 12): string[] {
  const parts = text
    .split(BOUNDARY)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const out: string[] = [];
  let carry = '';
  for (const part of parts) {
    carry = carry ? `${carry} ${part}` : part;
    if (carry.length >= minChars) {
      out.push(carry);
      carry = '';
    }
  }
  if (carry) {
    if (out.length > 0 && carry.length < minChars) out[out.length - 1] += ` ${carry}`;
    else out.push(carry);
  }
  return out;
}
