/**
 * Runs the tools the model calls: a business's HTTP tools (arguments checked against the tool's
 * JSON schema with ajv first, so a bad call is reported to the model and never sent; headers
 * from named environment variables; a timeout; the caller's signal aborts the request) and the
 * built-ins (`transfer_call` and `end_call` end the answer with an action for the call machine,
 * `send_dtmf` plays digits on the line). The outcome is what goes back to the model.
 *
 * @module
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Registry } from 'prom-client';
import { AbortedError, ConfigError } from '../errors.js';
import type { ToolCall, ToolSpec } from '../providers/llm/llm-provider.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import { silentLogger } from '../telemetry/logger.js';
import type { BuiltinToolName, BusinessActions, HttpToolConfig } from './tool-config.js';

/** What a tool asks the call to do once the answer has been spoken. */
export type ToolAction =
  | { type: 'call.transfer'; mode: 'blind' | 'attended'; target?: string; summary: string }
  | { type: 'call.end'; reason: string };

/** The result of one tool call. */
export interface ToolOutcome {
  /** Told to the model as the tool's result. */
  content: string;
  /** True when the call was refused (bad arguments, unknown tool) or the tool failed. */
  isError: boolean;
  /** `invalid` (not executed), `failed`, `timeout` or `ok`. */
  status: 'ok' | 'invalid' | 'failed' | 'timeout';
  /** Time spent waiting for the webhook, ms (0 for built-ins and refused calls). */
  webhookMs: number;
  /** The webhook's HTTP status, when it answered. */
  httpStatus?: number;
  /** A decisive action for the call machine; the answer ends with it. */
  action?: ToolAction;
}

/** Runs tool calls. */
export interface ToolRunner {
  /** The tools offered to the model. */
  readonly specs: readonly ToolSpec[];
  /** A slow tool gets a filler after this long, ms. */
  fillerAfterMs(name: string): number;
  /** Runs one call; throws `AbortedError` when `signal` aborts (hang-up, barge-in). */
  run(call: ToolCall, signal: AbortSignal): Promise<ToolOutcome>;
}

/** Dependencies of {@link createToolRunner}. */
export interface ToolRunnerDeps {
  actions: BusinessActions;
  /** Where header values are read from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Plays DTMF digits on the call's line (outbound); without it `send_dtmf` is not offered. */
  sendDtmf?: (digits: string, signal: AbortSignal) => Promise<void>;
  fetch?: typeof fetch;
  registry?: Registry;
  logger?: Logger;
}

const BUILTIN_SPECS: Record<BuiltinToolName, ToolSpec> = {
  transfer_call: {
    name: 'transfer_call',
    description:
      'Transfer the caller to a person. Use when the caller asks for a human or you cannot help.',
    parameters: {
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'One sentence for the agent about the call' },
        mode: { type: 'string', enum: ['blind', 'attended'] },
      },
      required: ['summary'],
      additionalProperties: false,
    },
  },
  end_call: {
    name: 'end_call',
    description: 'End the call when the caller says goodbye or has nothing more to ask.',
    parameters: {
      type: 'object',
      properties: { reason: { type: 'string' } },
      additionalProperties: false,
    },
  },
  send_dtmf: {
    name: 'send_dtmf',
    description: 'Press keypad digits on the line (an outbound call reaching a phone menu).',
    parameters: {
      type: 'object',
      properties: { digits: { type: 'string', pattern: '^[0-9*#A-D]{1,32}$' } },
      required: ['digits'],
      additionalProperties: false,
    },
  },
};

const MAX_RESULT_CHARS = 4000;

/**
 * Creates the tool runner of a business.
 *
 * @throws ConfigError when a tool's schema does not compile or a header variable is unset.
 * @example
 * ```ts
 * const tools = createToolRunner({ actions: parseBusinessActions(json), registry });
 * const outcome = await tools.run({ id, name: 'book_table', arguments: '{"people":2}' }, signal);
 * ```
 */
