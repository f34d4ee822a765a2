/**
 * An FAQ pair becomes exactly one chunk, question and answer together, never split.
 *
 * @module
 */
import { isKbLanguage } from '../language.js';
import type { ChunkDraft } from '../types.js';

/** Longest FAQ record (a JSONL line, a CSV record) read, characters; a longer one is reported. */
export const MAX_RECORD_CHARS = 1024 * 1024;

/** One question/answer pair read from a file. */
export interface FaqPair {
  question: string;
  answer: string;
  lang?: string;
}

/**
 * The chunk for an FAQ pair, or a message saying what is wrong with it.
 */
export function faqChunk(pair: FaqPair, line: number): ChunkDraft | string {
  const question = pair.question.replace(/\s+/gu, ' ').trim();
  const answer = pair.answer.replace(/\s+/gu, ' ').trim();
  if (!question) return 'empty question';
  if (!answer) return 'empty answer';
  const chunk: ChunkDraft = { text: `${question}\n${answer}`, kind: 'faq', title: question, line };
  if (pair.lang) {
    if (!isKbLanguage(pair.lang)) return `unknown lang "${pair.lang}" (use en, ru, uk, he)`;
    chunk.lang = pair.lang;
  }
  return chunk;
}
