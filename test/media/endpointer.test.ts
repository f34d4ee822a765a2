import { describe, expect, test } from 'vitest';
import { Endpointer, type EndpointerEvent } from '../../src/media/endpointer.js';

const W = 32;

/** Feeds `probs` as consecutive 32 ms windows from `fromMs`; returns every event. */
function feed(ep: Endpointer, probs: number[], fromMs = 0): EndpointerEvent[] {
  return probs.flatMap((p, i) => ep.push(p, fromMs + i * W));
}

const repeat = (p: number, n: number) => Array.from({ length: n }, () => p);

describe('Endpointer', () => {
  test('start after minSpeechMs of voice, end after endSilenceMs of silence, with the audio range', () => {
    const ep = new Endpointer();
    // 10 silent windows (320 ms), 20 voiced (640 ms), 20 silent (640 ms)
    const events = feed(ep, [...repeat(0.05, 10), ...repeat(0.9, 20), ...repeat(0.05, 20)]);
    expect(events).toEqual([
      // voice from 320 ms; 7 windows = 224 ms >= 200 ms confirm at 320 + 224
      { type: 'speech.start', startMs: 120, atMs: 544, bargeIn: false },
      // voice ends at 960 ms; silence from 960, 16 windows = 512 ms >= 500 ms
      { type: 'speech.end', startMs: 120, endMs: 960, atMs: 1472, reason: 'silence' },
    ]);
    expect(ep.inSpeech).toBe(false);
  });

  test('a short blip is not speech', () => {
    const ep = new Endpointer();
    expect(feed(ep, [...repeat(0.9, 5), ...repeat(0.1, 30)])).toEqual([]);
  });

  test('hysteresis: windows between negThreshold and threshold keep a start and an utterance going', () => {
    const ep = new Endpointer();
    const events = feed(ep, [0.9, ...repeat(0.4, 10), ...repeat(0.9, 5), ...repeat(0.1, 20)]);
    expect(events.map((e) => e.type)).toEqual(['speech.start', 'speech.end']);
  });

  test('a pause shorter than endSilenceMs does not split the utterance', () => {
    const ep = new Endpointer();
    const probs = [...repeat(0.9, 10), ...repeat(0.1, 12), ...repeat(0.9, 10), ...repeat(0.1, 20)];
    const events = feed(ep, probs);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'speech.end', startMs: 0, endMs: 32 * 32 });
  });

  test('maxUtteranceMs cuts a long utterance', () => {
    const ep = new Endpointer({ maxUtteranceMs: 1000 });
    const events = feed(ep, repeat(0.9, 40));
    expect(events[0]).toMatchObject({ type: 'speech.start' });
    expect(events[1]).toEqual({
      type: 'speech.end',
      startMs: 0,
      endMs: 1024,
      atMs: 1024,
      reason: 'max_length',
    });
  });

  test('flush ends an utterance in progress and does nothing otherwise', () => {
    const ep = new Endpointer();
    expect(ep.flush(0)).toEqual([]);
    feed(ep, repeat(0.9, 10), 1000);
    expect(ep.flush(1400)).toEqual([
      { type: 'speech.end', startMs: 800, endMs: 1320, atMs: 1400, reason: 'flush' },
    ]);
  });

  describe('echo cooldown and barge-in', () => {
    test('moderate voice while the bot speaks is treated as echo', () => {
      const ep = new Endpointer();
      ep.setBotSpeaking(true, 0);
      expect(feed(ep, repeat(0.7, 40))).toEqual([]);
    });

    test('clear voice for bargeInMinSpeechMs while the bot speaks is a barge-in', () => {
      const ep = new Endpointer();
      ep.setBotSpeaking(true, 0);
      const events = feed(ep, repeat(0.95, 20));
      // 13 windows = 416 ms >= 400 ms
      expect(events).toEqual([{ type: 'speech.start', startMs: 0, atMs: 416, bargeIn: true }]);
    });

    test('the guard lasts echoCooldownMs after the bot stops, then ordinary starts return', () => {
      const ep = new Endpointer();
      ep.setBotSpeaking(true, 0);
      ep.setBotSpeaking(false, 1000);
      expect(ep.isGuarded(1299)).toBe(true);
      expect(ep.isGuarded(1300)).toBe(false);
      // moderate voice during the cooldown: ignored
      expect(feed(ep, repeat(0.7, 9), 1000)).toEqual([]);
      // the same voice after the cooldown: an ordinary start
      const later = feed(ep, repeat(0.7, 10), 1300);
      expect(later).toEqual([{ type: 'speech.start', startMs: 1100, atMs: 1524, bargeIn: false }]);
    });

    test('a guarded candidate that drops below bargeInThreshold is not a barge-in', () => {
      const ep = new Endpointer();
      ep.setBotSpeaking(true, 0);
      expect(feed(ep, [...repeat(0.95, 8), 0.6, ...repeat(0.95, 8), 0.6])).toEqual([]);
    });
  });

  test('is deterministic: the same input gives the same events', () => {
    const probs = Array.from({ length: 300 }, (_, i) => (Math.sin(i / 7) + 1) / 2);
    expect(feed(new Endpointer(), probs)).toEqual(feed(new Endpointer(), probs));
  });

  test('rejects inconsistent thresholds', () => {
    expect(() => new Endpointer({ threshold: 0.3, negThreshold: 0.5 })).toThrow(RangeError);
  });
});
