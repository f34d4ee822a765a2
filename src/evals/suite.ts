/**
 * The eval suite file (`voxstate eval <suite>`): scripted calls, each a caller script whose `say`
 * steps may carry what the bot's answer to them must satisfy, plus the call's expected outcome.
 * JSON or YAML, validated with zod; an error names the file and the path of the bad value
 * (`bakery.json: calls[3].steps[2].expect.matches: ...`). See docs/evals.md.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, ParseError } from '../errors.js';
import type { CallerScript } from '../simulator/caller-script.js';
import { parseCallerScript } from '../simulator/script-file.js';

const ms = z.number().finite().nonnegative();

/** A latency budget, ms from the caller's last word. */
const budgetsSchema = z
  .object({
    /** First audible response: the filler, or the answer when no filler was needed. */
    fillerMs: ms.optional(),
    /** First audio of the answer itself. */
    answerMs: ms.optional(),
  })
  .strict();

const regex = z.string().refine(
  (s) => {
    try {
      new RegExp(s, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const strings = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** What the bot's answer to one utterance must satisfy. */
const expectSchema = z
  .object({
    contains: strings.optional(),
    notContains: strings.optional(),
    matches: regex.optional(),
    /** A retrieved passage whose source (`document:line`) or id contains this text. */
    cites: z.string().min(1).optional(),
    /** A criterion for an LLM judge; checked only when an LLM key is configured. */
    judge: z.string().min(1).optional(),
    budgets: budgetsSchema.optional(),
  })
  .strict();

const endReasons = [
  'hangup',
  'max_turns',
  'max_silence',
  'max_duration',
  'not_understood',
  'error',
] as const;

const outcomeSchema = z
  .object({
    endReason: z.enum(endReasons).optional(),
    transferred: z.boolean().optional(),
    /** Answered turns: at least, at most. */
    minTurns: z.number().int().nonnegative().optional(),
    maxTurns: z.number().int().nonnegative().optional(),
  })
  .strict();

const callSchema = z
  .object({
    name: z.string().min(1),
    /** The call's language (ISO 639-1); default the script's voice, else `en`. */
    language: z.string().min(2).optional(),
    /** espeak-ng voice of the caller; default the language. */
    voice: z.string().min(2).optional(),
    /** Caller steps (see `voxstate demo --script`); a `say` step may carry `expect`. */
    steps: z.array(z.record(z.string(), z.unknown())).min(1),
    outcome: outcomeSchema.optional(),
    /** Place this call this many times (default 1). */
    repeat: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

const suiteSchema = z
  .object({
    name: z.string().min(1).optional(),
    /** Calls in flight at once (default 4). */
    concurrency: z.number().int().min(1).max(64).optional(),
    /** Budgets for every checked turn, unless the turn sets its own. */
    budgets: budgetsSchema.optional(),
    /** The longest a call may last before it is hung up, ms (default 60000). */
    callTimeoutMs: ms.optional(),
    calls: z.array(callSchema).min(1),
  })
  .strict();

/** Latency budgets of a turn, ms from the caller's last word. */
export type EvalBudgets = z.infer<typeof budgetsSchema>;
/** What one answer must satisfy. */
export type TurnExpectation = z.infer<typeof expectSchema>;
/** What a call's end must look like. */
export type OutcomeExpectation = z.infer<typeof outcomeSchema>;

/** One scripted call of a suite, ready to place. */
export interface EvalCall {
  name: string;
  language: string;
  script: CallerScript;
  /** For each `say` step, in order: its text and what its answer must satisfy (if anything). */
  turns: { say: string; expect?: TurnExpectation }[];
  outcome?: OutcomeExpectation;
}

/** A validated suite. */
export interface EvalSuite {
  name: string;
  concurrency: number;
  budgets: EvalBudgets;
  callTimeoutMs: number;
  calls: EvalCall[];
}

/** `calls[3].steps[2].expect` from a zod issue path. */
function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * Validates a parsed suite (JSON or YAML value); `source` names it in errors.
 *
 * @throws ParseError naming the path of the first bad value.
 */
export function parseSuite(value: unknown, source = 'suite'): EvalSuite {
  const parsed = suiteSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? pathText(issue.path) : '';
    throw new ParseError(source, `${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  const raw = parsed.data;
  const calls: EvalCall[] = [];
  raw.calls.forEach((c, i) => {
    const turns: EvalCall['turns'] = [];
    const steps = c.steps.map((step, j) => {
      const { expect, ...rest } = step;
      if (expect !== undefined) {
        const where = `calls[${i}].steps[${j}].expect`;
        if (typeof rest.say !== 'string') {
          throw new ParseError(source, `${where}: only a "say" step has an expectation`);
        }
        const e = expectSchema.safeParse(expect);
        if (!e.success) {
          const issue = e.error.issues[0];
          const sub = issue ? pathText(issue.path) : '';
          throw new ParseError(
            source,
            `${where}${sub ? `.${sub}` : ''}: ${issue?.message ?? 'invalid'}`,
          );
        }
        turns.push({ say: rest.say, expect: e.data });
      } else if (typeof rest.say === 'string') {
        turns.push({ say: rest.say });
      }
      return rest;
    });
    const language = c.language ?? c.voice?.slice(0, 2) ?? 'en';
    const script = parseCallerScript(
      { lang: c.voice ?? language, steps },
      `${source}: calls[${i}] (${c.name})`,
    );
    for (let r = 0; r < (c.repeat ?? 1); r++) {
      calls.push({
        name: c.repeat && c.repeat > 1 ? `${c.name} #${r + 1}` : c.name,
        language,
        script,
        turns,
        ...(c.outcome ? { outcome: c.outcome } : {}),
      });
    }
  });
  return {
    name: raw.name ?? source,
    concurrency: raw.concurrency ?? 4,
    budgets: raw.budgets ?? {},
    callTimeoutMs: raw.callTimeoutMs ?? 60_000,
    calls,
  };
}

/**
 * Reads a suite file: `.yaml`/`.yml` as YAML, anything else as JSON.
 *
 * @throws ConfigError when it cannot be read, ParseError when it is not a valid suite.
 */
export async function loadSuite(path: string): Promise<EvalSuite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the eval suite ${path}${code === 'ENOENT' ? ': no such file' : `: ${(err as Error).message}`}`,
    );
  }
  const yaml = /^\.ya?ml$/i.test(extname(path));
  let value: unknown;
  try {
    value = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ParseError(
      path,
      `not valid ${yaml ? 'YAML' : 'JSON'} (${(err as Error).message.split('\n')[0]})`,
    );
  }
  return parseSuite(value, path);
}
