import { afterEach, describe, expect, it } from 'vitest';
import { CallTimeline } from '../../src/calls/timeline.js';
import { readEnv } from '../../src/config/schema.js';
import { SPAN } from '../../src/tracing/call-tracer.js';
import { startTracing, type Tracing, tracingOptionsOf } from '../../src/tracing/setup.js';
import { type OtlpGrpcReceiver, startOtlpGrpcReceiver } from '../fakes/otlp-grpc-receiver.js';
import { type OtlpReceiver, startOtlpReceiver } from '../fakes/otlp-receiver.js';

/** A short traced call: a turn with its end of turn, transcript and model call, then the end. */
function playCall(tracing: Tracing): void {
  const timeline = new CallTimeline();
  timeline.answered();
  tracing.tracer.follow(timeline, { id: 'c-7', direction: 'outbound', language: 'ru' });
  timeline.speechEnded(250);
  timeline.mark('transcript');
  timeline.heard('secret words');
  timeline.progress({ type: 'answer.mark', mark: 'answer_start' });
  timeline.progress({ type: 'llm.request', provider: 'openai', model: 'gpt-x', attempt: 1 });
  timeline.progress({
    type: 'llm.usage',
    provider: 'openai',
    model: 'gpt-x',
    inputTokens: 10,
    outputTokens: 3,
  });
  timeline.ended('hangup');
}

const CALL_SPANS = [SPAN.call, `${SPAN.turn} 1`, SPAN.endOfTurn, SPAN.stt, 'chat gpt-x'].sort();

const optionsOf = (env: Record<string, string>) => tracingOptionsOf(readEnv(env));

