/**
 * Text normalization for cache keys: two utterances that differ only in case, spacing,
 * punctuation or Unicode composition share one cache entry.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * Normalizes a query for cache keys: Unicode NFC, lowercase, punctuation removed, whitespace
 * collapsed and trimmed. Speech-to-text output varies in exactly these ways between two callers
 * asking the same thing; the embedding of the variants differs by far less than STT noise.
 *
 * @example
 * ```ts
 * normalizeQuery('  Do you   DELIVER?! '); // 'do you deliver'
 * ```
 */
export function normalizeQuery(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Hex SHA-256 of a string (UTF-8). */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
