import ari from 'ari-client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { EVENT_PROPERTIES } from '../../src/simulator/swagger-models.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';
import { type DispatchResult, dispatchAriMessage } from '../../src/telephony/ari-dispatch.js';
import type { Client } from '../../src/telephony/ari-types.js';
import { fuzz } from './fuzz-params.js';

const KNOWN_TYPES = Object.keys(EVENT_PROPERTIES);
/** Keys that collide with ari-client's resource internals or Object's prototype. */
const HOSTILE_KEYS = ['__proto__', '_id', '_client', 'constructor', 'on', 'once', 'toString', 'id'];

/** JSON values, objects with hostile keys among them, strings sometimes huge. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ maxLength: 5000 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
})).value;

/** Events of known types whose properties have arbitrary values and types. */
const knownTypeEvent = fc
  .tuple(
    fc.constantFrom(...KNOWN_TYPES, 'constructor', '__proto__', 'toString', 'NotAnEvent'),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'channel',
          'bridge',
          'playback',
          'replace_channel',
          'args',
          'digit',
          'cause',
        ),
        fc.constantFrom(...HOSTILE_KEYS),
      ),
      hostileValue,
      { maxKeys: 5 },
    ),
  )
  .map(([type, props]) => JSON.stringify({ ...props, type, application: 'voxstate' }));

/**
 * A raw message whose resource has an own `__proto__` key holding an object, an array or null
 * (which would replace the resource's prototype; a primitive is ignored by the engine).
 * Written as text: JSON.stringify of an object literal would set the prototype instead.
 */
const protoInResource = fc
  .tuple(
    fc.constantFrom(...KNOWN_TYPES),
    fc.oneof(
      fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    ),
  )
  .map(([type, v]) => {
    const prop = Object.keys(EVENT_PROPERTIES[type]!).find((k) =>
      /channel|bridge|playback/.test(k),
    )!;
    return `{"type":${JSON.stringify(type)},"${prop}":{"id":"c1","__proto__":${JSON.stringify(v)}}}`;
  });

function check(result: DispatchResult): void {
  expect(['dispatched', 'unknown', 'invalid']).toContain(result.kind);
  if (result.kind === 'invalid') {
    expect(result.error).toBeInstanceOf(ParseError);
    expect(result.error.source).toBe('ari-events');
  }
  if (result.kind === 'dispatched') expect(KNOWN_TYPES).toContain(result.event.type);
}

describe('ARI event dispatch fuzzing', () => {
  let sim: SimulatedAsterisk;
  let client: Client;
  const seen: string[] = [];

  beforeAll(async () => {
    sim = new SimulatedAsterisk({ user: 'vox', password: 'secret' });
    const { url } = await sim.start();
    client = (await ari.connect(url, 'vox', 'secret')) as Client;
    (client as unknown as NodeJS.EventEmitter).on('*', (event: { type: string }) =>
      seen.push(event.type),
    );
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('random text gives a typed result, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (raw) => {
        const r = dispatchAriMessage(client, raw);
        check(r);
      }),
      fuzz(500),
    );
  });

  it('random JSON of any shape gives a typed result', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        check(dispatchAriMessage(client, JSON.stringify(value)));
      }),
      fuzz(500),
    );
  });

  it('known event types with wrong, missing, hostile or huge properties never throw', () => {
    let dispatched = 0;
    fc.assert(
      fc.property(knownTypeEvent, (raw) => {
        const before = seen.length;
        const r = dispatchAriMessage(client, raw);
        check(r);
        if (r.kind === 'dispatched') {
          dispatched++;
          // Listeners saw exactly this event.
          expect(seen.slice(before)).toEqual([r.event.type]);
        } else expect(seen.length).toBe(before);
      }),
      fuzz(500),
    );
    expect(dispatched).toBeGreaterThan(50);
  });

  it('a resource carrying __proto__ is refused as invalid, not a TypeError', () => {
    fc.assert(
      fc.property(protoInResource, (raw) => {
        const r = dispatchAriMessage(client, raw);
        check(r);
        expect(r.kind).toBe('invalid');
      }),
      fuzz(50),
    );
    for (const raw of [
      '{"type":"StasisStart","channel":{"_client":null,"id":"x"}}',
      '{"type":"StasisStart","channel":{"_id":5}}',
      '{"type":"StasisStart","channel":{"id":{"toString":1}}}',
    ]) {
      expect(dispatchAriMessage(client, raw).kind).toBe('invalid');
    }
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(dispatchAriMessage(client, JSON.stringify({ type }))).toEqual({
        kind: 'unknown',
        type,
      });
    }
  });

  it('huge strings pass through without a crash', () => {
    const huge = 'x'.repeat(1_000_000);
    const r = dispatchAriMessage(
      client,
      JSON.stringify({ type: 'ChannelVarset', variable: huge, value: huge, channel: { id: huge } }),
    );
    expect(r.kind).toBe('dispatched');
  });
});

describe('ARI connection under hostile events', () => {
  let sim: SimulatedAsterisk;
  let conn: AriConnection | undefined;
  afterAll(async () => {
    conn?.close();
    await sim?.stop();
  });

  it('stays connected, reports ParseErrors, counts unknown types and still delivers good events', async () => {
    sim = new SimulatedAsterisk({ user: 'vox', password: 'secret' });
    const { url } = await sim.start();
    conn = await connectAri({ url, user: 'vox', password: 'secret', app: 'voxstate' });
    const errors: Error[] = [];
    conn.on('error', (err) => errors.push(err));
    const events: string[] = [];
    conn.on('event', (e) => events.push(e.type));
    const hostile = [
      { type: 'NoSuchEvent' },
      { type: 'constructor' },
      { type: 42 },
      { type: 'StasisStart', channel: { _id: 1 } },
      { type: 'StasisStart', channel: { _client: null } },
      { type: 'ChannelDtmfReceived', channel: 'not-an-object', digit: { x: 1 } },
    ];
    for (const e of hostile) sim.pushRawEvent('voxstate', e as Record<string, unknown>);
    sim.pushRawEvent('voxstate', { type: 'ChannelVarset', variable: 'ok', value: '1' });
    await vi.waitFor(() => expect(events).toContain('ChannelVarset'), {
      timeout: 3_000,
      interval: 10,
    });
    expect(events).toEqual(['ChannelDtmfReceived', 'ChannelVarset']);
    expect(conn.connected).toBe(true);
    expect(conn.unknownEvents).toBe(2);
    expect(errors).toHaveLength(3);
    for (const err of errors) expect(err).toBeInstanceOf(ParseError);
  });
});