export function createToolRunner(deps: ToolRunnerDeps): ToolRunner {
  const env = deps.env ?? process.env;
  const doFetch = deps.fetch ?? fetch;
  const log = deps.logger ?? silentLogger();
  const calls = deps.registry
    ? catalogCounter(deps.registry, 'voxstate_tool_calls_total')
    : undefined;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = new Map<string, ValidateFunction>();
  const http = new Map<string, HttpToolConfig>();
  const specs: ToolSpec[] = [];

  const offer = (spec: ToolSpec) => {
    try {
      validators.set(spec.name, ajv.compile(spec.parameters));
    } catch (err) {
      throw new ConfigError(`tool "${spec.name}": bad JSON schema: ${(err as Error).message}`);
    }
    specs.push(spec);
  };
  for (const tool of deps.actions.tools) {
    for (const [header, variable] of Object.entries(tool.endpoint.headersFromEnv)) {
      if (!env[variable]) {
        throw new ConfigError(`tool "${tool.name}": header ${header} needs ${variable}, unset`);
      }
    }
    offer({ name: tool.name, description: tool.description, parameters: tool.parameters });
    http.set(tool.name, tool);
  }
  for (const name of deps.actions.builtins) {
    if (name === 'send_dtmf' && !deps.sendDtmf) continue;
    offer(BUILTIN_SPECS[name]);
  }

  const refuse = (why: string): ToolOutcome => ({
    content: `error: ${why}. The call was not made.`,
    isError: true,
    status: 'invalid',
    webhookMs: 0,
  });

  async function callWebhook(
    tool: HttpToolConfig,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ToolOutcome> {
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [header, variable] of Object.entries(tool.endpoint.headersFromEnv)) {
      headers[header] = env[variable] ?? '';
    }
    const url = new URL(tool.endpoint.url);
    let body: string | undefined;
    if (tool.endpoint.method === 'GET' || tool.endpoint.method === 'DELETE') {
      for (const [k, v] of Object.entries(args)) {
        url.searchParams.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      }
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(args);
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, tool.timeoutMs);
    const started = performance.now();
    const failed = (
      status: 'failed' | 'timeout',
      why: string,
      httpStatus?: number,
    ): ToolOutcome => ({
      content: `error: the tool ${why}. Tell the caller: "${tool.onFailure}"`,
      isError: true,
      status,
      webhookMs: performance.now() - started,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
    });
    try {
      const res = await doFetch(url, {
        method: tool.endpoint.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: controller.signal,
      });
      const text = (await res.text()).slice(0, MAX_RESULT_CHARS);
      if (!res.ok) return failed('failed', `failed with HTTP ${res.status}`, res.status);
      return {
        content: text || 'ok',
        isError: false,
        status: 'ok',
        webhookMs: performance.now() - started,
        httpStatus: res.status,
      };
    } catch (err) {
      if (signal.aborted) throw new AbortedError(`tool ${tool.name}`, { cause: err });
      if (timedOut) return failed('timeout', `timed out after ${tool.timeoutMs} ms`);
      return failed('failed', `could not be reached (${(err as Error).message})`);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  async function runValid(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ToolOutcome> {
    const tool = http.get(name);
    if (tool) return callWebhook(tool, args, signal);
    if (name === 'end_call') {
      const reason = typeof args.reason === 'string' ? args.reason : 'caller_done';
      return {
        content: 'ok: the call ends after a goodbye.',
        isError: false,
        status: 'ok',
        webhookMs: 0,
        action: { type: 'call.end', reason },
      };
    }
    if (name === 'transfer_call') {
      const transfer = deps.actions.transfer;
      const mode = args.mode === 'attended' || args.mode === 'blind' ? args.mode : transfer?.mode;
      return {
        content: 'ok: transferring the caller.',
        isError: false,
        status: 'ok',
        webhookMs: 0,
        action: {
          type: 'call.transfer',
          mode: mode ?? 'blind',
          ...(transfer?.target ? { target: transfer.target } : {}),
          summary: String(args.summary),
        },
      };
    }
    await deps.sendDtmf?.(String(args.digits), signal);
    return { content: 'ok: digits sent.', isError: false, status: 'ok', webhookMs: 0 };
  }

  return {
    specs,
    fillerAfterMs: (name) => http.get(name)?.fillerAfterMs ?? Number.POSITIVE_INFINITY,
    async run(call, signal) {
      if (signal.aborted) throw new AbortedError(`tool ${call.name}`);
      const validate = validators.get(call.name);
      let outcome: ToolOutcome;
      let args: unknown;
      try {
        args = JSON.parse(call.arguments || '{}');
      } catch {
        args = undefined;
      }
      if (!validate) outcome = refuse(`there is no tool named "${call.name}"`);
      else if (args === undefined) outcome = refuse('the arguments are not valid JSON');
      else if (!validate(args)) {
        outcome = refuse(`bad arguments: ${ajv.errorsText(validate.errors, { dataVar: 'args' })}`);
      } else outcome = await runValid(call.name, args as Record<string, unknown>, signal);
      calls?.inc({ tool: validate ? call.name : 'unknown', status: outcome.status });
      log.info(
        { tool: call.name, status: outcome.status, webhookMs: Math.round(outcome.webhookMs) },
        'tool call',
      );
      return outcome;
    },
  };
}
