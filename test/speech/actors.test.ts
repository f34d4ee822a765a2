import { describe, expect, it } from 'vitest';
import { type AnyActorLogic, createActor, type EventObject, setup } from 'xstate';
import type { FillerInput, SpeakInput } from '../../src/actors/contracts.js';
import { createPlayFillerActor } from '../../src/actors/play-filler.js';
import { createSpeakActor } from '../../src/actors/speak.js';
import { AbortedError } from '../../src/errors.js';
import { PlaybackQueue } from '../../src/media/playback-queue.js';
import { fillerTexts, phraseText } from '../../src/prompts/phrases.js';
import type { TtsEngine, TtsRequest } from '../../src/providers/tts/tts-engine.js';
import { TtsCache } from '../../src/speech/tts-cache.js';
import { TtsService } from '../../src/speech/tts-service.js';
import { CountingEngine } from '../fakes/counting-engine.js';
import { FakeClock } from '../fakes/fake-clock.js';

/**
 * A parent machine that runs `logic` while in `running` and records, in order, what the child
 * sends back and what it emits.
 */
function harness<TInput>(logic: AnyActorLogic, input: TInput) {
  const log: string[] = [];
  const errors: string[] = [];
  const machine = setup({
    types: { events: {} as EventObject },
    actors: { child: logic },
  }).createMachine({
    initial: 'running',
    states: {
      running: {
        invoke: { id: 'child', src: 'child', input: () => input },
        on: { STOP: 'stopped' },
      },
      stopped: {},
    },
    on: {
      '*': {
        actions: ({ event }) => {
          log.push(event.type);
          const error = (event as { error?: unknown }).error;
          if (error !== undefined)
            errors.push(error instanceof Error ? error.message : String(error));
        },
      },
    },
  });
  const actor = createActor(machine);
  actor.start();
  actor.getSnapshot().children.child?.on('*', (event) => log.push(event.type));
  return {
    events: () => log.filter((e) => e !== 'STOP'),
    /** Messages of the errors the child failed with. */
    errors: () => errors,
    stop: () => actor.send({ type: 'STOP' }),
    actor,
  };
}

