/**
 * The endpointing actor on a fake clock: frames arrive when the test says, voice activity comes
 * from a stand-in detector (loud frame = speech), and time moves only when the test moves it.
 */
import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type AnyActorRef, assign, createActor, setup } from 'xstate';
import { createEndpointingActor, type EndpointingDeps } from '../../src/actors/endpointing.js';
import type { EndpointingEvent, MediaEvent } from '../../src/calls/events.js';
import { type CallEndpoint, CallSession } from '../../src/calls/session.js';
import { DEFAULT_PRICES } from '../../src/cost/prices.js';
import { adaptiveEndOfTurn } from '../../src/media/end-of-turn.js';
import { PlaybackQueue } from '../../src/media/playback-queue.js';
import { CallPrompts } from '../../src/prompts/call-prompts.js';
import { EventQueue } from '../../src/providers/stt/event-queue.js';
import type { SttStream, SttStreamEvent } from '../../src/providers/stt/stt-engine.js';
import { CountingClock } from '../fakes/call-actors.js';

const WINDOW = 512;
const LOUD = 8000;

/** A voice detector stand-in: a window is speech when its samples are loud. */
class LoudnessVad {
  readonly held: Array<() => void> = [];
  hold = false;
  #partial: number[] = [];

  process(samples: Float32Array): Promise<number[]> {
    const out: number[] = [];
    for (const v of samples) {
      this.#partial.push(Math.abs(v));
      if (this.#partial.length === WINDOW) {
        out.push(Math.max(...this.#partial) > 0.1 ? 0.95 : 0.02);
        this.#partial = [];
      }
    }
    if (!this.hold) return Promise.resolve(out);
    return new Promise((resolve) => this.held.push(() => resolve(out)));
  }
}

function frame(loud: boolean, amplitude = LOUD): Buffer {
  const b = Buffer.alloc(640);
  if (loud) for (let i = 0; i < 320; i++) b.writeInt16LE(i % 2 ? amplitude : -amplitude, i * 2);
  return b;
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A live STT stream the test feeds partials into. */
function fakeStream(): SttStream & { partial(text: string): void; settle(text: string): void } {
  const events = new EventQueue<SttStreamEvent>();
  return {
    push: () => undefined,
    finish: async () => ({ text: '', engine: 'fake', audioSeconds: 0 }),
    close: () => events.end(),
    partial: (text: string) => events.put({ type: 'partial', text, stable: false }),
    settle: (text: string) => events.put({ type: 'partial', text, stable: true, settled: true }),
    [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
  };
}

function rig(extra: Partial<EndpointingDeps> = {}) {
  const clock = new CountingClock();
  const media = Object.assign(new EventEmitter(), {
    id: 'm1',
    transport: 'audiosocket' as const,
    closed: false,
    send: () => true,
    hangup: () => undefined,
    close: () => undefined,
  });
  const endpoint = Object.assign(new EventEmitter(), {
    id: 'call-1',
    direction: 'inbound' as const,
    language: 'en',
    callerNumber: '+15550100',
    media,
    ended: false,
    hangup: async () => undefined,
  }) as unknown as CallEndpoint;
  const session = new CallSession({
    endpoint,
    prompts: new CallPrompts(
      () => 'compact',
      () => 'full',
    ),
    prices: DEFAULT_PRICES,
    flags: {},
    createPlayback: (sink) => new PlaybackQueue({ format: 'slin16', sink, clock }),
  });
  const vad = new LoudnessVad();
  const registry = new Registry();
  const events: Array<{ type: string; at: number; durationMs?: number; utteranceId?: string }> = [];
  const parent = setup({
    types: { events: {} as EndpointingEvent | MediaEvent },
    actors: {
      endpointing: createEndpointingActor({ session, createVad: () => vad, registry, ...extra }),
    },
  }).createMachine({
    invoke: { id: 'endpointing', src: 'endpointing', input: { callId: 'call-1', language: 'en' } },
    on: {
      '*': {
        actions: assign(({ event }) => {
          const durationMs = 'durationMs' in event ? event.durationMs : undefined;
          const utteranceId = 'utteranceId' in event ? event.utteranceId : undefined;
          events.push({ type: event.type, at: clock.now(), durationMs, utteranceId });
          return {};
        }),
      },
    },
  });
  const actor: AnyActorRef = createActor(parent).start();
  const emitted: Array<{ type: string; text?: string }> = [];
  actor
    .getSnapshot()
    .children.endpointing?.on('*', (e: { type: string; text?: string }) => emitted.push(e));
  /** The caller's line sends `n` frames, 20 ms apart on the clock. */
  const send = async (n: number, loud: boolean, amplitude = LOUD) => {
    for (let i = 0; i < n; i++) {
      clock.advance(20);
      media.emit('audio', frame(loud, amplitude));
      await flush();
    }
  };
  const wait = async (ms: number) => {
    await flush();
    clock.advance(ms);
    await flush();
  };
  return { clock, vad, events, emitted, actor, send, wait, session, registry };
}

describe('endpointing actor with streaming partials', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  const withPartial = async (text: string) => {
    const stream = fakeStream();
    const partials: string[] = [];
    const r = rig({
      endOfTurn: adaptiveEndOfTurn({ shortSilenceMs: 250, longSilenceMs: 800 }),
      openSttStream: () => stream,
      onPartial: (p) => partials.push(p.text),
    });
    stop = () => r.actor.stop();
    await r.send(10, false);
    await r.send(25, true);
    stream.partial(text);
    await r.wait(0);
    const voiceEnd = r.clock.now();
    for (let i = 0; i < 60 && r.events.length < 2; i++) await r.wait(20);
    const end = r.events.find((e) => e.type === 'media.speech.end');
    return { r, partials, endAfterMs: end ? end.at - voiceEnd : undefined };
  };

  it('ends a finished question after the short silence', async () => {
    const { r, partials, endAfterMs } = await withPartial('Do you deliver on Saturdays?');
    expect(endAfterMs).toBeGreaterThanOrEqual(250 - 32);
    expect(endAfterMs).toBeLessThanOrEqual(250 + 40);
    expect(partials).toEqual(['Do you deliver on Saturdays?']);
    // Partials are progress: emitted, never sent to the machine.
    expect(r.emitted).toContainEqual(
      expect.objectContaining({ type: 'stt.partial', text: 'Do you deliver on Saturdays?' }),
    );
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start', 'media.speech.end']);
  });

  it('asks the stream once per silence for an early final, after the configured silence', async () => {
    const flushes: number[] = [];
    const stream = Object.assign(fakeStream(), { flush: () => flushes.push(r.clock.now()) });
    const r = rig({
      endOfTurn: adaptiveEndOfTurn({ shortSilenceMs: 250, longSilenceMs: 800 }),
      openSttStream: () => stream,
      earlyFinalAfterMs: 200,
    });
    stop = () => r.actor.stop();
    await r.send(10, false);
    await r.send(25, true);
    stream.partial("I'd like to order a cake and");
    await r.wait(0);
    await r.send(5, false);
    expect(flushes).toEqual([]);
    await r.send(10, false);
    expect(flushes).toHaveLength(1);
    await r.send(10, false);
    expect(flushes).toHaveLength(1);
    // The caller goes on, then pauses again: one more.
    await r.send(10, true);
    await r.send(15, false);
    expect(flushes).toHaveLength(2);
  });

  it('a flushed pause waits for the settled words, and the utterance it ends carries the flush', async () => {
    const stream = fakeStream();
    let flushes = 0;
    const settle = (text: string) => stream.settle(text);
    const live = Object.assign(stream, {
      flush: () => {
        flushes++;
        return true;
      },
    });
    const r = rig({
      endOfTurn: adaptiveEndOfTurn({ shortSilenceMs: 250, longSilenceMs: 800 }),
      openSttStream: () => live,
      earlyFinalAfterMs: 40,
    });
    stop = () => r.actor.stop();
    await r.send(10, false);
    await r.send(25, true);
    stream.partial('Do you deliver to Haifa'); // reads as finished, but the last word may be missing
    await r.wait(0);
    await r.send(4, false);
    expect(flushes).toBe(1);
    await r.send(16, false); // 400 ms of silence: past the short silence, the flush unanswered
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start']);
    settle('Do you deliver to Haifa on Sunday?');
    await r.wait(0);
    await r.send(1, false);
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start', 'media.speech.end']);
    const id = r.events.at(-1)?.utteranceId as string;
    expect(r.session.takeUtterance(id)?.liveAfterFlush).toBe(true);
  });

  it('an utterance that goes on after a flush is finished with a flush of its own', async () => {
    let flushes = 0;
    // Only the first pause's flush is sent (the second finds nothing to finalize).
    const live = Object.assign(fakeStream(), { flush: () => ++flushes === 1 });
    const r = rig({
      endOfTurn: adaptiveEndOfTurn({ shortSilenceMs: 250, longSilenceMs: 800 }),
      openSttStream: () => live,
      earlyFinalAfterMs: 40,
    });
    stop = () => r.actor.stop();
    await r.send(10, false);
    await r.send(25, true);
    await r.send(4, false); // a flush in this pause
    await r.send(10, true); // the caller goes on
    await r.send(40, false); // no flush answer: the default silence ends it
    expect(flushes).toBe(2);
    const end = r.events.find((e) => e.type === 'media.speech.end');
    expect(end).toBeDefined();
    expect(r.session.takeUtterance(end?.utteranceId as string)?.liveAfterFlush).toBeUndefined();
  });

  it('never asks for an early final when it is off', async () => {
    let flushed = 0;
    const stream = Object.assign(fakeStream(), { flush: () => flushed++ });
    const r = rig({
      endOfTurn: adaptiveEndOfTurn({ shortSilenceMs: 250, longSilenceMs: 800 }),
      openSttStream: () => stream,
    });
    stop = () => r.actor.stop();
    await r.send(10, false);
    await r.send(25, true);
    await r.send(30, false);
    expect(flushed).toBe(0);
  });

  it('waits the long silence when the partial stops mid-thought', async () => {
    const { endAfterMs } = await withPartial("I'd like to order a cake and");
    expect(endAfterMs).toBeGreaterThanOrEqual(800 - 32);
    expect(endAfterMs).toBeLessThanOrEqual(800 + 40);
  });
});

describe('endpointing actor', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('ends the utterance on the clock when the line goes quiet without a single frame', async () => {
    const r = rig();
    stop = () => r.actor.stop();
    await r.send(10, false);
    await r.send(25, true); // 500 ms of voice, then the caller's line sends nothing
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start']);
    const voiceEnd = r.clock.now();
    await r.wait(400);
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start']);
    await r.wait(200);
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start', 'media.speech.end']);
    // Within a window of the 500 ms end-of-speech silence after the voice.
    const endAt = r.events[1]!.at - voiceEnd;
    expect(endAt).toBeGreaterThanOrEqual(500 - 32);
    expect(endAt).toBeLessThanOrEqual(500 + 32);
    // The utterance is the voice and its pre-roll, not the silence after it.
    expect(r.events[1]!.durationMs).toBeGreaterThanOrEqual(500 + 200 - 64);
    expect(r.events[1]!.durationMs).toBeLessThanOrEqual(500 + 200);
  });

  it('places an utterance in the audio received too, where frames that came late add no gap', async () => {
    const r = rig();
    stop = () => r.actor.stop();
    await r.send(10, false);
    // The line stalls for 500 ms, then ten frames come at once: on the clock that is a gap.
    r.clock.advance(500);
    for (let i = 0; i < 10; i++) r.session.endpoint.media.emit('audio', frame(false));
    await r.wait(0);
    await r.send(25, true);
    await r.send(40, false);
    const end = r.events.find((e) => e.type === 'media.speech.end');
    const utterance = r.session.takeUtterance(end!.utteranceId!);
    const received = utterance!.received!;
    // Its audio is the frames of that range, exactly.
    expect(received.endMs - received.startMs).toBe(utterance!.audio.length / 16);
    // The voice is the 21st to 45th frame received: 400 to 900 ms of audio, with the pre-roll.
    expect(received.startMs).toBeLessThanOrEqual(400);
    expect(received.startMs).toBeGreaterThanOrEqual(400 - 200 - 32);
    expect(received.endMs).toBeGreaterThanOrEqual(900);
    // On the call's clock the same utterance sits about 480 ms later (the gap less one frame).
    expect(utterance!.startMs - received.startMs).toBeGreaterThan(450);
  });

  it('keeps the audio the detector has not judged yet, however far behind it is', async () => {
    const r = rig();
    stop = () => r.actor.stop();
    r.vad.hold = true;
    await r.send(10, false);
    await r.send(25, true);
    await r.send(200, false); // 4 s more, while no probability has come back
    for (const release of r.vad.held.splice(0)) release();
    await r.wait(0);
    await r.wait(0);
    const end = r.events.find((e) => e.type === 'media.speech.end');
    const utterance = r.session.takeUtterance(end!.utteranceId!);
    // The 500 ms of voice (and its pre-roll) are all there, found on both timelines.
    expect(utterance!.audio.length / 16).toBeGreaterThanOrEqual(500);
    expect(utterance!.received!.startMs).toBeLessThanOrEqual(200);
    expect(utterance!.received!.endMs).toBeGreaterThanOrEqual(700);
  });

  it('does not judge silence while audio waits for the detector', async () => {
    const r = rig();
    stop = () => r.actor.stop();
    await r.send(25, true);
    r.vad.hold = true;
    await r.send(5, true); // the last 100 ms of voice wait for the detector (a busy pool)
    await r.wait(2_000);
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start']);
    // The detector answers: the voice ended 2 s ago and nothing came since, so it is over.
    for (const release of r.vad.held.splice(0)) release();
    r.vad.hold = false;
    await r.wait(0);
    expect(r.events.map((e) => e.type)).toEqual(['media.speech.start', 'media.speech.end']);
  });

  it('leaves no timer behind when it stops', async () => {
    const r = rig();
    await r.send(25, true);
    expect(r.clock.pending).toBeGreaterThan(0);
    r.actor.stop();
    expect(r.clock.pending).toBe(0);
  });

  describe('the caller talks over the bot', () => {
    /** The bot speaks a long answer (30 s of audio at a speech level). */
    const botSpeaks = (session: CallSession) =>
      session.playback.enqueue('answer', Buffer.alloc(30_000 * 32, 0x40));
    const metric = async (registry: Registry, name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values ?? [];

    it('a short sound holds the bot and lets it go on; longer speech stops it, timed from the onset', async () => {
      const r = rig();
      stop = () => r.actor.stop();
      botSpeaks(r.session);
      await r.send(10, false);
      expect(r.session.playback.isSpeaking).toBe(true);
      // "mm-hm": 300 ms of voice, then quiet
      await r.send(15, true);
      expect(r.session.playback.paused).toBe(true);
      await r.send(20, false);
      expect(r.session.playback.paused).toBe(false);
      expect(r.session.playback.isSpeaking).toBe(true);
      expect(r.events).toEqual([]);
      const resumes = await metric(r.registry, 'voxstate_barge_in_resumes_total');
      expect(resumes[0]?.value).toBe(1);

      // A real interruption: the bot goes silent about 200 ms after the onset, then it is over.
      await r.send(12, true);
      expect(r.session.playback.paused).toBe(true);
      await r.send(30, true);
      expect(r.events.map((e) => e.type)).toEqual(['media.speech.start']);
      expect(r.session.playback.idle).toBe(true);
      const sum = async (name: string) =>
        (await metric(r.registry, name)).find((v) =>
          (v as { metricName?: string }).metricName?.endsWith('_sum'),
        )?.value;
      const toSilence = (await sum('voxstate_barge_in_to_silence_seconds'))! * 1000;
      const detection = (await sum('voxstate_barge_in_detection_seconds'))! * 1000;
      // The first loud frame ends 20 ms after onsetAt; six 32 ms windows of voice pause the bot.
      expect(toSilence).toBeGreaterThanOrEqual(192);
      expect(toSilence).toBeLessThanOrEqual(192 + 32 + 20);
      expect(detection).toBeCloseTo(toSilence, 6);
      expect(r.session.timeline.turns()).toEqual([]);
    });

    it('the bot echo on the line is not the caller', async () => {
      const r = rig();
      stop = () => r.actor.stop();
      botSpeaks(r.session);
      // The line carries the bot's audio back 26 dB down (0x40 samples = 16448, echo ~825).
      const echo = Buffer.alloc(640);
      for (let i = 0; i < 320; i++) echo.writeInt16LE(i % 2 ? 825 : -825, i * 2);
      for (let i = 0; i < 100; i++) {
        r.clock.advance(20);
        r.session.endpoint.media.emit('audio', echo);
        await flush();
      }
      expect(r.session.playback.paused).toBe(false);
      expect(r.events).toEqual([]);
    });

    /**
     * The caller asks a question at their speaking level (amplitude 20000), the bot answers,
     * and voices around the caller (amplitude 4000: 14 dB under the caller, but only 12 dB under
     * the bot, louder than its echo could be) go on while it speaks.
     */
    const backgroundVoices = async (r: ReturnType<typeof rig>) => {
      await r.send(75, true, 20_000);
      await r.send(30, false);
      expect(r.events.map((e) => e.type)).toEqual(['media.speech.start', 'media.speech.end']);
      botSpeaks(r.session);
      await r.send(5, false);
      await r.send(60, true, 4_000);
    };

    it('voices far quieter than the caller do not interrupt the bot; the caller does', async () => {
      const r = rig();
      stop = () => r.actor.stop();
      await backgroundVoices(r);
      expect(r.session.playback.paused).toBe(false);
      expect(r.session.playback.isSpeaking).toBe(true);
      expect(r.events).toHaveLength(2);

      // The caller interrupts, a little quieter than they asked (-2 dB): the bot stops.
      await r.send(40, true, 16_000);
      expect(r.events.map((e) => e.type).slice(2)).toEqual(['media.speech.start']);
      expect(r.session.playback.idle).toBe(true);
      const bargeIn = r.session.log.events().find((e) => e.type === 'barge_in');
      expect(bargeIn?.fields?.callerLevelDb).toBe(-2);
    });

    it('with the caller-level gate off, the same voices stop the bot', async () => {
      const r = rig({ endpointer: { callerLevelGateDb: 0 } });
      stop = () => r.actor.stop();
      await backgroundVoices(r);
      expect(r.events.map((e) => e.type).slice(2)).toEqual(['media.speech.start']);
      expect(r.session.playback.idle).toBe(true);
    });

    it('voices around the caller neither hold their utterance open nor start one', async () => {
      const r = rig();
      stop = () => r.actor.stop();
      // The question at the caller's level, then voices 14 dB under it for 3 s, then quiet.
      await r.send(75, true, 20_000);
      await r.send(150, true, 4_000);
      // The utterance ended within a second of the caller's last word, not with the voices.
      expect(r.events.map((e) => e.type)).toEqual(['media.speech.start', 'media.speech.end']);
      const end = r.events[1]!;
      expect(end.at - 75 * 20).toBeLessThan(1_000);
      expect(end.durationMs).toBeLessThan(75 * 20 + 400);
      await r.send(30, false);
      expect(r.events).toHaveLength(2);
      const background = await metric(r.registry, 'voxstate_background_voice_seconds_total');
      expect(background[0]?.value).toBeGreaterThan(2);
    });

    it('a caller whose voice drops for good (a speakerphone) is heard again after 4 s', async () => {
      const r = rig();
      stop = () => r.actor.stop();
      await r.send(75, true, 20_000);
      await r.send(30, false);
      expect(r.events).toHaveLength(2);
      // Now 14 dB quieter, talking on: turned away at first, then the level is learned again.
      await r.send(300, true, 4_000);
      expect(r.events.map((e) => e.type).slice(2)).toEqual(['media.speech.start']);
      const relearned = r.session.log.events().filter((e) => e.type === 'caller_level_relearned');
      expect(relearned).toHaveLength(1);
      expect(r.events[2]!.at - 105 * 20).toBeGreaterThan(3_900);
    });

    it('with the gate off, the same voices hold the utterance open', async () => {
      const r = rig({ endpointer: { callerLevelGateDb: 0 } });
      stop = () => r.actor.stop();
      await r.send(75, true, 20_000);
      await r.send(150, true, 4_000);
      expect(r.events.map((e) => e.type)).toEqual(['media.speech.start']);
      await r.send(30, false);
      expect(r.events.map((e) => e.type)).toEqual(['media.speech.start', 'media.speech.end']);
      expect(r.events[1]!.durationMs).toBeGreaterThan(75 * 20 + 150 * 20 - 100);
    });

    it('before the caller has said anything, every voice can interrupt', async () => {
      const r = rig();
      stop = () => r.actor.stop();
      botSpeaks(r.session);
      await r.send(5, false);
      await r.send(60, true, 4_000);
      expect(r.events.map((e) => e.type)).toEqual(['media.speech.start']);
    });
  });
});