describe('tracing settings', () => {
  it('is off unless an endpoint or an exporter is set, and OTEL_SDK_DISABLED wins', () => {
    expect(optionsOf({})).toBeUndefined();
    expect(
      optionsOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }),
    ).toBeUndefined();
    expect(
      optionsOf({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }),
    ).toBeUndefined();
    expect(optionsOf({ OTEL_TRACES_EXPORTER: 'otlp' })?.url).toBe(
      'http://localhost:4318/v1/traces',
    );
  });

  it('reads the endpoints, headers, service name and resource attributes', () => {
    const o = optionsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc,x-team=voice',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=def',
      OTEL_SERVICE_NAME: 'bakery-bot',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod',
    });
    expect(o).toMatchObject({
      exporter: 'otlp',
      url: 'http://collector:4318/v1/traces',
      headers: { 'x-api-key': 'def', 'x-team': 'voice' },
      serviceName: 'bakery-bot',
      resource: { 'deployment.environment': 'prod' },
      includeText: false,
    });
    expect(
      optionsOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp',
      })?.url,
    ).toBe('https://traces.example/otlp');
  });

  it('allows words in spans only with both switches', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    expect(optionsOf({ ...on, VOXSTATE_TRACE_TEXT: 'true' })?.includeText).toBe(false);
    expect(
      optionsOf({ ...on, VOXSTATE_TRACE_TEXT: 'true', VOXSTATE_LOG_TRANSCRIPTS: 'true' })
        ?.includeText,
    ).toBe(true);
  });

  it('reads the protocol: JSON by default, the traces one wins, gRPC to the endpoint itself', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(optionsOf(on)?.protocol).toBe('http/json');
    expect(optionsOf({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' })).toMatchObject({
      protocol: 'http/protobuf',
      url: 'http://collector:4318/v1/traces',
    });
    expect(
      optionsOf({
        ...on,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      })?.protocol,
    ).toBe('http/json');
    expect(
      optionsOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }),
    ).toMatchObject({ protocol: 'grpc', url: 'http://collector:4317' });
    expect(
      optionsOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' })?.url,
    ).toBe('http://localhost:4317');
  });

  it('refuses what it cannot do, by name, and never prints header values', () => {
    expect(() => readEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/thrift' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/json, http\/protobuf, grpc, got "http\/thrift"/,
    );
    expect(() => readEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    );
    let message = '';
    try {
      readEnv({ OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-value' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/OTEL_EXPORTER_OTLP_HEADERS must be/);
    expect(message).not.toContain('secret-token-value');
  });
});

describe('export to a local OTLP/HTTP receiver', () => {
  let receiver: OtlpReceiver | undefined;
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    await receiver?.close();
  });

  it('sends the call trace as OTLP JSON with the resource and the headers', async () => {
    receiver = await startOtlpReceiver();
    const options = optionsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k1',
      OTEL_SERVICE_NAME: 'voxstate-test',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
    });
    if (!options) throw new Error('tracing should be on');
    tracing = await startTracing(options);
    const timeline = new CallTimeline();
    timeline.answered();
    tracing.tracer.follow(timeline, { id: 'c-7', direction: 'outbound', language: 'ru' });
    timeline.speechEnded(250);
    timeline.mark('transcript');
    timeline.heard('secret words');
    timeline.progress({ type: 'answer.mark', mark: 'answer_start' });
    timeline.progress({ type: 'llm.request', provider: 'openai', model: 'gpt-x', attempt: 1 });
    timeline.progress({
      type: 'llm.usage',
      provider: 'openai',
      model: 'gpt-x',
      inputTokens: 10,
      outputTokens: 3,
    });
    timeline.ended('hangup');
    await tracing.flush();

    const spans = receiver.spans;
    expect(spans.map((s) => s.name).sort()).toEqual(
      [SPAN.call, `${SPAN.turn} 1`, SPAN.endOfTurn, SPAN.stt, 'chat gpt-x'].sort(),
    );
    const call = spans.find((s) => s.name === SPAN.call);
    expect(call?.resource).toMatchObject({
      'service.name': 'voxstate-test',
      'deployment.environment': 'test',
    });
    expect(call?.attributes['voxstate.call.id']).toBe('c-7');
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans.find((s) => s.name === 'chat gpt-x')?.attributes).toMatchObject({
      'gen_ai.system': 'openai',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(JSON.stringify(spans)).not.toContain('secret words');
    expect(receiver.headers[0]?.['x-api-key']).toBe('k1');
  });

  it('sends protobuf with OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, decoded by the receiver', async () => {
    receiver = await startOtlpReceiver();
    const options = optionsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k2',
      OTEL_SERVICE_NAME: 'voxstate-proto',
    });
    if (!options) throw new Error('tracing should be on');
    tracing = await startTracing(options);
    playCall(tracing);
    await tracing.flush();
    expect(receiver.encodings).toEqual(['protobuf']);
    expect(receiver.headers[0]?.['content-type']).toBe('application/x-protobuf');
    expect(receiver.headers[0]?.['x-api-key']).toBe('k2');
    const spans = receiver.spans;
    expect(spans.map((s) => s.name).sort()).toEqual(CALL_SPANS);
    const call = spans.find((s) => s.name === SPAN.call);
    expect(call?.resource['service.name']).toBe('voxstate-proto');
    expect(call?.attributes).toMatchObject({
      'voxstate.call.id': 'c-7',
      'voxstate.call.end_reason': 'hangup',
    });
    expect(call?.traceId).toMatch(/^[0-9a-f]{32}$/);
    const turn = spans.find((s) => s.name === `${SPAN.turn} 1`);
    expect(turn?.parentSpanId).toBe(call?.spanId);
    expect(turn?.attributes['voxstate.turn.barge_in']).toBe(false);
    expect(spans.find((s) => s.name === 'chat gpt-x')?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(JSON.stringify(spans)).not.toContain('secret words');
  });
});

describe('export to a local OTLP/gRPC receiver', () => {
  let receiver: OtlpGrpcReceiver | undefined;
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    await receiver?.close();
  });

  it('sends the trace over gRPC with the headers as metadata', async () => {
    receiver = await startOtlpGrpcReceiver();
    const options = optionsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k3',
    });
    if (!options) throw new Error('tracing should be on');
    tracing = await startTracing(options);
    playCall(tracing);
    await tracing.flush();
    expect(receiver.spans.map((s) => s.name).sort()).toEqual(CALL_SPANS);
    expect(receiver.metadata[0]?.get('x-api-key')).toEqual(['k3']);
    const call = receiver.spans.find((s) => s.name === SPAN.call);
    expect(receiver.spans.every((s) => s.traceId === call?.traceId)).toBe(true);
  });
});
