import { describe, expect, it } from 'vitest';
import type { PlaybackQueue } from '../../src/media/playback-queue.js';
import { ResponseTrack } from '../../src/runtime/realtime-response.js';
import { CountingClock } from '../fakes/call-actors.js';

function track() {
  const clock = new CountingClock();
  const opened: string[] = [];
  const spoken: string[] = [];
  const playback = {
    clock,
    openAhead: (kind: string, options: { label: string }) => {
      opened.push(`${kind}:${options.label}`);
      return { cancel: () => {} };
    },
  } as unknown as PlaybackQueue;
  const t = new ResponseTrack({
    playback,
    fillerAfterMs: (name) => (name === 'slow_hook' ? 700 : Number.POSITIVE_INFINITY),
    speakFiller: async () => {
      spoken.push('filler');
    },
  });
  const events: string[] = [];
  t.onProgress((e) => events.push(e.type === 'tool.finished' ? `${e.type}:${e.status}` : e.type));
  return { t, clock, opened, spoken, events };
}

describe('a realtime response as the call hears it', () => {
  it('a slow business tool gets a filler when the model has said nothing yet', async () => {
    const { t, clock, opened, events } = track();
    t.toolStarted('slow_hook');
    clock.advance(699);
    expect(opened).toEqual([]);
    clock.advance(1);
    expect(opened).toEqual(['filler:tool filler']);
    await Promise.resolve();
    t.toolOutcome('slow_hook', { content: '{}', isError: false, status: 'ok', webhookMs: 1200 });
    t.toolDone('slow_hook', true, 1250);
    expect(events).toEqual(['tool.started', 'filler.started', 'filler.done', 'tool.finished:ok']);
  });

  it("no filler after the model's own words, nor for a quick tool, nor for built-ins", () => {
    const spoke = track();
    spoke.t.audio('item_1');
    spoke.t.toolStarted('slow_hook');
    spoke.clock.advance(5_000);
    expect(spoke.opened).toEqual([]);

    const quick = track();
    quick.t.toolStarted('slow_hook');
    quick.clock.advance(300);
    quick.t.toolDone('slow_hook', false, 300);
    quick.clock.advance(5_000);
    expect(quick.opened).toEqual([]);
    expect(quick.clock.pending).toBe(0);
    expect(quick.events).toEqual(['tool.started', 'tool.finished:failed']);

    const builtin = track();
    builtin.t.toolStarted('search_knowledge');
    expect(builtin.clock.pending).toBe(0);
  });

  it('progress before a listener is replayed to it; the heard words follow the frames played', () => {
    const { t } = track();
    t.toolStarted('search_knowledge');
    const late: string[] = [];
    t.onProgress((e) => late.push(e.type));
    expect(late).toEqual(['tool.started']);
    for (let i = 0; i < 100; i++) t.audio('item_1');
    t.transcript('item_1', 'We open ', false);
    t.transcript('item_1', 'at nine on Sunday.', false);
    expect(t.heard(50)).toMatchObject({
      text: 'We open at',
      itemId: 'item_1',
      heardInItemMs: 1000,
    });
    t.transcript('item_1', 'We open at nine on Sunday.', true);
    expect(t.text()).toBe('We open at nine on Sunday.');
  });
});
