import { describe, expect, test } from 'vitest';
import {
  type EndOfTurnPolicy,
  Endpointer,
  type EndpointerEvent,
} from '../../src/media/endpointer.js';

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
      { type: 'speech.start', startMs: 120, onsetMs: 320, atMs: 544, bargeIn: false },
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

  describe('barge-in: the caller talks over the bot', () => {
    const guarded = () => {
      const ep = new Endpointer();
      ep.setBotSpeaking(true, 0);
      return ep;
    };

    test('moderate voice while the bot speaks is not an interruption', () => {
      expect(feed(guarded(), repeat(0.7, 40))).toEqual([]);
    });

    test('clear voice pauses the bot after bargeInPauseMs and confirms after bargeInMinSpeechMs', () => {
      const events = feed(guarded(), repeat(0.95, 25));
      expect(events).toEqual([
        // 6 windows = 192 ms of voice: hold the bot's audio
        { type: 'speech.onset', onsetMs: 0, atMs: 192 },
        // 19 windows = 608 ms: the caller's turn
        { type: 'speech.start', startMs: 0, onsetMs: 0, atMs: 608, bargeIn: true },
      ]);
    });

    test('hysteresis: a dip does not restart the count', () => {
      // 5 voiced, a 2-window dip (64 ms), 5 voiced: 10 windows of voice = 320 ms at window 12
      const probs = [...repeat(0.95, 5), 0.6, 0.2, ...repeat(0.95, 20)];
      const events = feed(guarded(), probs);
      expect(events[0]).toEqual({ type: 'speech.onset', onsetMs: 0, atMs: 8 * 32 });
      // 19 voiced windows after 2 dips: confirmed at window 21, not 2 + 19 windows after the dip
      expect(events[1]).toMatchObject({ type: 'speech.start', bargeIn: true, atMs: 21 * 32 });
    });

    test('"Stop, <pause> how much ..." is one interruption, not a backchannel and a restart', () => {
      // espeak's "Stop, how much is a birthday cake?" through Silero: the comma's dip is 352 ms,
      // its first three windows still in the hysteresis band.
      const probs = [
        0.86, 0.98, 1, 0.99, 0.99, 0.99, 0.99, 0.92, 0.69, 0.75, 0.79, 0.44, 0.08,
      ].concat([0.01, 0, 0, 0, 0.12, 0.1], repeat(0.99, 12));
      const events = feed(guarded(), probs);
      expect(events.map((e) => e.type)).toEqual(['speech.onset', 'speech.start']);
    });

    test('"Sorry, <pause> what is ..." is one interruption, not a backchannel and a restart', () => {
      // 11 windows of "Sorry,", 6 quiet windows (192 ms), then the question
      const probs = [...repeat(0.95, 11), ...repeat(0.05, 6), ...repeat(0.95, 20)];
      const events = feed(guarded(), probs);
      expect(events.map((e) => e.type)).toEqual(['speech.onset', 'speech.start']);
      expect(events[1]).toMatchObject({ onsetMs: 0, atMs: (17 + 8) * 32 });
    });

    test('a backchannel pauses the bot and lets it go on when it stops', () => {
      const ep = guarded();
      // "mm-hm": about 400 ms of voice, then silence
      const events = feed(ep, [...repeat(0.95, 12), ...repeat(0.05, 12)]);
      expect(events).toEqual([
        { type: 'speech.onset', onsetMs: 0, atMs: 192 },
        // the dip reaches 300 ms at the tenth quiet window
        { type: 'speech.dropped', onsetMs: 0, atMs: 22 * 32 },
      ]);
    });

    test('when the line goes quiet without frames, the held bot is let go on the clock', () => {
      const ep = guarded();
      feed(ep, repeat(0.95, 8));
      expect(ep.nextDeadlineMs()).toBe(256 + 300);
      expect(ep.advance(555)).toEqual([]);
      expect(ep.advance(556)).toEqual([{ type: 'speech.dropped', onsetMs: 0, atMs: 556 }]);
    });

    test('voice at the level of the bot echo is not the caller', () => {
      const ep = guarded();
      const events = Array.from({ length: 40 }, (_, i) => ep.push(0.99, i * W, false)).flat();
      expect(events).toEqual([]);
    });

    test('weaker voice (the hysteresis band) keeps a candidate alive without adding to it', () => {
      const probs = [...repeat(0.95, 8), ...repeat(0.6, 10), ...repeat(0.2, 10)];
      const events = feed(guarded(), probs);
      // 8 windows of voice: held, never confirmed; dropped 300 ms into the real dip.
      expect(events).toEqual([
        { type: 'speech.onset', onsetMs: 0, atMs: 192 },
        { type: 'speech.dropped', onsetMs: 0, atMs: 28 * 32 },
      ]);
    });

    test('sound that keeps dipping is dropped once spread over three times the voice needed', () => {
      // 1 voiced window in every 5: never 608 ms of voice within 3 x 608 ms
      const probs = Array.from({ length: 120 }, (_, i) => (i % 5 === 0 ? 0.95 : 0.1));
      const events = feed(guarded(), probs);
      expect(events.map((e) => e.type)).not.toContain('speech.start');
      expect(events.filter((e) => e.type === 'speech.onset').length).toBeGreaterThan(0);
      expect(events.filter((e) => e.type === 'speech.onset')).toHaveLength(
        events.filter((e) => e.type === 'speech.dropped').length,
      );
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
      expect(later).toEqual([
        { type: 'speech.start', startMs: 1100, onsetMs: 1300, atMs: 1524, bargeIn: false },
      ]);
    });

    test('the bot starting over a start in progress makes it an interruption', () => {
      const ep = new Endpointer();
      feed(ep, repeat(0.95, 3)); // 96 ms of the caller's voice, not yet a start
      ep.setBotSpeaking(true, 96);
      const events = feed(ep, repeat(0.95, 20), 96);
      expect(events[0]).toEqual({ type: 'speech.onset', onsetMs: 0, atMs: 192 });
      expect(events[1]).toMatchObject({
        type: 'speech.start',
        onsetMs: 0,
        atMs: 608,
        bargeIn: true,
      });
    });

    test('flush lets a held bot go on', () => {
      const ep = guarded();
      feed(ep, repeat(0.95, 8));
      expect(ep.flush(300)).toEqual([{ type: 'speech.dropped', onsetMs: 0, atMs: 300 }]);
    });
  });

  test('is deterministic: the same input gives the same events', () => {
    const probs = Array.from({ length: 300 }, (_, i) => (Math.sin(i / 7) + 1) / 2);
    expect(feed(new Endpointer(), probs)).toEqual(feed(new Endpointer(), probs));
  });

  test('rejects inconsistent thresholds', () => {
    expect(() => new Endpointer({ threshold: 0.3, negThreshold: 0.5 })).toThrow(RangeError);
  });

  describe('time on the clock: a line that sends nothing while the caller is silent', () => {
    test('voice, then no audio at all: advance() ends the utterance when the silence is due', () => {
      const ep = new Endpointer();
      const events = feed(ep, repeat(0.9, 20)); // voice 0-640 ms, then the line goes quiet
      expect(events.map((e) => e.type)).toEqual(['speech.start']);
      expect(ep.nextDeadlineMs()).toBe(640 + 500);
      expect(ep.advance(900)).toEqual([]);
      expect(ep.advance(1139)).toEqual([]);
      expect(ep.advance(1140)).toEqual([
        { type: 'speech.end', startMs: 0, endMs: 640, atMs: 1140, reason: 'silence' },
      ]);
      expect(ep.inSpeech).toBe(false);
      expect(ep.nextDeadlineMs()).toBeUndefined();
      expect(ep.advance(5000)).toEqual([]);
    });

    test('a gap in the audio is silence: audio that resumes after it ends the utterance first', () => {
      const ep = new Endpointer();
      feed(ep, repeat(0.9, 20));
      // The next window starts 700 ms after the last one ended: the gap ended the utterance.
      const events = ep.push(0.9, 1340);
      expect(events[0]).toEqual({
        type: 'speech.end',
        startMs: 0,
        endMs: 640,
        atMs: 1340,
        reason: 'silence',
      });
    });

    test('a gap shorter than the required silence keeps one utterance, and the silence after it counts', () => {
      const ep = new Endpointer();
      feed(ep, repeat(0.9, 10)); // 0-320
      expect(feed(ep, repeat(0.9, 10), 620)).toEqual([]); // 300 ms without audio, voice to 940
      // Quiet windows after a gap: the silence starts where the audio stopped (940).
      expect(ep.push(0.05, 1240)).toEqual([]);
      expect(ep.nextDeadlineMs()).toBe(1440);
      expect(ep.advance(1440)).toEqual([
        { type: 'speech.end', startMs: 0, endMs: 940, atMs: 1440, reason: 'silence' },
      ]);
    });

    test('the maximum-utterance cut is on the clock even when few frames arrive', () => {
      const ep = new Endpointer({ maxUtteranceMs: 2000 });
      const events: EndpointerEvent[] = [];
      // Talkspurts of 320 ms with 320 ms of nothing between: only half the time has audio.
      for (let t = 0; t < 4000 && events.length < 2; t += 640)
        events.push(...feed(ep, repeat(0.9, 10), t));
      const end = events.find((e) => e.type === 'speech.end');
      expect(end).toMatchObject({ reason: 'max_length', startMs: 0 });
      expect(end!.atMs).toBeLessThanOrEqual(2000 + 640);
      // And with no audio at all after the start, advance() cuts at the limit.
      const quiet = new Endpointer({ maxUtteranceMs: 2000, endSilenceMs: 5000 });
      feed(quiet, repeat(0.9, 10));
      expect(quiet.nextDeadlineMs()).toBe(2000);
      expect(quiet.advance(2000)).toEqual([
        { type: 'speech.end', startMs: 0, endMs: 320, atMs: 2000, reason: 'max_length' },
      ]);
    });

    test('a gap breaks a start candidate: two blips with nothing between are not speech', () => {
      const ep = new Endpointer();
      expect([...feed(ep, repeat(0.9, 4)), ...feed(ep, repeat(0.9, 4), 400)]).toEqual([]);
      expect(ep.advance(2000)).toEqual([]);
    });

    test('an end-of-turn policy sets the required silence, and may change it mid-utterance', () => {
      let required = 800;
      const policy: EndOfTurnPolicy = { requiredSilenceMs: () => required };
      const ep = new Endpointer({}, policy);
      feed(ep, repeat(0.9, 20));
      expect(ep.nextDeadlineMs()).toBe(640 + 800);
      expect(ep.advance(1000)).toEqual([]);
      required = 300; // e.g. the partial transcript now reads as a finished question
      expect(ep.nextDeadlineMs()).toBe(940);
      expect(ep.advance(1000)).toMatchObject([{ type: 'speech.end', atMs: 1000, endMs: 640 }]);
    });

    test('the policy sees the utterance in progress', () => {
      const seen: number[] = [];
      const ep = new Endpointer(
        {},
        {
          requiredSilenceMs: (u) => {
            seen.push(u.voicedMs);
            return u.voicedMs > 1000 ? 200 : 700;
          },
        },
      );
      feed(ep, repeat(0.9, 40)); // 1280 ms of voice
      expect(seen.at(-1)).toBeUndefined(); // not asked while only voice arrives
      expect(ep.nextDeadlineMs()).toBe(1280 + 200);
      expect(seen.at(-1)).toBe(1280);
    });
  });
});
