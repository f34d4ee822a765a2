import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createActor, type EventObject, fromCallback } from 'xstate';
import type { ProgressEvent } from '../../src/calls/events.js';
import { CallTimeline } from '../../src/calls/timeline.js';

describe('CallTimeline progress', () => {
  it('records what an actor emits: filler, first answer audio, each sentence, answer marks', async () => {
    let now = 0;
    const registry = new Registry();
    const timeline = new CallTimeline({ now: () => now, registry });
    let emit: (event: ProgressEvent) => void = () => {};
    const actor = createActor(
      fromCallback<EventObject, undefined, ProgressEvent>(({ emit: e }) => {
        emit = e;
      }),
    );
    timeline.follow(actor);
    actor.start();
    timeline.speechEnded();
    now = 40;
    emit({ type: 'filler.started' });
    emit({ type: 'prefetch.ready', source: 'local' });
    now = 55;
    emit({ type: 'answer.mark', mark: 'answer_start' });
    now = 300;
    emit({ type: 'answer.audio.started' });
    emit({ type: 'llm.sentence', index: 0, text: 'We open at nine.' });
    now = 900;
    emit({ type: 'filler.started' });
    emit({ type: 'llm.sentence', index: 1, text: 'On Sunday too.' });
    const [turn] = timeline.turns();
    expect(turn).toMatchObject({
      filler: 40,
      first_answer_audio: 300,
      marks: { answer_start: 55 },
      botText: 'We open at nine. On Sunday too.',
    });
    const stages = await registry.getSingleMetric('voxstate_stage_latency_seconds')!.get();
    const counts = stages.values.filter((v) =>
      (v as { metricName?: string }).metricName?.endsWith('_count'),
    );
    expect(counts.map((v) => [v.labels.stage, v.value])).toEqual(
      expect.arrayContaining([
        ['speech_end_to_filler', 1],
        ['speech_end_to_first_answer_audio', 1],
      ]),
    );
    actor.stop();
  });
});
