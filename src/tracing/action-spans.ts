/**
 * The spans of what a call does beyond talking: a tool call under its turn (GenAI
 * `execute_tool <name>`: outcome, webhook time, HTTP status; the model's arguments only when
 * text is allowed) and a transfer to a person under the call (kind, outcome, request to
 * bridged).
 *
 * @module
 */
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from '@opentelemetry/semantic-conventions/incubating';
import type { ToolProgressEvent } from '../calls/events.js';
import type { TransferTiming } from '../calls/timeline.js';

/** Starts a span at a timeline time (the tracer's child maker, parent already chosen). */
export type StartSpan = (name: string, startMs: number) => Span;

type ToolStarted = Extract<ToolProgressEvent, { type: 'tool.started' }>;
type ToolFinished = Extract<ToolProgressEvent, { type: 'tool.finished' }>;

/** Span names of tool calls and transfers. */
export const ACTION_SPAN = {
  tool: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  transfer: 'voxstate.transfer',
} as const;

/** An open tool span and the tool it is for. */
export interface OpenTool {
  name: string;
  span: Span;
}

/** Starts the span of a tool call: `execute_tool <name>`. */
export function startToolSpan(
  start: StartSpan,
  event: ToolStarted,
  atMs: number,
  includeText: boolean,
): OpenTool {
  const span = start(`${ACTION_SPAN.tool} ${event.name}`, atMs);
  span.setAttributes({
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
    [ATTR_GEN_AI_TOOL_NAME]: event.name,
  });
  if (includeText && event.arguments !== undefined)
    span.setAttribute(ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, event.arguments);
  return { name: event.name, span };
}

/** Ends a tool call's span with its outcome (`ok` or an error status). */
export function endToolSpan(span: Span, event: ToolFinished, endEpochMs: number): void {
  span.setAttributes({
    'voxstate.tool.outcome': event.status,
    'voxstate.tool.webhook_ms': Math.round(event.webhookMs),
  });
  if (event.httpStatus !== undefined)
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, event.httpStatus);
  if (event.status !== 'ok') {
    span.setAttribute(ATTR_ERROR_TYPE, event.status);
    span.setStatus({ code: SpanStatusCode.ERROR, message: event.status });
  }
  span.end(endEpochMs);
}

/** Ends a tool call's span that never finished (barge-in, hang-up). */
export function abortToolSpan(span: Span, endEpochMs: number): void {
  span.setAttributes({ 'voxstate.tool.outcome': 'aborted', [ATTR_ERROR_TYPE]: 'aborted' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted' });
  span.end(endEpochMs);
}

/** Starts the span of a transfer to a person. */
export function startTransferSpan(start: StartSpan, transfer: TransferTiming): Span {
  const span = start(ACTION_SPAN.transfer, transfer.requestedAtMs);
  span.setAttribute('voxstate.transfer.kind', transfer.kind);
  return span;
}

/** Ends a transfer's span with its outcome (an error status unless transferred). */
export function endTransferSpan(span: Span, transfer: TransferTiming, endEpochMs: number): void {
  span.setAttribute('voxstate.transfer.outcome', transfer.outcome ?? 'abandoned');
  if (transfer.requestToBridgedMs !== undefined)
    span.setAttribute(
      'voxstate.transfer.request_to_bridged_ms',
      Math.round(transfer.requestToBridgedMs),
    );
  if (transfer.outcome !== 'transferred')
    span.setStatus({ code: SpanStatusCode.ERROR, message: transfer.outcome ?? 'abandoned' });
  span.end(endEpochMs);
}
