/**
 * Call set-up: `npm run bench -- setup [--json]`.
 *
 * Time from the caller's StasisStart to the call being ready (answered, externalMedia channel in
 * the app and connected, both bridged), which callers spend before any greeting can play and
 * which `voxstate_greeting_latency_seconds` now includes. The real ari-client and `AriApp`
 * against the simulated Asterisk over loopback, AudioSocket and RTP, 60 calls 10 at a time after 20
 * warm-up calls; once
 * with the media channels' StasisStart before the externalMedia response and once with it 50 ms
 * after the response in every call (the race a real Asterisk showed on 3 of 37 RTP calls, which
 * set-up now waits out instead of failing).
 *
 * @module
 */
import { AudioSocketServer } from '../src/media/audiosocket-server.js';
import {
  type LateMediaStasisStart,
  SimulatedAsterisk,
} from '../src/simulator/simulated-asterisk.js';
import { AriApp } from '../src/telephony/ari-app.js';
import { connectAri } from '../src/telephony/ari-connection.js';
import type { PhoneCall } from '../src/telephony/phone-call.js';

const CALLS = 60;
const CONCURRENCY = Number(process.env.SETUP_CONCURRENCY ?? 10);
const LATE_MS = 50;
/** Calls first run and not counted (JIT, ari-client's first requests). */
const WARM_UP = 20;

interface CaseResult {
  transport: 'audiosocket' | 'rtp';
  mediaStasisStart: 'before response' | `${number} ms after response`;
  calls: number;
  failed: number;
  setupMs: { p50: number; p95: number; max: number };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)]! * 10) / 10;
}

async function runCase(
  transport: 'audiosocket' | 'rtp',
  late: LateMediaStasisStart | undefined,
): Promise<CaseResult> {
  const sim = new SimulatedAsterisk(late ? { lateMediaStasisStart: late } : {});
  const { url } = await sim.start();
  const audio = new AudioSocketServer();
  const { port } = await audio.listen();
  const ari = await connectAri({ url, user: 'voxstate', password: 'voxstate', app: 'voxstate' });
  const app = new AriApp({
    ari,
    media:
      transport === 'audiosocket'
        ? { transport, server: audio, externalHost: `127.0.0.1:${port}` }
        : { transport, bindHost: '127.0.0.1', externalAddress: '127.0.0.1' },
  });
  const ready = new Map<string, (call: PhoneCall | Error) => void>();
  app.on('call', (call) => ready.get(call.id)?.(call));
  app.on('callFailed', (id, err) => ready.get(id)?.(err));
  app.start();
  const setups: number[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < WARM_UP + CALLS) {
      const counted = next++ >= WARM_UP;
      const simCall = await sim.placeCall({});
      const outcome = await new Promise<PhoneCall | Error>((resolve) =>
        ready.set(simCall.channelId, resolve),
      );
      ready.delete(simCall.channelId);
      if (outcome instanceof Error) {
        if (counted) failed++;
      } else {
        if (counted) setups.push(outcome.startedAt - outcome.answeredAt);
        await outcome.hangup();
      }
      await simCall.ended;
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await app.stop();
    await ari.close();
    await audio.close();
    await sim.stop();
  }
  setups.sort((a, b) => a - b);
  return {
    transport,
    mediaStasisStart: late ? `${late.delayMs ?? 0} ms after response` : 'before response',
    calls: CALLS,
    failed,
    setupMs: {
      p50: quantile(setups, 0.5),
      p95: quantile(setups, 0.95),
      max: quantile(setups, 1),
    },
  };
}

/** Runs every case; the figures go to docs/benchmarks.md. */
export default async function run({ json }: { json: boolean }): Promise<Record<string, unknown>> {
  const cases: CaseResult[] = [];
  for (const transport of ['audiosocket', 'rtp'] as const) {
    for (const late of [undefined, { delayMs: LATE_MS }]) {
      const result = await runCase(transport, late);
      cases.push(result);
      if (!json) {
        console.log(
          `${transport.padEnd(12)} StasisStart ${result.mediaStasisStart.padEnd(22)} failed ${result.failed}/${result.calls}  set-up p50 ${result.setupMs.p50} ms  p95 ${result.setupMs.p95} ms  max ${result.setupMs.max} ms`,
        );
      }
    }
  }
  return { suite: 'setup', calls: CALLS, concurrency: CONCURRENCY, cases };
}
