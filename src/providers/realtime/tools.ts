/**
 * Tools of a Realtime session: what the model may call, how a call is run (bounded, abortable,
 * never throwing into the session), and `search_knowledge`, the knowledge base as a tool.
 *
 * @module
 */
import type { RealtimeFunctionTool } from 'openai/resources/realtime/realtime';
import { AbortedError, TimeoutError } from '../../errors.js';

/** A function the model may call during a session. */
export interface RealtimeTool {
  /** Function name the model calls, e.g. `search_knowledge`, `transfer_call`. */
  name: string;
  /** When to call it, for the model. */
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
  /**
   * This tool's deadline, ms (a business webhook's own, longer timeout); the session's tool
   * deadline when undefined.
   */
  timeoutMs?: number;
  /**
   * Runs the call. The result is sent to the model as the function's output (strings as they
   * are, anything else as JSON). Pass `signal` on: it aborts at the tool deadline and hang-up.
   */
  run(args: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
}

/**
 * A tool's output after which the model is not asked for another response: the tool decided
 * the turn (the call ends or is transferred), the call machine speaks next.
 */
export class FinalToolOutput {
  constructor(readonly value: unknown) {}
}

/** A knowledge-base passage as `search_knowledge` returns it to the model. */
export interface KnowledgePassage {
  text: string;
  /** Where it comes from (`document:line`), when known. */
  source?: string;
  score?: number;
}

/** Finds passages for a query (the hybrid retriever, in the runtime). */
export type RetrieveFn = (
  query: string,
  signal: AbortSignal,
) => Promise<readonly KnowledgePassage[]>;

/** Name of the knowledge tool. */
export const SEARCH_KNOWLEDGE = 'search_knowledge';

/**
 * The knowledge base as a tool: the model calls `search_knowledge({ query })` and gets the
 * passages found, numbered, or a note that nothing was found.
 *
 * @example
 * ```ts
 * const tool = searchKnowledgeTool(async (query, signal) => (await retriever.retrieve(query, { signal })).passages);
 * ```
 */
export function searchKnowledgeTool(retrieve: RetrieveFn, maxPassages = 4): RealtimeTool {
  return {
    name: SEARCH_KNOWLEDGE,
    description:
      "Search the business's knowledge base (hours, prices, services, policies). Call it before answering any factual question about the business, with the caller's question as the query.",
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: "the caller's question" } },
      required: ['query'],
      additionalProperties: false,
    },
    async run(args, signal) {
      const query = typeof args.query === 'string' ? args.query.trim() : '';
      if (!query) return { error: 'query is required' };
      const passages = (await retrieve(query, signal)).slice(0, maxPassages);
      if (passages.length === 0) return 'Nothing relevant was found in the knowledge base.';
      return passages.map((p, i) => `[${i + 1}] ${p.text}`).join('\n');
    },
  };
}

/** The session's `tools` entry of each tool. */
export function sessionTools(tools: readonly RealtimeTool[]): RealtimeFunctionTool[] {
  return tools.map((t) => ({
    type: 'function',
    name: t.name,
    description: t.description,
    parameters: t.parameters,
  }));
}

/** What one tool call gave: the output for the model, and whether the tool succeeded. */
export interface ToolCallResult {
  output: string;
  ok: boolean;
  durationMs: number;
  /** The tool returned a {@link FinalToolOutput}: no response follows. */
  final: boolean;
}

/**
 * Runs a function call the model made, within the tool's own `timeoutMs` (else `timeoutMs`) and
 * `signal`. Never throws: an unknown
 * tool, bad JSON, a failure or a timeout is an `{ "error": ... }` output the model can talk
 * about. Only an abort of `signal` (hang-up) rejects, with {@link AbortedError}.
 */
export async function runToolCall(
  tools: readonly RealtimeTool[],
  name: string,
  argsJson: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ToolCallResult> {
  const startedAt = performance.now();
  const done = (result: unknown, ok: boolean): ToolCallResult => {
    const final = result instanceof FinalToolOutput;
    const output = final ? result.value : result;
    return {
      output: typeof output === 'string' ? output : JSON.stringify(output),
      ok,
      durationMs: performance.now() - startedAt,
      final,
    };
  };
  const tool = tools.find((t) => t.name === name);
  if (!tool) return done({ error: `unknown tool ${name}` }, false);
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = argsJson.trim() === '' ? {} : JSON.parse(argsJson);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return done({ error: 'arguments must be a JSON object' }, false);
    }
    args = parsed as Record<string, unknown>;
  } catch {
    return done({ error: 'arguments are not valid JSON' }, false);
  }
  const deadlineMs = tool.timeoutMs ?? timeoutMs;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TimeoutError(`tool ${name}`, deadlineMs);
      controller.abort(err);
      reject(err);
    }, deadlineMs);
  });
  try {
    if (signal.aborted) throw new AbortedError(`tool ${name}`);
    return done(await Promise.race([tool.run(args, controller.signal), deadline]), true);
  } catch (err) {
    if (signal.aborted) throw new AbortedError(`tool ${name}`, { cause: err });
    return done({ error: err instanceof Error ? err.message : String(err) }, false);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
