import { describe, expect, it } from 'vitest';
import { CallTimeline } from '../../src/calls/timeline.js';

describe('CallTimeline tool spans', () => {
  it('keeps each tool call of a turn: start after the end of speech, whole and webhook time', () => {
    let now = 0;
    const timeline = new CallTimeline({ now: () => now });
    timeline.speechEnded();
    now = 400;
    timeline.progress({ type: 'tool.started', name: 'order_status' });
    now = 650;
    timeline.progress({
      type: 'tool.finished',
      name: 'order_status',
      status: 'ok',
      ms: 250,
      webhookMs: 240,
    });
    expect(timeline.turns()[0]?.tools).toEqual([
      { name: 'order_status', status: 'ok', atMs: 400, ms: 250, webhookMs: 240 },
    ]);
  });
});
