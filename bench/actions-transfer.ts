/**
 * `transferRequestToBridgedMs`: from the `call.transfer` event to the caller being bridged with
 * the agent, through the runtime, the real ari-client and the simulated Asterisk. Blind: until
 * the dialplan's Dial of the agent reports ANSWER (caller and agent bridged by the dialplan).
 * Attended: until the bot has left (announcement, ringing, the summary spoken to the agent, the
 * bridge, the bot's media channel gone). Both include the spoken announcement (espeak-ng).
 */
import type { SimDialReport } from '../src/simulator/simulated-asterisk.js';
import { writeBusinessFile } from '../test/fakes/business-file.js';
import { startCallRig } from '../test/fakes/call-rig.js';

/** p50 and p95 of a list of ms. */
function percentiles(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: Math.round(at(0.5)), p95: Math.round(at(0.95)) };
}

function until(probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (probe()) return resolve();
      if (Date.now() - t0 > timeoutMs) return reject(new Error('bench transfer timed out'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** Measures `calls` blind and `calls` attended transfers, one at a time. */
export async function measureTransfers(calls = 8): Promise<{
  attended: { p50: number; p95: number };
  blind: { p50: number; p95: number };
}> {
  const dials: SimDialReport[] = [];
  const business = await writeBusinessFile({
    builtins: ['transfer_call', 'end_call'],
    transfer: {
      announcement: 'Please hold.',
      ringTimeoutMs: 10_000,
      targets: {
        desk: {
          agent: 'PJSIP/agent-100',
          dialplan: { context: 'agents', extension: '100' },
          hold: { music: 'default' },
        },
      },
    },
  });
  const rig = await startCallRig({
    ingest: false,
    configure: (c) => ({ ...c, businessFile: business.path }),
    simulator: {
      onOriginate: () => ({ answerAfterMs: 150 }),
      extensions: { '100@agents': { dial: 'PJSIP/agent-100', timeoutSec: 10 } },
    },
  });
  rig.sim.on('dial', (d) => dials.push(d));
  const out = { attended: [] as number[], blind: [] as number[] };
  try {
    for (let i = 0; i < calls * 2; i++) {
      const mode = i % 2 === 0 ? 'blind' : 'attended';
      dials.length = 0;
      const { sim, handle } = await rig.placeCall({
        steps: [{ waitForBot: { silenceMs: 300, timeoutMs: 20_000 } }, { pause: 60_000 }],
      });
      await until(() => {
        const v = handle.actor.getSnapshot().value as { active?: { conversation?: unknown } };
        return JSON.stringify(v.active?.conversation ?? '').includes('listening');
      });
      const t0 = performance.now();
      handle.actor.send({
        type: 'call.transfer',
        mode,
        summary: 'The caller asks about invoice 42.',
      });
      if (mode === 'blind') await until(() => dials.some((d) => d.status === 'ANSWER'));
      else await handle.done;
      out[mode].push(performance.now() - t0);
      sim.hangup();
      await sim.ended;
      await until(() => rig.sim.channels.size === 0 && rig.runtime.activeCalls === 0);
    }
  } finally {
    await rig.close();
    await business.remove();
  }
  return { attended: percentiles(out.attended), blind: percentiles(out.blind) };
}
