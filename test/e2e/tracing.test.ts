import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/schema.js';
import { SPAN } from '../../src/tracing/call-tracer.js';
import { startTracing, type Tracing, tracingOptionsOf } from '../../src/tracing/setup.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { type OtlpReceiver, startOtlpReceiver } from '../fakes/otlp-receiver.js';

describe('a simulated call, traced to a local OTLP receiver', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let rig: CallRig;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const options = tracingOptionsOf(readEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
    if (!options) throw new Error('tracing should be on');
    tracing = await startTracing(options);
    rig = await startCallRig({ runtimeOptions: { tracer: tracing.tracer } });
    const { sim, handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 400 } },
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 600 } },
        { hangup: true },
      ],
    });
    await handle.done;
    await sim.ended;
    await tracing.flush();
  });

  afterAll(async () => {
    await rig?.close();
    await tracing?.shutdown();
    await receiver?.close();
  });

  it('exports one trace for the call with its turn and the turn stages under it', () => {
    const spans = receiver.spans;
    const call = spans.find((s) => s.name === SPAN.call);
    expect(call?.attributes).toMatchObject({ 'voxstate.call.end_reason': 'hangup' });
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([call?.traceId]));
    const turn = spans.find((s) => s.name === `${SPAN.turn} 1`);
    expect(turn?.parentSpanId).toBe(call?.spanId);
    const under = spans.filter((s) => s.parentSpanId === turn?.spanId).map((s) => s.name);
    expect(under).toEqual(
      expect.arrayContaining([SPAN.stt, SPAN.retrieval, SPAN.tts, SPAN.playback]),
    );
    expect(under.some((n) => n.startsWith('chat'))).toBe(true);
    expect(spans.some((s) => s.name === SPAN.greeting)).toBe(true);
    expect(JSON.stringify(spans)).not.toMatch(/sunday/i);
  });
});
