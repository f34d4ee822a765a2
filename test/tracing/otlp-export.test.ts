import { afterEach, describe, expect, it } from 'vitest';
import { CallTimeline } from '../../src/calls/timeline.js';
import { readEnv } from '../../src/config/schema.js';
import { SPAN } from '../../src/tracing/call-tracer.js';
import { startTracing, type Tracing, tracingOptionsOf } from '../../src/tracing/setup.js';
import { type OtlpReceiver, startOtlpReceiver } from '../fakes/otlp-receiver.js';

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

  it('refuses what it cannot do, by name, and never prints header values', () => {
    expect(() => readEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/json, got "grpc"/,
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
});