function world(options: { bytesPerChar?: number } = {}) {
  const clock = new FakeClock();
  const frames: Buffer[] = [];
  const playback = new PlaybackQueue({ format: 'ulaw', sink: (f) => frames.push(f), clock });
  const engine = new CountingEngine({ bytesPerChar: options.bytesPerChar ?? 400 });
  const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
  const deps = { playback, tts, phraseVars: { businessName: 'Acme Dental' } };
  return { clock, frames, playback, engine, tts, deps };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/** An engine that yields one chunk and then waits until its request is aborted. */
class HangingEngine implements TtsEngine {
  readonly name = 'hanging';
  signal: AbortSignal | undefined;
  voiceFor(language: string): string {
    return `v-${language}`;
  }
  async *synthesize(request: TtsRequest): AsyncIterable<Buffer> {
    this.signal = request.signal;
    yield Buffer.alloc(8_000, 0x55);
    await new Promise((_, reject) => {
      request.signal?.addEventListener('abort', () => reject(new AbortedError('hanging tts')));
    });
  }
}

describe('speak actor', () => {
  it('speaks the greeting with the business name: first frame at once, done after the last', async () => {
    const w = world();
    const started: Array<string | undefined> = [];
    w.playback.on('item.started', (item) => started.push(item.label));
    const input: SpeakInput = {
      callId: 'call-1',
      phrase: 'greeting',
      language: 'en',
      format: 'ulaw',
    };
    const h = harness(createSpeakActor(w.deps), input);
    await tick();
    expect(started).toEqual([]);
    w.clock.advance(1);
    expect(started).toEqual(['greeting']);
    const text = phraseText('greeting', 'en', { businessName: 'Acme Dental' });
    expect(text).toContain('Acme Dental');
    const expected = w.engine.audioFor(text);
    const frames = Math.ceil(expected.byteLength / 160);
    w.clock.advance(frames * 20 - 40);
    await tick();
    expect(h.events()).toEqual([]);
    w.clock.advance(60);
    await tick();
    expect(h.events()).toEqual(['xstate.done.actor.child']);
    expect(Buffer.concat(w.frames).subarray(0, expected.byteLength).equals(expected)).toBe(true);
  });

  it('stops its audio at once when the state is left, and aborts its synthesis', async () => {
    const w = world();
    const engine = new HangingEngine();
    const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
    const h = harness(createSpeakActor({ ...w.deps, tts }), {
      callId: 'call-1',
      phrase: { text: 'A long answer that takes a few seconds to say.' },
      language: 'en',
      format: 'ulaw',
    });
    await tick();
    w.clock.advance(200);
    expect(w.frames.length).toBeGreaterThan(0);
    const sent = w.frames.length;
    h.stop();
    await tick();
    expect(engine.signal?.aborted).toBe(true);
    w.clock.advance(5_000);
    expect(w.frames.length).toBe(sent);
    expect(w.playback.idle).toBe(true);
    expect(h.events()).toEqual([]);
  });

  it('is done when a barge-in stops the queue, and its synthesis stops too', async () => {
    const w = world();
    const engine = new HangingEngine();
    const tts = new TtsService({ engines: [engine], cache: new TtsCache() });
    const h = harness(createSpeakActor({ ...w.deps, tts }), {
      callId: 'call-1',
      phrase: 'stillThere',
      language: 'en',
      format: 'ulaw',
    });
    await tick();
    w.clock.advance(100);
    w.playback.stopAll();
    await tick();
    expect(h.events()).toEqual(['xstate.done.actor.child']);
    expect(engine.signal?.aborted).toBe(true);
  });

  it('fails once, with the reason, when synthesis fails', async () => {
    const w = world();
    w.engine.failNext = true;
    const h = harness(createSpeakActor(w.deps), {
      callId: 'call-1',
      phrase: 'goodbye',
      language: 'ru',
      format: 'ulaw',
    });
    await tick();
    w.clock.advance(100);
    await tick();
    expect(h.events()).toEqual(['xstate.error.actor.child']);
    expect(h.errors()).toEqual([expect.stringContaining('scripted failure')]);
    expect(w.frames).toHaveLength(0);
  });

  it('fails when asked for another format than the call plays', async () => {
    const w = world();
    const h = harness(createSpeakActor(w.deps), {
      callId: 'call-1',
      phrase: 'goodbye',
      language: 'en',
      format: 'slin16',
    });
    await tick();
    expect(h.errors()).toEqual(['format mismatch: call plays ulaw, asked for slin16']);
    expect(w.engine.calls).toBe(0);
  });
});

describe('playFiller actor', () => {
  it('never repeats a filler within a call until all were used', async () => {
    const w = world({ bytesPerChar: 16 });
    const logic = createPlayFillerActor({ ...w.deps, random: () => 0.99 });
    const input: FillerInput = { callId: 'call-1', language: 'ru', format: 'ulaw' };
    const seen: Buffer[] = [];
    for (let i = 0; i < fillerTexts('ru').length; i++) {
      const before = w.frames.length;
      const h = harness(logic, input);
      await tick();
      w.clock.advance(2_000);
      expect(h.events()).toEqual(['filler.started', 'filler.done']);
      seen.push(Buffer.concat(w.frames.slice(before)));
    }
    const tags = new Set(seen.map((b) => b[0]));
    const expectedTags = new Set(fillerTexts('ru').map((t) => w.engine.audioFor(t)[0]));
    expect(tags).toEqual(expectedTags);
    expect(w.engine.calls).toBe(fillerTexts('ru').length);
  });

  it('lets the playing phrase finish when stopped, and the answer follows it', async () => {
    const w = world();
    const h = harness(createPlayFillerActor({ ...w.deps, random: () => 0 }), {
      callId: 'call-1',
      language: 'en',
      format: 'ulaw',
    });
    await tick();
    w.clock.advance(100); // mid-phrase
    h.stop();
    w.playback.enqueue('answer', Buffer.alloc(1_600, 0x42));
    w.clock.advance(10_000);
    const filler = w.engine.audioFor(fillerTexts('en')[0] as string);
    const fillerFrames = Math.ceil(filler.byteLength / 160);
    expect(w.frames).toHaveLength(fillerFrames + 10);
    expect(
      Buffer.concat(w.frames.slice(0, fillerFrames)).subarray(0, filler.byteLength).equals(filler),
    ).toBe(true);
    expect(w.frames.slice(fillerFrames).every((f) => f[0] === 0x42)).toBe(true);
  });

  it('drops a filler that has not started when stopped', async () => {
    const w = world();
    w.playback.enqueue('prompt', Buffer.alloc(1_600, 0x42));
    const h = harness(createPlayFillerActor(w.deps), {
      callId: 'call-1',
      language: 'en',
      format: 'ulaw',
    });
    await tick();
    w.clock.advance(50);
    h.stop();
    await Promise.resolve(); // the answer did not take the turn over in the same step
    w.clock.advance(5_000);
    expect(w.frames).toHaveLength(10);
    expect(h.events()).toEqual([]);
  });

  it('still plays a filler that is next in line when stopped before its first frame', async () => {
    const w = world();
    const h = harness(createPlayFillerActor({ ...w.deps, random: () => 0 }), {
      callId: 'call-1',
      language: 'en',
      format: 'ulaw',
    });
    h.stop();
    await tick();
    w.clock.advance(10_000);
    const filler = w.engine.audioFor(fillerTexts('en')[0] as string);
    expect(w.frames).toHaveLength(Math.ceil(filler.byteLength / 160));
    expect(h.events()).toEqual([]);
  });

  it('skips a filler stopped before its first frame when the answer audio is ready first', async () => {
    const w = world();
    const h = harness(createPlayFillerActor({ ...w.deps, random: () => 0 }), {
      callId: 'call-1',
      language: 'en',
      format: 'ulaw',
    });
    h.stop();
    w.playback.enqueue('answer', Buffer.alloc(1_600, 0x42));
    await tick();
    w.clock.advance(10_000);
    expect(w.frames).toHaveLength(10);
    expect(w.frames.every((f) => f[0] === 0x42)).toBe(true);
  });

  it('plays a cached filler at the first frame after it is started, synthesizing nothing', async () => {
    const w = world();
    for (const text of fillerTexts('en')) {
      await w.tts.synthesizeAll(text, { language: 'en', format: 'ulaw' });
    }
    const synthesized = w.engine.calls;
    const h = harness(createPlayFillerActor(w.deps), {
      callId: 'call-1',
      language: 'en',
      format: 'ulaw',
    });
    await tick();
    expect(w.frames).toHaveLength(0);
    w.clock.advance(1);
    expect(w.frames.length).toBeGreaterThan(0);
    expect(h.events()).toContain('filler.started');
    expect(w.engine.calls).toBe(synthesized);
    h.stop();
  });
});
