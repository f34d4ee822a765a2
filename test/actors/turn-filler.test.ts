/**
 * The turn filler on a fake clock: a filler plays only when the answer has no audio a delay
 * after the end of the turn; a ready answer is never delayed; when one plays, the answer starts
 * at its phrase boundary; the decision survives the thinking-to-answering handoff only.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, setup } from 'xstate';
import type { FillerInput } from '../../src/actors/contracts.js';
import { createPlayFillerActor } from '../../src/actors/play-filler.js';
import { TurnFiller } from '../../src/actors/turn-filler.js';
import { PlaybackQueue } from '../../src/media/playback-queue.js';
import { fillerTexts } from '../../src/prompts/phrases.js';
import { TtsCache } from '../../src/speech/tts-cache.js';
import { TtsService } from '../../src/speech/tts-service.js';
import { CountingEngine } from '../fakes/counting-engine.js';
import { FakeClock } from '../fakes/fake-clock.js';

const INPUT: FillerInput = { callId: 'call-1', language: 'en', format: 'ulaw' };
const ANSWER = 0x42;
const flush = () => new Promise((r) => setTimeout(r, 0));

async function world(delayMs = 350) {
  const clock = new FakeClock({ startMs: 0 });
  const frames: Array<{ atMs: number; tag: number }> = [];
  const playback = new PlaybackQueue({
    format: 'ulaw',
    sink: (f) => frames.push({ atMs: clock.now(), tag: f[0] as number }),
    clock,
  });
  const engine = new CountingEngine({ bytesPerChar: 100 });
  const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
  for (const text of fillerTexts('en')) {
    await tts.synthesizeAll(text, { language: 'en', format: 'ulaw' });
  }
  const events: string[] = [];
  const filler = new TurnFiller({ playback, tts, delayMs, random: () => 0 });
  const fillerTag = engine.audioFor(fillerTexts('en')[0] as string)[0] as number;
  /** Moves the clock in 10 ms steps, letting promises settle. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      clock.advance(10);
      await flush();
    }
  };
  const firstFrameOf = (tag: number) => frames.find((f) => f.tag === tag)?.atMs;
  return { clock, frames, playback, filler, events, fillerTag, run, firstFrameOf };
}

describe('turn filler', () => {
  it('plays no filler when the answer has audio before the delay, and never delays it', async () => {
    const w = await world();
    w.filler.start(INPUT, (e) => w.events.push(e.type));
    w.filler.release();
    w.filler.claim((e) => w.events.push(e.type));
    await w.run(200);
    w.filler.answerReady();
    w.playback.enqueue('answer', Buffer.alloc(1_600, ANSWER));
    await w.run(1_000);
    w.filler.end();
    expect(w.firstFrameOf(w.fillerTag)).toBeUndefined();
    expect(w.firstFrameOf(ANSWER)).toBeLessThanOrEqual(220);
    expect(w.events).toEqual([]);
    expect(w.filler.spared).toBe(1);
  });

  it('waits a little longer past the delay when the answer is already being synthesized', async () => {
    const w = await world();
    w.filler.start(INPUT, (e) => w.events.push(e.type));
    w.filler.release();
    w.filler.claim((e) => w.events.push(e.type));
    await w.run(340);
    w.filler.answerComing(); // the first sentence went to synthesis at 340
    await w.run(80); // the delay (350) ran out meanwhile
    w.filler.answerReady();
    w.playback.enqueue('answer', Buffer.alloc(1_600, ANSWER));
    await w.run(1_000);
    w.filler.end();
    expect(w.firstFrameOf(w.fillerTag)).toBeUndefined();
    expect(w.firstFrameOf(ANSWER)).toBeLessThanOrEqual(440);
    expect(w.filler.spared).toBe(1);
  });

  it('plays the filler after the hold when the coming answer is still not ready', async () => {
    const w = await world();
    w.filler.start(INPUT, (e) => w.events.push(e.type));
    w.filler.release();
    w.filler.claim((e) => w.events.push(e.type));
    await w.run(100);
    w.filler.answerComing();
    await w.run(1_000);
    w.filler.end();
    const fillerAt = w.firstFrameOf(w.fillerTag) as number;
    expect(fillerAt).toBeGreaterThanOrEqual(550);
    expect(fillerAt).toBeLessThan(600);
    expect(w.events).toContain('filler.started');
  });

  it('plays a filler at the delay when the answer is late; the answer starts at its boundary', async () => {
    const w = await world();
    w.filler.start(INPUT, (e) => w.events.push(e.type));
    w.filler.release();
    w.filler.claim((e) => w.events.push(e.type));
    await w.run(300);
    const answer = w.playback.open('answer'); // first piece released, no audio yet
    await w.run(100); // the filler started at 350 and is mid-phrase
    w.filler.answerReady();
    answer.append(Buffer.alloc(1_600, ANSWER));
    answer.end();
    await w.run(3_000);
    w.filler.end();
    const fillerAt = w.firstFrameOf(w.fillerTag) as number;
    expect(fillerAt).toBeGreaterThanOrEqual(350);
    expect(fillerAt).toBeLessThanOrEqual(380);
    const fillerFrames = w.frames.filter((f) => f.tag === w.fillerTag);
    const lastFillerAt = fillerFrames.at(-1)?.atMs as number;
    expect(lastFillerAt).toBeGreaterThan(400);
    // The answer, ready mid-phrase, waited for the filler's phrase boundary, not more.
    expect(w.firstFrameOf(ANSWER)).toBeGreaterThan(lastFillerAt);
    expect(w.firstFrameOf(ANSWER)).toBeLessThanOrEqual(lastFillerAt + 40);
    expect(w.events).toEqual(['filler.started', 'filler.done']);
    expect(w.filler.played).toBe(1);
  });

  it('plays no filler when thinking ends without an answer taking over (barge-in)', async () => {
    const w = await world();
    w.filler.start(INPUT, (e) => w.events.push(e.type));
    await w.run(100);
    w.filler.release();
    await w.run(2_000);
    expect(w.frames).toHaveLength(0);
    expect(w.events).toEqual([]);
  });

  it('hands the decision from the thinking state to the answer in one machine step', async () => {
    const w = await world();
    const logic = createPlayFillerActor({ ...w, tts: undefined as never, turn: w.filler });
    let answerStarted = false;
    const machine = setup({
      actors: {
        playFiller: logic,
        streamAnswer: fromPromise(async ({ emit }) => {
          w.filler.claim(emit);
          answerStarted = true;
          await new Promise(() => {});
        }),
      },
    }).createMachine({
      initial: 'thinking',
      states: {
        thinking: {
          invoke: { id: 'filler', src: 'playFiller', input: INPUT },
          on: { RETRIEVED: 'answering' },
        },
        answering: { invoke: { id: 'answer', src: 'streamAnswer' } },
      },
    });
    const actor = createActor(machine).start();
    await w.run(200);
    actor.send({ type: 'RETRIEVED' });
    expect(answerStarted).toBe(true);
    await w.run(300);
    expect(w.firstFrameOf(w.fillerTag)).toBeGreaterThanOrEqual(350);
    actor.stop();
  });
});
