/**
 * End to end: an outbound call. The runtime originates through ARI; the simulated Asterisk
 * rings the endpoint, and the callee answers and follows a script. The bot speaks first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  botAudioMsBetween,
  expectRigIdle,
  firstOf,
  knowledgeBaseText,
  StateTrace,
  turnsDone,
  waitFor,
  within,
} from './helpers.js';

const QUESTION = 'How long does delivery take?';
const CALLEE: CallerScript = {
  steps: [{ waitForBot: { silenceMs: 700 } }, { say: QUESTION }, { pause: 60_000 }],
};

describe('an outbound call (real ari-client, runtime and simulated Asterisk)', () => {
  let rig: CallRig;
  const originated: Array<{ endpoint: string; variables: Record<string, string> }> = [];

  beforeAll(async () => {
    rig = await startCallRig({
      simulator: {
        onOriginate: (endpoint, variables) => {
          originated.push({ endpoint, variables });
          return { answerAfterMs: 300, script: CALLEE };
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('rings the callee, speaks first, and answers a question', async () => {
    const handle = await within(
      rig.telephony.originate('PJSIP/1000', { variables: { CAMPAIGN: 'e2e' } }),
      20_000,
      'the originated call to be answered',
    );
    expect(originated).toEqual([{ endpoint: 'PJSIP/1000', variables: { CAMPAIGN: 'e2e' } }]);
    expect(handle.session.endpoint.direction).toBe('outbound');
    const channel = rig.sim.channels.get(handle.id);
    expect(channel?.kind).toBe('outbound');
    const runner = channel!.runner!;
    const trace = new StateTrace(handle);
    // The callee puts the phone down once the answer has been played.
    await turnsDone({ handle }, 1);
    rig.sim.destroyChannel(channel!, 16);
    const output = await within(handle.done, 60_000, 'the outbound call to end');

    expect(output.endReason).toBe('hangup');
    expect(output.greeting).toBe('spoken');
    expect(trace.states.indexOf('greeting.speaking')).toBeGreaterThanOrEqual(0);
    expect(trace.states.indexOf('greeting.speaking')).toBeLessThan(
      trace.states.indexOf('listening.hearing'),
    );
    // The bot spoke first: its greeting was heard before the callee said anything.
    const rec = runner.recording;
    const firstWords = firstOf(rec, 'caller.speech.start');
    expect(firstOf(rec, 'bot.audio.start').atMs).toBeLessThan(firstWords.atMs);
    expect(botAudioMsBetween(rec, 0, firstWords.atMs)).toBeGreaterThan(1_000);
    expect(handle.session.timeline.greetingLatencyMs).toBeDefined();
    // And a turn worked.
    expect(output.turns).toBe(1);
    const [user, answer] = handle.actor.getSnapshot().context.history;
    expect(user).toEqual({ role: 'user', content: QUESTION });
    expect(await knowledgeBaseText('en')).toContain(answer!.content);
    expect(answer!.content).toContain('17:00');
    const speechEnd = firstOf(rec, 'caller.speech.end');
    expect(botAudioMsBetween(rec, speechEnd.atMs, rec.durationMs)).toBeGreaterThan(2_000);

    await waitFor(() => !rig.sim.channels.has(handle.id), 'the callee channel to go', 10_000);
    expect(rig.runtime.sessions.get(handle.id)).toBeUndefined();
    await expectRigIdle(rig);
  }, 90_000);
});
