import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PlaybackEndReason,
  type PlaybackItem,
  PlaybackQueue,
} from '../../src/media/playback-queue.js';
import { FakeClock } from '../fakes/fake-clock.js';

const FRAME = 160; // ulaw, 20 ms

/** `frames` frames of ulaw audio whose bytes all equal `tag`. */
function clip(tag: number, frames: number, extraBytes = 0): Buffer {
  return Buffer.alloc(frames * FRAME + extraBytes, tag);
}

function setup(options: { fillerJoin?: 'boundary' | 'after'; jitterMs?: number } = {}) {
  const clock = new FakeClock({ jitterMs: options.jitterMs ?? 0 });
  const sent: Buffer[] = [];
  const queue = new PlaybackQueue({
    format: 'ulaw',
    sink: (f) => sent.push(f),
    clock,
    fillerJoin: options.fillerJoin,
    echoCooldownMs: 300,
  });
  return { clock, sent, queue, tags: () => sent.map((f) => f[0] as number) };
}

/** Run-length encoding of the frame tags: [[tag, count], ...]. */
function runs(tags: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const t of tags) {
    const last = out[out.length - 1];
    if (last && last[0] === t) last[1] += 1;
    else out.push([t, 1]);
  }
  return out;
}

describe('PlaybackQueue', () => {
  it('openAhead puts a filler before an answer with no audio yet, after a prompt', () => {
    const { clock, queue, tags } = setup();
    queue.enqueue('prompt', clip(0x11, 2));
    const answer = queue.open('answer');
    clock.advance(100); // the prompt played; the answer, with no audio, is next
    const filler = queue.openAhead('filler');
    filler.append(clip(0x22, 3));
    filler.end();
    clock.advance(20);
    answer.append(clip(0x33, 2)); // ready mid-filler: it joins at the boundary
    answer.end();
    clock.advance(1_000);
    expect(runs(tags())).toEqual([
      [0x11, 2],
      [0x22, 3],
      [0x33, 2],
    ]);
  });

  it('plays items in order in 20 ms frames, padding the last frame with silence', () => {
    const { clock, sent, queue, tags } = setup();
    const ended: Array<[number, PlaybackEndReason]> = [];
    queue.on('item.ended', (item, reason) => ended.push([item.id, reason]));
    const a = queue.enqueue('prompt', clip(1, 3, 40));
    const b = queue.enqueue('answer', clip(2, 2));
    clock.advance(500);
    expect(runs(tags())).toEqual([
      [1, 4],
      [2, 2],
    ]);
    const padded = sent[3] as Buffer;
    expect(padded.subarray(0, 40).every((x) => x === 1)).toBe(true);
    expect(padded.subarray(40).every((x) => x === 0xff)).toBe(true);
    expect(ended).toEqual([
      [a.id, 'played'],
      [b.id, 'played'],
    ]);
    expect(queue.idle).toBe(true);
  });

  it('takes chunks of a streaming item while it plays and resumes after an underrun', () => {
    const { clock, queue, tags } = setup();
    const item = queue.open('answer');
    item.append(clip(7, 2).subarray(0, 250)); // one frame and a bit
    clock.advance(100);
    expect(tags()).toEqual([7]);
    expect(queue.isSpeaking).toBe(false);
    item.append(clip(7, 2).subarray(250));
    item.end();
    clock.advance(100);
    expect(tags()).toEqual([7, 7]);
    expect(item.state).toBe('ended');
  });

  it('barge-in stops at once and empties the queue', () => {
    const { clock, queue, tags } = setup();
    const reasons: PlaybackEndReason[] = [];
    queue.enqueue('answer', clip(1, 50), { onEnd: (r) => reasons.push(r) });
    queue.enqueue('answer', clip(2, 50), { onEnd: (r) => reasons.push(r) });
    const streaming = queue.open('answer', { onEnd: (r) => reasons.push(r) });
    clock.advance(200);
    const before = tags().length;
    expect(queue.isSpeaking).toBe(true);
    expect(queue.stopAll()).toBe(3);
    expect(queue.isSpeaking).toBe(false);
    expect(queue.idle).toBe(true);
    expect(queue.pending).toHaveLength(0);
    streaming.append(clip(3, 10));
    clock.advance(2_000);
    expect(tags()).toHaveLength(before);
    expect(reasons).toEqual(['stopped', 'stopped', 'stopped']);
    // the queue is usable again after a barge-in
    queue.enqueue('prompt', clip(4, 2));
    clock.advance(100);
    expect(tags().slice(before)).toEqual([4, 4]);
  });

  it('pauses at once and resumes from the same frame, keeping every item and what streams in', () => {
    const { clock, queue, tags } = setup();
    const speaking: boolean[] = [];
    queue.on('speaking', (s) => speaking.push(s));
    const ended: PlaybackEndReason[] = [];
    const first = queue.open('answer', { onEnd: (r) => ended.push(r) });
    first.append(Buffer.concat([clip(1, 5), clip(2, 5)]));
    first.end();
    clock.advance(90); // frames at 0..80: five of 1
    expect(tags()).toEqual([1, 1, 1, 1, 1]);
    expect(queue.pause()).toBe(true);
    expect(queue.paused).toBe(true);
    expect(queue.isSpeaking).toBe(false);
    expect(queue.idle).toBe(false);
    const later = queue.open('answer', { onEnd: (r) => ended.push(r) });
    later.append(clip(3, 2)); // the answer keeps streaming into the held queue
    later.end();
    clock.advance(500);
    expect(tags()).toHaveLength(5);
    expect(queue.pause()).toBe(false);
    queue.resume();
    clock.advance(200);
    expect(runs(tags())).toEqual([
      [1, 5],
      [2, 5],
      [3, 2],
    ]);
    expect(ended).toEqual(['played', 'played']);
    expect(speaking).toEqual([true, false, true, false]);
  });

  it('holds audio that arrives while paused between two phrases', () => {
    const { clock, queue, tags } = setup();
    const next = queue.open('answer'); // the next sentence, still being synthesized
    clock.advance(100);
    expect(queue.pause()).toBe(true);
    next.append(clip(5, 3));
    next.end();
    clock.advance(200);
    expect(tags()).toEqual([]);
    queue.resume();
    clock.advance(100);
    expect(tags()).toEqual([5, 5, 5]);
  });

  it('does not pause audio that is not interruptible, nor an empty queue; a stop ends a pause', () => {
    const { clock, queue, tags } = setup();
    expect(queue.pause()).toBe(false);
    queue.enqueue('prompt', clip(1, 5), { interruptible: false });
    queue.enqueue('answer', clip(2, 5));
    clock.advance(30);
    expect(queue.pause()).toBe(false);
    clock.advance(100);
    expect(queue.pause()).toBe(true);
    expect(queue.stopAll()).toBe(1);
    expect(queue.paused).toBe(false);
    queue.enqueue('answer', clip(3, 2));
    clock.advance(100);
    expect(runs(tags()).at(-1)).toEqual([3, 2]);
  });

  it('reports every frame it sends, for the echo reference', () => {
    const { clock, queue, sent } = setup();
    const seen: Array<[Buffer, number]> = [];
    queue.on('frame', (frame, atMs) => seen.push([frame, atMs]));
    const t0 = clock.now();
    queue.enqueue('answer', clip(7, 3));
    clock.advance(100);
    expect(seen.map(([f]) => f)).toEqual(sent);
    expect(seen.map(([, t]) => t - t0)).toEqual([0, 20, 40]);
  });

  it('keeps a non-interruptible item through barge-in but not through hang-up', () => {
    const { clock, queue, tags } = setup();
    queue.enqueue('prompt', clip(1, 10), { interruptible: false });
    queue.enqueue('answer', clip(2, 10));
    clock.advance(60);
    queue.stopAll();
    clock.advance(1_000);
    expect(runs(tags())).toEqual([[1, 10]]);
    queue.enqueue('prompt', clip(3, 10), { interruptible: false });
    clock.advance(50);
    queue.close();
    const n = tags().length;
    clock.advance(1_000);
    expect(tags()).toHaveLength(n);
  });

  it('boundary join: the playing filler phrase finishes, the rest are skipped, the answer follows', () => {
    const { clock, queue, tags } = setup({ fillerJoin: 'boundary' });
    const f1 = queue.enqueue('filler', clip(11, 10));
    const f2 = queue.enqueue('filler', clip(12, 10));
    clock.advance(70); // f1 is mid-phrase
    const answer = queue.open('answer');
    answer.append(clip(20, 5));
    answer.end();
    clock.advance(1_000);
    expect(runs(tags())).toEqual([
      [11, 10],
      [20, 5],
    ]);
    expect(f1.state).toBe('ended');
    expect(f2.state).toBe('ended');
  });

  it('boundary join: filler phrases keep playing while the answer has no audio yet', () => {
    const { clock, queue, tags } = setup({ fillerJoin: 'boundary' });
    queue.enqueue('filler', clip(11, 5));
    queue.enqueue('filler', clip(12, 5));
    const answer = queue.open('answer');
    clock.advance(150); // phrase 1 done, phrase 2 playing
    answer.append(clip(20, 3));
    answer.end();
    clock.advance(1_000);
    expect(runs(tags())).toEqual([
      [11, 5],
      [12, 5],
      [20, 3],
    ]);
  });

  it('boundary join: a filler still being synthesized gives way to a ready answer', () => {
    const { clock, queue, tags } = setup({ fillerJoin: 'boundary' });
    queue.enqueue('prompt', clip(1, 2));
    const filler = queue.open('filler'); // no audio yet (uncached synthesis)
    clock.advance(100); // the prompt has played; the filler is up but silent
    expect(queue.current).toBe(filler);
    queue.enqueue('answer', clip(20, 3));
    clock.advance(100);
    filler.append(clip(11, 5));
    filler.end();
    clock.advance(500);
    expect(runs(tags())).toEqual([
      [1, 2],
      [20, 3],
    ]);
    expect(filler.state).toBe('ended');
  });

  it('after join: every queued filler phrase plays before the answer', () => {
    const { clock, queue, tags } = setup({ fillerJoin: 'after' });
    queue.enqueue('filler', clip(11, 10));
    queue.enqueue('filler', clip(12, 10));
    clock.advance(70);
    queue.enqueue('answer', clip(20, 5));
    clock.advance(1_000);
    expect(runs(tags())).toEqual([
      [11, 10],
      [12, 10],
      [20, 5],
    ]);
  });

  it('the filler-to-answer join never cuts a phrase (any timing, any phrase lengths)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('boundary' as const, 'after' as const),
        fc.integer({ min: 0, max: 6 }),
        (phrases, answerAtMs, answerFrames, join, jitterMs) => {
          const { clock, queue, tags } = setup({ fillerJoin: join, jitterMs });
          phrases.forEach((frames, i) => {
            queue.enqueue('filler', clip(10 + i, frames));
          });
          clock.advance(answerAtMs);
          queue.enqueue('answer', clip(99, answerFrames));
          clock.advance(5_000);
          const r = runs(tags());
          // every filler phrase that started was played whole, in order, then the whole answer
          const last = r[r.length - 1];
          expect(last).toEqual([99, answerFrames]);
          r.slice(0, -1).forEach(([tag, count], i) => {
            expect(tag).toBe(10 + i);
            expect(count).toBe(phrases[i]);
          });
          if (join === 'after') expect(r).toHaveLength(phrases.length + 1);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('cancel with finishCurrent lets the playing phrase end and drops the queued ones', () => {
    const { clock, queue, tags } = setup();
    const items: PlaybackItem[] = [
      queue.enqueue('filler', clip(11, 6)),
      queue.enqueue('filler', clip(12, 6)),
    ];
    clock.advance(50);
    for (const item of items) item.cancel({ finishCurrent: true });
    clock.advance(1_000);
    expect(runs(tags())).toEqual([[11, 6]]);
  });

  it('reports speaking state and the echo window for the endpointer', () => {
    const { clock, queue } = setup();
    const changes: Array<[boolean, number]> = [];
    queue.on('speaking', (speaking, at) => changes.push([speaking, at]));
    expect(queue.inEchoWindow()).toBe(false);
    const start = clock.now();
    queue.enqueue('prompt', clip(1, 5));
    clock.advance(50);
    expect(queue.isSpeaking).toBe(true);
    expect(queue.inEchoWindow()).toBe(true);
    clock.advance(100);
    expect(queue.isSpeaking).toBe(false);
    const lastAudio = queue.lastAudioAtMs ?? Number.NaN;
    expect(lastAudio).toBeCloseTo(start + 100, 6); // last frame sent at +80, ends at +100
    expect(queue.inEchoWindow(lastAudio + 299)).toBe(true);
    expect(queue.inEchoWindow(lastAudio + 301)).toBe(false);
    expect(changes.map(([s]) => s)).toEqual([true, false]);
  });
});
