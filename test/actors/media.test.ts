/**
 * The media actor: what the call's telephony side and its playback queue tell the machine.
 * A real playback queue on a fake clock; the telephony side is an event emitter.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { createMediaActor } from '../../src/actors/media.js';
import type { MediaEvent } from '../../src/calls/events.js';
import type { CallEndpoint } from '../../src/calls/session.js';
import { PlaybackQueue } from '../../src/media/playback-queue.js';
import { CountingClock } from '../fakes/call-actors.js';

function rig() {
  const clock = new CountingClock();
  const media = Object.assign(new EventEmitter(), { closed: false });
  const endpoint = Object.assign(new EventEmitter(), {
    media,
    ended: false,
  }) as unknown as CallEndpoint;
  const playback = new PlaybackQueue({ format: 'slin16', sink: () => {}, clock });
  const events: string[] = [];
  const parent = setup({
    types: { events: {} as MediaEvent },
    actors: { media: createMediaActor({ endpoint, playback }) },
  }).createMachine({
    initial: 'on',
    states: {
      on: { invoke: { id: 'media', src: 'media', input: { callId: 'c1', format: 'slin16' } } },
      off: {},
    },
    on: {
      '*': {
        actions: assign(({ event }) => {
          events.push(event.type === 'media.dtmf' ? `dtmf ${event.digit}` : event.type);
          return {};
        }),
      },
    },
  });
  const actor = createActor(parent).start();
  /** Queues one clip of 100 ms with `label`. */
  const play = (label: string) =>
    playback.enqueue(label === 'greeting' ? 'prompt' : 'answer', Buffer.alloc(3_200), { label });
  return { clock, endpoint, playback, events, actor, play };
}

describe('media actor', () => {
  it('forwards hang-up and DTMF from the telephony side', () => {
    const r = rig();
    r.endpoint.emit('dtmf', '5');
    r.endpoint.emit('hangup', 'caller');
    expect(r.events).toEqual(['dtmf 5', 'media.hangup']);
    r.actor.stop();
  });

  it("reports the greeting's first frame once, and no other audio", () => {
    const r = rig();
    r.play('greeting');
    expect(r.events).toEqual([]);
    r.clock.advance(20);
    expect(r.events).toEqual(['media.greeting.audible']);
    r.clock.advance(200);
    r.play('answer 0');
    r.clock.advance(200);
    expect(r.events).toEqual(['media.greeting.audible']);
    r.actor.stop();
  });

  it('stops listening to the playback queue when stopped', () => {
    const r = rig();
    r.actor.stop();
    r.play('greeting');
    r.clock.advance(100);
    expect(r.events).toEqual([]);
    expect(r.playback.listenerCount('item.started')).toBe(0);
  });
});
