import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { CallTimeline } from '../../src/calls/timeline.js';
import { ACTION_SPAN } from '../../src/tracing/action-spans.js';
import { CallTracer, SPAN } from '../../src/tracing/call-tracer.js';

/** A call timeline on a hand-moved clock, traced into memory. */
function tracedCall(includeText = false) {
  let nowMs = 1_000;
  const timeline = new CallTimeline({ now: () => nowMs });
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = new CallTracer({
    tracer: provider.getTracer('test'),
    includeText,
    epochMs: (ms) => 1_700_000_000_000 + ms,
  });
  timeline.answered();
  tracer.follow(timeline, { id: 'call-1', direction: 'inbound', language: 'en' });
  const at = (ms: number) => {
    nowMs = ms;
  };
  return { timeline, exporter, provider, at };
}

/** A turn: speech ends at 2000 after 300 ms of silence; filler, transcript, retrieval, answer. */
function playTurn(t: ReturnType<typeof tracedCall>) {
  const { timeline, at } = t;
  at(1_400);
  timeline.greetingAudio();
  at(2_000);
  timeline.speechEnded(300);
  at(2_150);
  timeline.progress({ type: 'filler.started' });
  at(2_200);
  timeline.mark('transcript');
  timeline.heard('are you open on sunday');
  at(2_260);
  timeline.mark('retrieval');
  timeline.progress({ type: 'answer.mark', mark: 'answer_start' });
  timeline.progress({
    type: 'llm.request',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    attempt: 1,
  });
  at(2_600);
  timeline.progress({ type: 'answer.mark', mark: 'answer_first_piece' });
  timeline.progress({ type: 'answer.mark', mark: 'tts_start' });
  at(2_700);
  timeline.progress({ type: 'answer.mark', mark: 'answer_ready' });
  at(2_750);
  timeline.progress({ type: 'answer.audio.started' });
  timeline.progress({ type: 'llm.sentence', index: 0, text: 'Yes, from nine.' });
  at(2_900);
  timeline.progress({
    type: 'llm.usage',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    inputTokens: 812,
    outputTokens: 41,
  });
  at(4_000);
  timeline.markDetail('answer_played');
  at(5_000);
  timeline.ended('hangup');
}

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span ${name} in ${spans.map((s) => s.name).join(', ')}`);
  return span;
}

const ms = (span: ReadableSpan, which: 'startTime' | 'endTime') =>
  span[which][0] * 1_000 + span[which][1] / 1e6 - 1_700_000_000_000;

describe('CallTracer', () => {
  let provider: BasicTracerProvider | undefined;
  afterEach(async () => provider?.shutdown());

  it('makes one trace per call with a turn span and its stage spans', () => {
    const t = tracedCall();
    provider = t.provider;
    playTurn(t);
    const spans = t.exporter.getFinishedSpans();
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const call = byName(spans, SPAN.call);
    expect(call.attributes).toMatchObject({
      'voxstate.call.id': 'call-1',
      'voxstate.call.direction': 'inbound',
      'voxstate.call.end_reason': 'hangup',
    });
    expect([ms(call, 'startTime'), ms(call, 'endTime')]).toEqual([1_000, 5_000]);
    const turn = byName(spans, `${SPAN.turn} 1`);
    expect(turn.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(ms(turn, 'startTime')).toBe(1_700);
    expect(turn.attributes).toMatchObject({
      'voxstate.turn.number': 1,
      'voxstate.turn.transcript_ms': 200,
      'voxstate.turn.first_answer_audio_ms': 750,
      'voxstate.turn.barge_in': false,
    });
    expect(turn.events.map((e) => e.name)).toContain('filler.first_audio');
    const under = (name: string) => {
      const s = byName(spans, name);
      expect(s.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
      return [ms(s, 'startTime'), ms(s, 'endTime')];
    };
    expect(under(SPAN.endOfTurn)).toEqual([1_700, 2_000]);
    expect(under(SPAN.stt)).toEqual([2_000, 2_200]);
    expect(under(SPAN.retrieval)).toEqual([2_200, 2_260]);
    expect(under('chat claude-haiku-4-5')).toEqual([2_260, 2_900]);
    expect(under(SPAN.tts)).toEqual([2_600, 2_700]);
    expect(under(SPAN.playback)).toEqual([2_750, 4_000]);
    expect(byName(spans, SPAN.greeting).parentSpanContext?.spanId).toBe(call.spanContext().spanId);
  });

  it('follows the GenAI semantic conventions on the model span', () => {
    const t = tracedCall();
    provider = t.provider;
    playTurn(t);
    const llm = byName(t.exporter.getFinishedSpans(), 'chat claude-haiku-4-5');
    expect(llm.kind).toBe(2); // CLIENT
    expect(llm.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'anthropic',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-haiku-4-5',
      'gen_ai.response.model': 'claude-haiku-4-5',
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 41,
      'voxstate.llm.first_token_ms': 340,
    });
    expect(llm.events.map((e) => e.name)).toEqual(['gen_ai.first_token']);
  });

  it('keeps the words out of spans unless allowed', () => {
    const off = tracedCall(false);
    playTurn(off);
    const text = JSON.stringify(
      off.exporter.getFinishedSpans().map((s) => [s.attributes, s.events]),
    );
    expect(text).not.toMatch(/sunday|nine/i);
    void off.provider.shutdown();

    const on = tracedCall(true);
    provider = on.provider;
    playTurn(on);
    const spans = on.exporter.getFinishedSpans();
    expect(byName(spans, SPAN.stt).attributes['voxstate.transcript']).toBe(
      'are you open on sunday',
    );
    expect(byName(spans, `${SPAN.turn} 1`).attributes['voxstate.bot_text']).toBe('Yes, from nine.');
  });

  it('ends a retried model span in error, closes open spans when the call ends mid-turn', () => {
    const t = tracedCall();
    provider = t.provider;
    t.at(2_000);
    t.timeline.speechEnded();
    t.timeline.progress({ type: 'answer.mark', mark: 'answer_start' });
    t.timeline.progress({ type: 'llm.request', provider: 'openai', model: 'small', attempt: 1 });
    t.at(2_300);
    t.timeline.progress({
      type: 'llm.request',
      provider: 'anthropic',
      model: 'strong',
      attempt: 2,
    });
    t.at(2_500);
    t.timeline.bargedIn();
    t.at(2_600);
    t.timeline.ended('hangup');
    const spans = t.exporter.getFinishedSpans();
    const failed = byName(spans, 'chat small');
    expect(failed.status.code).toBe(2); // ERROR
    expect(ms(failed, 'endTime')).toBe(2_300);
    const strong = byName(spans, 'chat strong');
    expect(ms(strong, 'endTime')).toBe(2_600);
    const turn = byName(spans, `${SPAN.turn} 1`);
    expect(turn.attributes['voxstate.turn.barge_in']).toBe(true);
    expect(turn.events.map((e) => e.name)).toContain('barge_in');
    expect(spans.every((s) => s.ended)).toBe(true);
  });

  it('costs a timeline without watchers nothing but a length check', () => {
    const timeline = new CallTimeline({ now: () => 0 });
    const seen: string[] = [];
    const stop = timeline.watch((n) => seen.push(n.type));
    timeline.speechEnded();
    stop();
    timeline.mark('transcript');
    expect(seen).toEqual(['turn']);
  });

  it('puts each tool call under its turn: name, outcome, duration, HTTP status, no arguments', () => {
    for (const includeText of [false, true]) {
      const t = tracedCall(includeText);
      t.at(2_000);
      t.timeline.speechEnded();
      t.at(2_100);
      t.timeline.progress({
        type: 'tool.started',
        name: 'order_status',
        arguments: '{"order":"A-1234"}',
      });
      t.at(2_350);
      t.timeline.progress({
        type: 'tool.finished',
        name: 'order_status',
        status: 'ok',
        ms: 250,
        webhookMs: 240,
        httpStatus: 200,
      });
      t.timeline.progress({ type: 'tool.started', name: 'book_table', arguments: '{}' });
      t.at(2_400);
      t.timeline.progress({
        type: 'tool.finished',
        name: 'book_table',
        status: 'failed',
        ms: 50,
        webhookMs: 48,
        httpStatus: 503,
      });
      t.timeline.progress({ type: 'tool.started', name: 'order_status', arguments: '{}' });
      t.at(2_500);
      t.timeline.bargedIn();
      t.at(2_600);
      t.timeline.ended('hangup');
      const spans = t.exporter.getFinishedSpans();
      const turn = byName(spans, `${SPAN.turn} 1`);
      const tools = spans.filter((s) => s.name.startsWith(`${ACTION_SPAN.tool} `));
      expect(tools.map((s) => s.name)).toEqual([
        'execute_tool order_status',
        'execute_tool book_table',
        'execute_tool order_status',
      ]);
      for (const s of tools) expect(s.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
      const [ok, failed, aborted] = tools as [ReadableSpan, ReadableSpan, ReadableSpan];
      expect([ms(ok, 'startTime'), ms(ok, 'endTime')]).toEqual([2_100, 2_350]);
      expect(ok.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'order_status',
        'voxstate.tool.outcome': 'ok',
        'voxstate.tool.webhook_ms': 240,
        'http.response.status_code': 200,
      });
      expect(ok.status.code).toBe(0); // UNSET
      expect(failed.attributes).toMatchObject({
        'voxstate.tool.outcome': 'failed',
        'error.type': 'failed',
        'http.response.status_code': 503,
      });
      expect(failed.status.code).toBe(2); // ERROR
      expect(aborted.attributes['voxstate.tool.outcome']).toBe('aborted');
      expect(ms(aborted, 'endTime')).toBe(2_600);
      expect(turn.events.map((e) => e.name)).not.toContain('tool.started');
      const text = JSON.stringify(spans.map((s) => s.attributes));
      if (includeText)
        expect(ok.attributes['gen_ai.tool.call.arguments']).toBe('{"order":"A-1234"}');
      else expect(text).not.toContain('A-1234');
      void t.provider.shutdown();
    }
  });

  it('makes a transfer span under the call: kind, outcome and request to bridged', () => {
    const t = tracedCall();
    provider = t.provider;
    t.at(2_000);
    t.timeline.speechEnded();
    t.at(2_500);
    t.timeline.transferRequested('blind');
    t.at(2_700);
    t.timeline.transferEnded('returned');
    t.at(3_000);
    t.timeline.speechEnded();
    t.at(3_200);
    t.timeline.transferRequested('attended');
    t.at(6_700);
    t.timeline.ended('transferred');
    const spans = t.exporter.getFinishedSpans();
    const call = byName(spans, SPAN.call);
    const transfers = spans.filter((s) => s.name === ACTION_SPAN.transfer);
    expect(transfers).toHaveLength(2);
    const [returned, bridged] = transfers as [ReadableSpan, ReadableSpan];
    for (const s of transfers) expect(s.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect([ms(returned, 'startTime'), ms(returned, 'endTime')]).toEqual([2_500, 2_700]);
    expect(returned.attributes).toMatchObject({
      'voxstate.transfer.kind': 'blind',
      'voxstate.transfer.outcome': 'returned',
    });
    expect(returned.attributes['voxstate.transfer.request_to_bridged_ms']).toBeUndefined();
    expect(returned.status.code).toBe(2);
    expect([ms(bridged, 'startTime'), ms(bridged, 'endTime')]).toEqual([3_200, 6_700]);
    expect(bridged.attributes).toMatchObject({
      'voxstate.transfer.kind': 'attended',
      'voxstate.transfer.outcome': 'transferred',
      'voxstate.transfer.request_to_bridged_ms': 3_500,
    });
    expect(bridged.status.code).toBe(0);
    expect(spans.every((s) => s.ended)).toBe(true);
  });
});
