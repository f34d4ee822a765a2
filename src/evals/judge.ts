/**
 * The optional LLM judge of an eval: asks the strong model whether an answer meets a criterion
 * written in the suite (`expect.judge`). It exists only when an LLM provider is configured (an
 * API key is set); without one, judged turns are reported as skipped, never as passed.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { AnswerConfig } from '../answer/config.js';
import { buildModelSet } from '../answer/create-answerer.js';

/** A judge's verdict. */
export interface Verdict {
  pass: boolean;
  reason: string;
}

/** Judges `answer` to `question` against `criterion`. */
export type Judge = (question: string, answer: string, criterion: string) => Promise<Verdict>;

const SYSTEM =
  'You grade a phone bot. Reply with PASS or FAIL on the first line, then one short sentence why.';

/** The judge of `config`'s strong model, or undefined when no LLM provider is configured. */
export function createJudge(config: AnswerConfig, registry?: Registry): Judge | undefined {
  if (Object.keys(config.providers).length === 0) return undefined;
  const set = buildModelSet(config, registry);
  const model = set.strong[0] ?? set.cheap[0];
  if (!model) return undefined;
  return async (question, answer, criterion) => {
    let text = '';
    for await (const chunk of model.stream({
      system: SYSTEM,
      messages: [
        {
          role: 'user',
          content: `Caller: ${question}\nBot: ${answer}\nCriterion: ${criterion}`,
        },
      ],
      maxTokens: 60,
      temperature: 0,
    })) {
      if (chunk.type === 'text') text += chunk.text;
    }
    const [first = '', ...rest] = text.trim().split('\n');
    return { pass: /^\s*PASS\b/i.test(first), reason: rest.join(' ').trim() || first.trim() };
  };
}
