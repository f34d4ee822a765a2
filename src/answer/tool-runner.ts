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
import { BUILTIN_SPECS, transferSpec } from './builtin-tools.js';
import type { BusinessActions, HttpToolConfig } from './tool-config.js';
import { transferModeAt } from './transfer-config.js';
import { WebhookClient } from './webhook-client.js';

/** What a tool asks the call to do once the answer has been spoken. */
export type ToolAction =
  | { type: 'call.transfer'; mode?: 'blind' | 'attended'; target?: string; summary: string }
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
  /** A webhook tool's own timeout, ms; undefined for built-ins (they answer at once). */
  timeoutMs(name: string): number | undefined;
  /** Runs one call; throws `AbortedError` when `signal` aborts (hang-up, barge-in). */
  run(call: ToolCall, signal: AbortSignal): Promise<ToolOutcome>;
  /**
   * The runner of one call on `line`: the same tools (schemas compiled once per business),
   * plus `send_dtmf` when the business enables it and the line can send digits.
   */
  forCall(line: ToolLine): ToolRunner;
}

/** What a call's line offers the built-in tools. */
export interface ToolLine {
  /** Sends DTMF digits to the far end (outbound calls); absent: `send_dtmf` is not offered. */
  sendDtmf?: (digits: string, signal: AbortSignal) => Promise<void>;
}

/** Dependencies of {@link createToolRunner}. */
export interface ToolRunnerDeps {
  actions: BusinessActions;
  /** Where header values are read from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The webhook HTTP client (default: one keep-alive {@link WebhookClient} for the runner). */
  http?: WebhookClient;
  registry?: Registry;
  logger?: Logger;
}

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
  const client = deps.http ?? new WebhookClient();
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
  let dtmfSpec: ToolSpec | undefined;
  for (const name of deps.actions.builtins) {
    const spec =
      name === 'transfer_call' ? transferSpec(deps.actions.transfer) : BUILTIN_SPECS[name];
    if (name === 'send_dtmf') {
      validators.set(spec.name, ajv.compile(spec.parameters));
      dtmfSpec = spec;
    } else offer(spec);
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
      const res = await client.send(url, {
        method: tool.endpoint.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: controller.signal,
        maxChars: MAX_RESULT_CHARS,
      });
      if (!res.ok) return failed('failed', `failed with HTTP ${res.status}`, res.status);
      return {
        content: res.text || 'ok',
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
    line: ToolLine | undefined,
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
      const plan = deps.actions.transfer;
      const name = typeof args.target === 'string' ? args.target : plan?.default;
      const target = name !== undefined ? plan?.targets[name] : undefined;
      if (!plan || !target) {
        const known = Object.keys(plan?.targets ?? {}).join(', ');
        return refuse(`there is no transfer target "${name}" (targets: ${known})`);
      }
      const requested = args.mode === 'attended' || args.mode === 'blind' ? args.mode : undefined;
      return {
        content: `ok: transferring the caller to ${target.name}.`,
        isError: false,
        status: 'ok',
        webhookMs: 0,
        action: {
          type: 'call.transfer',
          mode: transferModeAt(target, requested),
          target: target.name,
          summary: String(args.summary),
        },
      };
    }
    if (!line?.sendDtmf) return refuse('this call cannot send digits');
    const digits = String(args.digits);
    const started = performance.now();
    try {
      await line.sendDtmf(digits, signal);
    } catch (err) {
      if (signal.aborted) throw new AbortedError('send_dtmf', { cause: err });
      return {
        content: `error: the digits could not be sent (${(err as Error).message}).`,
        isError: true,
        status: 'failed',
        webhookMs: performance.now() - started,
      };
    }
    return { content: `ok: pressed ${digits}.`, isError: false, status: 'ok', webhookMs: 0 };
  }

  const runner = (offered: readonly ToolSpec[], line: ToolLine | undefined): ToolRunner => ({
    specs: offered,
    fillerAfterMs: (name) => http.get(name)?.fillerAfterMs ?? Number.POSITIVE_INFINITY,
    forCall: (next) => runner(dtmfSpec && next.sendDtmf ? [...specs, dtmfSpec] : specs, next),
    timeoutMs: (name) => http.get(name)?.timeoutMs,
    async run(call, signal) {
      if (signal.aborted) throw new AbortedError(`tool ${call.name}`);
      const offeredHere = offered.some((s) => s.name === call.name);
      const validate = offeredHere ? validators.get(call.name) : undefined;
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
      } else outcome = await runValid(call.name, args as Record<string, unknown>, signal, line);
      calls?.inc({ tool: validate ? call.name : 'unknown', status: outcome.status });
      log.info(
        { tool: call.name, status: outcome.status, webhookMs: Math.round(outcome.webhookMs) },
        'tool call',
      );
      return outcome;
    },
  });
  return runner(specs, undefined);
}
