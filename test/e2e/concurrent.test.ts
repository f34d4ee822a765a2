/**
 * End to end: twenty calls at once through one runtime (shared worker pools, knowledge base,
 * speech) and one ARI connection. Every call must complete its turn with a knowledge-base
 * answer and end cleanly; nothing may be left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { metricValue } from '../helpers/metrics.js';
import {
  botAudioMsBetween,
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  hangUpAfterTurns,
  historyOf,
  knowledgeBaseText,
  placeCalls,
} from './helpers.js';

const CALLS = 20;
const QUESTIONS = [
  'How long does delivery take?',
  'What is your phone number?',
  'Are you open on Sunday?',
  'Can I pay by card?',
];

describe('twenty concurrent calls (real ari-client, runtime and simulated Asterisk)', () => {
  let rig: CallRig;

  beforeAll(async () => {
    rig = await startCallRig();
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('all complete a turn and end cleanly', async () => {
    const scripts: CallerScript[] = Array.from({ length: CALLS }, (_, i) => ({
      steps: [
        { waitForBot: { silenceMs: 700 } },
        { say: QUESTIONS[i % QUESTIONS.length]! },
        { pause: 90_000 },
      ],
    }));
    const calls = await placeCalls(
      rig,
      scripts.map((script) => ({ script })),
    );
    expect(new Set(calls.map((c) => c.handle.id)).size).toBe(CALLS);
    expect(rig.runtime.activeCalls).toBe(CALLS);
    const outputs = await Promise.all(
      calls.map(async (c) => {
        await hangUpAfterTurns(c, 1, 90_000);
        return callEnded(c);
      }),
    );

    const kb = await knowledgeBaseText('en');
    for (const [i, call] of calls.entries()) {
      const question = QUESTIONS[i % QUESTIONS.length]!;
      expect({ i, endReason: outputs[i]!.endReason, turns: outputs[i]!.turns }).toEqual({
        i,
        endReason: 'hangup',
        turns: 1,
      });
      const [user, answer] = historyOf(call);
      expect(user?.content).toBe(question);
      expect(kb).toContain(answer!.content);
      const rec = call.sim.recording;
      const speechEnd = firstOf(rec, 'caller.speech.end');
      expect(botAudioMsBetween(rec, 0, speechEnd.atMs)).toBeGreaterThan(1_000);
      expect(botAudioMsBetween(rec, speechEnd.atMs, rec.durationMs)).toBeGreaterThan(1_000);
      await expectCallReleased(rig, call);
    }
    expect(await metricValue(rig.registry, 'voxstate_calls_total', { end_reason: 'hangup' })).toBe(
      CALLS,
    );
    await expectRigIdle(rig);
  }, 120_000);
});
