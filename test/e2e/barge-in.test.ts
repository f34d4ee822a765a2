/**
 * End to end: the caller talks over a long answer. The bot's audio must stop quickly (measured
 * on the caller's recording, in media time), the machine counts the barge-in, and what the
 * caller said while interrupting becomes the next turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  hangUpAfterTurns,
  historyOf,
  knowledgeBaseText,
  loudBotFrames,
  metricTotal,
  placeCalls,
  StateTrace,
} from './helpers.js';

/** Media ms from the caller starting to talk over the bot to the bot's last audible frame. */
const STOP_BOUND_MS = 800;

describe('barge-in (real ari-client, runtime and simulated Asterisk)', () => {
  let rig: CallRig;

  beforeAll(async () => {
    rig = await startCallRig();
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('stops the answer when the caller interrupts, and answers the interruption', async () => {
    const first = 'Where are you located?';
    const second = 'What is your phone number?';
    const [call] = await placeCalls(rig, [
      {
        script: {
          steps: [
            { waitForBot: { silenceMs: 700 } },
            { say: first },
            // The answer to the first question is long (two sentences, about 9 s); talk over it.
            { say: second, interruptAfterMs: 2_000 },
            { pause: 60_000 },
          ],
        },
      },
    ]);
    const trace = new StateTrace(call!.handle);
    let bargedInFrom = '';
    call!.handle.actor.subscribe((s) => {
      if (s.context.bargeIns === 1 && bargedInFrom === '') bargedInFrom = trace.states.at(-2) ?? '';
    });
    await hangUpAfterTurns(call!, 1);
    const output = await callEnded(call!);

    // The machine: one barge-in, during the answer; the interruption is the answered turn.
    expect(output.endReason).toBe('hangup');
    const story = JSON.stringify({
      states: trace.states,
      timeline: call!.sim.recording.timeline.map((e) => [e.kind, e.atMs, e.text]),
    });
    expect(output.bargeIns, story).toBe(1);
    expect(bargedInFrom).toBe('answering');
    expect(await metricTotal(rig, 'voxstate_barge_ins_total')).toBe(1);
    expect(output.turns).toBe(1);
    const [user, answer] = historyOf(call!);
    expect(user).toEqual({ role: 'user', content: second });
    expect(answer?.content).toContain('555-0142');
    expect(await knowledgeBaseText('en')).toContain(answer!.content);
    const timings = call!.handle.session.timeline.turns();
    expect(timings).toHaveLength(2);
    expect(timings[0]?.first_answer_audio).toBeDefined();
    expect(timings[0]?.bargeIn).toBe(true);
    expect(timings[1]?.bargeIn).toBeUndefined();
    expect(timings[1]?.first_answer_audio).toBeDefined();

    // The caller's recording: the bot was talking when the caller started, and went quiet
    // within the bound; it spoke again only after the interrupting question ended.
    const rec = call!.sim.recording;
    const interrupt = firstOf(rec, 'caller.speech.start', second);
    const interruptEnd = firstOf(rec, 'caller.speech.end', second);
    const loud = loudBotFrames(rec);
    expect(loud.some((t) => t >= interrupt.atMs - 100 && t <= interrupt.atMs)).toBe(true);
    const duringInterruption = loud.filter((t) => t >= interrupt.atMs && t < interruptEnd.atMs);
    const lastBotFrame = duringInterruption.at(-1) ?? interrupt.atMs;
    const stopMs = lastBotFrame + 20 - interrupt.atMs;
    expect(stopMs).toBeLessThan(STOP_BOUND_MS);
    // And the interruption was long enough that an unstopped answer would have been heard.
    expect(interruptEnd.atMs - interrupt.atMs).toBeGreaterThan(STOP_BOUND_MS + 200);
    expect(loud.some((t) => t >= interruptEnd.atMs)).toBe(true);
    console.info(`barge-in: bot audio stopped ${stopMs} ms (media time) after the caller began`);
    await expectCallReleased(rig, call!);
    await expectRigIdle(rig);
  }, 90_000);
});
