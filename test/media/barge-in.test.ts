import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BargeInControl } from '../../src/media/barge-in.js';
import { PlaybackQueue } from '../../src/media/playback-queue.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { metricValue } from '../helpers/metrics.js';

const clip = (frames: number) => Buffer.alloc(frames * 640, 0x20);

function setup() {
  const clock = new FakeClock({ jitterMs: 0 });
  const sent: Buffer[] = [];
  const queue = new PlaybackQueue({ format: 'slin16', sink: (f) => sent.push(f), clock });
  const registry = new Registry();
  return { clock, sent, queue, registry, control: new BargeInControl(queue, registry) };
}

describe('BargeInControl', () => {
  it('holds the bot at the onset and, when confirmed, stops it and times both from the onset', async () => {
    const { clock, queue, sent, registry, control } = setup();
    queue.enqueue('answer', clip(100));
    clock.advance(500);
    const onsetAt = clock.now() - 200;
    control.onset(onsetAt);
    expect(queue.paused).toBe(true);
    const heldAt = clock.now();
    const frames = sent.length;
    clock.advance(400);
    expect(sent).toHaveLength(frames);
    expect(control.confirm(onsetAt)).toEqual({
      onsetAtMs: onsetAt,
      decidedAtMs: heldAt,
      silentAtMs: heldAt,
    });
    expect(queue.idle).toBe(true);
    expect(await metricValue(registry, 'voxstate_barge_in_to_silence_seconds_sum')).toBeCloseTo(
      0.2,
      6,
    );
    expect(await metricValue(registry, 'voxstate_barge_in_detection_seconds_sum')).toBeCloseTo(
      0.2,
      6,
    );
  });

  it('between two phrases the bot was already quiet: silence is its last frame', async () => {
    const { clock, queue, registry, control } = setup();
    queue.enqueue('answer', clip(10)); // 200 ms, then the next sentence is not ready yet
    const next = queue.open('answer');
    clock.advance(300);
    expect(queue.isSpeaking).toBe(false);
    const lastAudio = queue.lastAudioAtMs!;
    control.onset(lastAudio - 100);
    next.append(clip(5));
    clock.advance(100);
    const timing = control.confirm(lastAudio - 100);
    expect(timing?.silentAtMs).toBe(lastAudio);
    expect(await metricValue(registry, 'voxstate_barge_in_to_silence_seconds_sum')).toBeCloseTo(
      0.1,
      6,
    );
  });

  it('lets the bot go on from the same frame when the sound stops, and counts it', async () => {
    const { clock, queue, sent, registry, control } = setup();
    queue.enqueue('answer', clip(20));
    clock.advance(100);
    control.onset(clock.now() - 50);
    clock.advance(300);
    const before = sent.length;
    expect(control.dropped()).toBe(300);
    clock.advance(1_000);
    expect(sent).toHaveLength(20);
    expect(before).toBeLessThan(20);
    expect(control.dropped()).toBeUndefined();
    const resumes = (await registry.getSingleMetric('voxstate_barge_in_resumes_total')?.get())
      ?.values[0]?.value;
    expect(resumes).toBe(1);
  });

  it('has nothing to interrupt when the bot is silent, and never holds audio that is not interruptible', () => {
    const { clock, queue, control } = setup();
    expect(control.confirm(clock.now())).toBeUndefined();
    queue.enqueue('prompt', clip(50), { interruptible: false });
    clock.advance(100);
    control.onset(clock.now());
    expect(queue.paused).toBe(false);
    expect(control.confirm(clock.now())).toBeUndefined();
    expect(queue.isSpeaking).toBe(true);
  });
});
