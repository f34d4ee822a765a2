/**
 * `voxstate serve` with the standard OpenTelemetry variables and an ops token: a scripted call on
 * the simulated Asterisk is traced to a local OTLP/HTTP receiver (exported at shutdown at the
 * latest), and its console page, read over HTTP with the token after the hang-up, holds its
 * waterfall.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/runtime/serve.js';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { ingestSampleKnowledge } from '../../src/simulator/simulated-line.js';
import { SPAN } from '../../src/tracing/call-tracer.js';
import { startSpeakingSim, tinyEnv, until } from '../cli/helpers.js';
import { type OtlpReceiver, startOtlpReceiver } from '../fakes/otlp-receiver.js';
import { turnsDone } from './helpers.js';

const TOKEN = 'obs-token';

describe('serve: traces from OTEL_* variables, the console behind the ops token', () => {
  let sim: SimulatedAsterisk;
  let closeSim: () => Promise<void>;
  let receiver: OtlpReceiver;
  let callId = '';
  let consolePage = '';
  let listPage = '';
  let costsPage = '';

  beforeAll(async () => {
    ({ sim, close: closeSim } = await startSpeakingSim());
    receiver = await startOtlpReceiver();
    const { env, dataDir } = await tinyEnv(sim.url, {
      VOXSTATE_STT: 'script',
      VOXSTATE_OPS_TOKEN: TOKEN,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'voxstate-e2e',
    });
    const server = await serve({
      env,
      runtimeOptions: { scriptText: (id, start, end) => sim.scriptTextBetween(id, start, end) },
    });
    try {
      await ingestSampleKnowledge(server.runtime);
      await server.telephony;
      const call = await sim.placeCall({
        script: {
          steps: [
            { waitForBot: { silenceMs: 600 } },
            { say: 'Are you open on Sunday?' },
            { pause: 60_000 },
          ],
        },
      });
      const handle = await until(() =>
        server.runtime.handles().find((h) => h.id === call.channelId),
      );
      callId = handle.id;
      await turnsDone({ handle }, 1);
      call.hangup();
      await handle.done;
      await call.ended;
      const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
      consolePage = await (
        await fetch(`${server.opsUrl}/console/calls/${encodeURIComponent(callId)}`, auth)
      ).text();
      listPage = await (await fetch(`${server.opsUrl}/console`, auth)).text();
      costsPage = await (await fetch(`${server.opsUrl}/console/costs`, auth)).text();
    } finally {
      await server.shutdown('test end');
      await server.done;
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 150_000);

  afterAll(async () => {
    await receiver?.close();
    await closeSim?.();
  });

  it('exported the call trace with the service name from OTEL_SERVICE_NAME', () => {
    const call = receiver.spans.find((s) => s.name === SPAN.call);
    expect(call?.attributes['voxstate.call.id']).toBe(callId);
    expect(call?.resource['service.name']).toBe('voxstate-e2e');
    const turn = receiver.spans.find((s) => s.name === `${SPAN.turn} 1`);
    expect(turn?.parentSpanId).toBe(call?.spanId);
    expect(receiver.spans.some((s) => s.parentSpanId === turn?.spanId && s.name === SPAN.stt)).toBe(
      true,
    );
  });

  it('kept the ended call for its console page, waterfall included, words hidden', () => {
    expect(listPage).toContain(`data-call="${callId}"`);
    expect(consolePage).toContain('class="waterfall"');
    expect(consolePage).toContain('data-segment="transcript"');
    expect(consolePage).not.toMatch(/sunday/i);
  });

  it('charts the calls in view and reads the stored cost report', () => {
    expect(costsPage).toContain('class="cost-chart"');
    expect(costsPage).toContain('Stored calls by day');
    expect(costsPage).not.toContain('could not be read');
  });
});
