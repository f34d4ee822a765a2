/**
 * The call inspector: sanitizers as pure functions, the `--inspect` switches, and real
 * inspection traffic over loopback WebSockets from a call actor driven by test actors.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createActor } from 'xstate';
import { ConfigError } from '../../src/errors.js';
import { callMachine, initialCallContext } from '../../src/machines/call.machine.js';
import type { CallEvent } from '../../src/machines/call.types.js';
import {
  type CallInspector,
  createCallInspector,
  inspectorEnabled,
  inspectorOptions,
} from '../../src/telemetry/inspector.js';
import {
  fieldKind,
  maskPhoneNumbers,
  PHONE_MASK,
  REDACTED,
  sanitizeContext,
  sanitizeEvent,
  sanitizeInspectionEvent,
  sanitizeValue,
} from '../../src/telemetry/inspector-sanitize.js';
import { startInspectorServer } from '../../src/telemetry/inspector-server.js';
import { InspectorSocket } from '../../src/telemetry/inspector-socket.js';
import { createCallActorHarness } from '../fakes/call-actors.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 5_000, interval: 10 };

const TRANSCRIPT = 'my pizza order, call me back on +1 555 123 4567';
const ANSWER = 'Your pepperoni pizza is on its way to 555-123-4567';
const DTMF = '5551234567';
const SECRET_WORDS = ['pizza', 'pepperoni', '4567', '555 123', '555-123'];

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A loopback WebSocket receiver that records every message. */
async function startReceiver(): Promise<{ url: string; messages: string[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const messages: string[] = [];
  wss.on('connection', (ws) => ws.on('message', (data) => messages.push(data.toString())));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  const { port } = wss.address() as { port: number };
  return { url: `ws://127.0.0.1:${port}`, messages };
}

/** Drives one inbound call through greeting, one answered turn, DTMF and a hang-up. */
async function runCall(inspector: CallInspector): Promise<void> {
  const harness = createCallActorHarness({
    autoSettle: { upgradePrompt: () => ({ variant: 'full', chars: 3200, builtInMs: 3 }) },
  });
  const actor = createActor(callMachine.provide({ actors: harness.actors }), {
    input: { callId: 'call-7', direction: 'inbound', language: 'en', format: 'slin16' },
    inspect: inspector.inspect,
  });
  actor.start();
  const send = async (event: CallEvent) => {
    actor.send(event);
    await flush();
  };
  await send({ type: 'media.greeting.audible' });
  harness.resolve('greeting', undefined);
  await flush();
  await send({ type: 'media.speech.start' });
  await send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 1800 });
  harness.resolve('transcribe', { text: TRANSCRIPT, language: 'en', engine: 'whisper' });
  await flush();
  harness.resolve('retrieve', {
    passages: [{ id: 'menu#3', text: 'Pizzas are delivered in 30 minutes.', score: 0.9 }],
    layer: 'local',
    similarity: 0.9,
    waitedForPrefetchMs: 0,
  });
  await flush();
  expect(actor.getSnapshot().matches({ active: { conversation: 'answering' } })).toBe(true);
  harness.resolve('answer', { text: ANSWER, model: 'small' });
  await flush();
  for (const digit of DTMF) await send({ type: 'media.dtmf', digit });
  expect(actor.getSnapshot().context.history[0]?.content).toBe(TRANSCRIPT);
  await send({ type: 'media.hangup' });
  expect(actor.getSnapshot().status).toBe('done');
}

interface Received {
  type: string;
  sessionId?: string;
  name?: string;
  snapshot?: {
    status?: string;
    value?: unknown;
    context?: Record<string, unknown>;
    input?: unknown;
    output?: unknown;
  };
  event?: { type?: string };
}

describe('sanitizers', () => {
  const context = {
    ...initialCallContext({
      callId: '1712345678.42',
      direction: 'inbound',
      language: 'en',
      format: 'slin16',
    }),
    utterance: TRANSCRIPT,
    history: [
      { role: 'user' as const, content: TRANSCRIPT },
      { role: 'assistant' as const, content: ANSWER },
    ],
    passages: [{ id: 'menu#3', text: 'Pizzas in 30 minutes', score: 0.9 }],
    dtmf: DTMF,
    lastError: { actor: 'answer', message: 'provider rejected caller 0501234567' },
    turns: 1,
  };

  it('removes transcripts, phone numbers and DTMF from a call context and keeps the rest', () => {
    const clean = sanitizeContext(context);
    expect(clean.utterance).toBe(REDACTED);
    expect(clean.history).toEqual([
      { role: 'user', content: REDACTED },
      { role: 'assistant', content: REDACTED },
    ]);
    expect(clean.passages).toEqual([{ id: 'menu#3', text: REDACTED, score: 0.9 }]);
    expect(clean.dtmf).toBe(REDACTED);
    expect(clean.lastError).toEqual({
      actor: 'answer',
      message: `provider rejected caller ${PHONE_MASK}`,
    });
    expect(clean.callId).toBe('1712345678.42');
    expect(clean.turns).toBe(1);
    expect(clean.limits).toEqual(context.limits);
    // The input is not changed.
    expect(context.utterance).toBe(TRANSCRIPT);
    // An empty transcript stays visible as empty.
    expect(sanitizeContext({ ...context, utterance: '' }).utterance).toBe('');
  });

  it('keeps everything but secrets when personal data is allowed', () => {
    const clean = sanitizeContext({ ...context, apiKey: 'sk-123' }, { allowPersonalData: true });
    expect(clean.utterance).toBe(TRANSCRIPT);
    expect(clean.dtmf).toBe(DTMF);
    expect(clean.history[0]?.content).toBe(TRANSCRIPT);
    expect(clean.lastError?.message).toBe('provider rejected caller 0501234567');
    expect(clean.apiKey).toBe(REDACTED);
  });

  it('removes the text of transcript, sentence, answer and transcription events', () => {
    expect(sanitizeEvent({ type: 'stt.final', text: TRANSCRIPT, language: 'en' })).toEqual({
      type: 'stt.final',
      text: REDACTED,
      language: 'en',
    });
    expect(sanitizeEvent({ type: 'stt.partial', text: 'my', stable: false }).text).toBe(REDACTED);
    expect(
      sanitizeEvent({ type: 'llm.sentence', index: 0, text: 'Your pizza is on its way.' }),
    ).toEqual({
      type: 'llm.sentence',
      index: 0,
      text: REDACTED,
    });
    expect(sanitizeEvent({ type: 'answer.done', text: ANSWER, model: 'small' })).toEqual({
      type: 'answer.done',
      text: REDACTED,
      model: 'small',
    });
    expect(sanitizeEvent({ type: 'media.dtmf', digit: '5' })).toEqual({
      type: 'media.dtmf',
      digit: REDACTED,
    });
    expect(
      sanitizeEvent({
        type: 'xstate.done.actor.transcribe',
        actorId: 'transcribe',
        output: { text: TRANSCRIPT, language: 'en', engine: 'whisper' },
      }),
    ).toEqual({
      type: 'xstate.done.actor.transcribe',
      actorId: 'transcribe',
      output: { text: REDACTED, language: 'en', engine: 'whisper' },
    });
  });

  it('removes phone numbers by field name and in free text', () => {
    const event = sanitizeEvent({
      type: 'ari.call',
      callerNumber: '+15551234567',
      called_number: 5551234567,
      callerId: 'Bob <5551234567>',
      phoneNumber: '555 123 4567',
      caller: { name: 'Bob', number: '5551234567' },
      note: 'ring (555) 123-4567 or +44 20 7946 0958 today',
    });
    expect(event).toEqual({
      type: 'ari.call',
      callerNumber: REDACTED,
      called_number: REDACTED,
      callerId: REDACTED,
      phoneNumber: REDACTED,
      caller: REDACTED,
      note: `ring ${PHONE_MASK} or ${PHONE_MASK} today`,
    });
  });

  it('masks only digit runs that look like phone numbers', () => {
    expect(maskPhoneNumbers('0501234567')).toBe(PHONE_MASK);
    expect(maskPhoneNumbers('+972-50-123-4567.')).toBe(`${PHONE_MASK}.`);
    expect(maskPhoneNumbers('timed out after 8000 ms (attempt 3 of 12345)')).toBe(
      'timed out after 8000 ms (attempt 3 of 12345)',
    );
    expect(maskPhoneNumbers('redis 127.0.0.1:6379 at 2026-11-22T01:50:32.000Z')).toBe(
      'redis 127.0.0.1:6379 at 2026-11-22T01:50:32.000Z',
    );
    expect(maskPhoneNumbers('chunk-a1b2c3d4e5f6789')).toBe('chunk-a1b2c3d4e5f6789');
  });

  it('always removes secrets, and keeps counters that only sound like them', () => {
    const value = sanitizeValue(
      {
        apiKey: 'sk-1',
        OPENAI_API_KEY: 'sk-2',
        password: 'p',
        authToken: 't',
        headers: { Authorization: 'Bearer x' },
        usage: { inputTokens: 12, outputTokens: 3 },
        maxTokens: 100,
      },
      { allowPersonalData: true },
    );
    expect(value).toEqual({
      apiKey: REDACTED,
      OPENAI_API_KEY: REDACTED,
      password: REDACTED,
      authToken: REDACTED,
      headers: { Authorization: REDACTED },
      usage: { inputTokens: 12, outputTokens: 3 },
      maxTokens: 100,
    });
    expect(fieldKind('callId')).toBe('identifier');
    expect(fieldKind('callerId')).toBe('phone');
  });

  it('returns JSON-safe copies of errors, refs, cycles, sets and functions', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const value = sanitizeValue({
      err: new Error('caller 5551234567 hung up'),
      ref: { toJSON: () => ({ xstate$$type: 1, id: 'transcribe' }) },
      cyclic,
      tags: new Set(['x']),
      fn: () => 1,
      big: 10n,
    });
    expect(value).toEqual({
      err: { name: 'Error', message: `caller ${PHONE_MASK} hung up` },
      ref: { xstate$$type: 1, id: 'transcribe' },
      cyclic: { a: 1, self: '[circular]' },
      tags: ['x'],
      big: '10',
    });
    expect(() => JSON.stringify(value)).not.toThrow();
  });

  it('sanitizes child actors input and output in whole inspection events, idempotently', () => {
    const inspectionEvent = {
      type: '@xstate.snapshot',
      sessionId: 'x:3',
      snapshot: {
        status: 'done',
        input: { callId: 'c', query: TRANSCRIPT, history: [{ role: 'user', content: TRANSCRIPT }] },
        output: { text: TRANSCRIPT, engine: 'whisper' },
      },
      event: { type: 'xstate.done.actor.transcribe', output: { text: TRANSCRIPT } },
    };
    const once = sanitizeInspectionEvent(inspectionEvent);
    expect(JSON.stringify(once)).not.toContain('pizza');
    expect(once.snapshot).toEqual({
      status: 'done',
      input: { callId: 'c', query: REDACTED, history: [{ role: 'user', content: REDACTED }] },
      output: { text: REDACTED, engine: 'whisper' },
    });
    expect(sanitizeInspectionEvent(once)).toEqual(once);
    expect(inspectionEvent.snapshot.output.text).toBe(TRANSCRIPT);
  });

  it('never lets a planted transcript or phone number through, wherever it sits', () => {
    const key = fc.constantFrom('utterance', 'text', 'query', 'content', 'callerNumber', 'dtmf');
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'value', 'input', 'output'), tie('node'), {
          maxKeys: 3,
        }),
      ),
    })).node;
    fc.assert(
      fc.property(
        tree,
        key,
        fc.array(fc.constantFrom('a', 'input', 'output', 'history'), { maxLength: 4 }),
        (base, field, path) => {
          let planted: Record<string, unknown> = { [field]: 'pizza 5551234567' };
          for (const step of path) planted = { [step]: planted };
          const clean = JSON.stringify(sanitizeValue({ base, planted }));
          return !clean.includes('pizza') && !clean.includes('5551234567');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('inspector switches', () => {
  it('is off unless asked for', () => {
    expect(inspectorEnabled(['node', 'voxstate', 'start'], {})).toBe(false);
    expect(inspectorEnabled(['node', 'voxstate', 'start'], { VOXSTATE_INSPECT: '0' })).toBe(false);
    expect(inspectorEnabled(['node', 'voxstate', 'start', '--inspect'], {})).toBe(true);
    expect(inspectorEnabled(['node', 'voxstate', '--inspect=9000'], {})).toBe(true);
    expect(inspectorEnabled([], { VOXSTATE_INSPECT: '1' })).toBe(true);
    expect(inspectorEnabled([], { VOXSTATE_INSPECT: 'true' })).toBe(true);
    expect(inspectorOptions([], {})).toBeUndefined();
  });

  it('reads the port and the personal-data switch', () => {
    expect(inspectorOptions(['--inspect'], {})).toEqual({ allowPersonalData: false });
    expect(inspectorOptions(['--inspect=9001', '--inspect-pii'], {})).toEqual({
      port: 9001,
      allowPersonalData: true,
    });
    expect(
      inspectorOptions([], {
        VOXSTATE_INSPECT: '1',
        VOXSTATE_INSPECT_PORT: '0',
        VOXSTATE_INSPECT_HOST: '0.0.0.0',
        VOXSTATE_INSPECT_PII: '1',
      }),
    ).toEqual({ port: 0, host: '0.0.0.0', allowPersonalData: true });
    expect(() => inspectorOptions(['--inspect=http'], {})).toThrow(ConfigError);
  });
});

describe('call inspector over WebSocket', () => {
  async function inspectCall(allowPersonalData: boolean): Promise<string[]> {
    const receiver = await startReceiver();
    const inspector = await createCallInspector({ url: receiver.url, allowPersonalData });
    cleanups.push(() => inspector.stop());
    expect(inspector.pageUrl).toBeUndefined();
    await inspector.connected();
    await runCall(inspector);
    await vi.waitFor(
      () =>
        expect(
          receiver.messages.some((m) => {
            const e = JSON.parse(m) as Received;
            return (
              e.type === '@xstate.snapshot' &&
              e.snapshot?.status === 'done' &&
              e.snapshot.context !== undefined
            );
          }),
          'the final snapshot',
        ).toBe(true),
      WAIT,
    );
    await inspector.stop();
    return receiver.messages;
  }

  it('sends actors, snapshots and events with state values but no transcript or phone number', async () => {
    const messages = await inspectCall(false);
    const events = messages.map((m) => JSON.parse(m) as Received);
    const types = new Set(events.map((e) => e.type));
    expect(types).toEqual(new Set(['@xstate.actor', '@xstate.snapshot', '@xstate.event']));
    const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => e.name);
    expect(actors).toEqual(
      expect.arrayContaining(['call', 'greeting', 'transcribe', 'retrieve', 'answer']),
    );
    const sent = events.filter((e) => e.type === '@xstate.event').map((e) => e.event?.type);
    // `stt.final` is what the machine forwards to the prefetch actor, with the transcript.
    expect(sent).toEqual(
      expect.arrayContaining([
        'stt.final',
        'xstate.done.actor.answer',
        'media.dtmf',
        'media.hangup',
      ]),
    );
    const all = messages.join('\n');
    expect(all).toContain('"answering"');
    expect(all).toContain('"hearing"');
    expect(all).toContain('call-7');
    for (const word of SECRET_WORDS) expect(all, word).not.toContain(word);
    // The child actors' input and output reached the receiver, sanitized.
    const filler = events.find((e) => e.type === '@xstate.actor' && e.name === 'filler');
    expect(filler?.snapshot?.input).toMatchObject({ callId: 'call-7', language: 'en' });
    // The inspector reads an actor's snapshot for its `@xstate.actor` event a timer tick after the
    // actor starts (racing the test's flushes), so the answer's output is read from its `done`
    // snapshot.
    const answer = events.find((e) => e.type === '@xstate.actor' && e.name === 'answer');
    const answered = events.find(
      (e) =>
        e.type === '@xstate.snapshot' &&
        e.sessionId === answer?.sessionId &&
        e.snapshot?.status === 'done',
    );
    expect(answered?.snapshot?.output).toEqual({ text: REDACTED, model: 'small' });
    const last = events.filter((e) => e.type === '@xstate.snapshot' && e.snapshot?.context).at(-1);
    expect(last?.snapshot?.context).toMatchObject({ utterance: '', dtmf: REDACTED, turns: 1 });
  });

  it('lets personal data through when explicitly allowed', async () => {
    const all = (await inspectCall(true)).join('\n');
    expect(all).toContain(TRANSCRIPT);
    expect(all).toContain(ANSWER);
    expect(all).toContain(DTMF);
  });
});

describe('bridge server', () => {
  it('serves the inspector page and relays sanitized events to a browser, replaying missed ones', async () => {
    const inspector = await createCallInspector({ port: 0, inspectorUrl: 'http://127.0.0.1:1/ui' });
    cleanups.push(() => inspector.stop());
    expect(inspector.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await (await fetch(inspector.pageUrl as string)).text();
    expect(page).toContain('<iframe');
    expect(page).toContain('"http://127.0.0.1:1/ui"');

    await inspector.connected();
    await runCall(inspector);
    // A browser that connects after the call still gets its events (replay).
    const browser = new WebSocket(inspector.url);
    const seen: string[] = [];
    browser.on('message', (data) => seen.push(data.toString()));
    const closed = new Promise<void>((resolve) => browser.once('close', () => resolve()));
    await vi.waitFor(
      () =>
        expect(
          seen.some((m) => m.includes('"media.hangup"')),
          'replayed events',
        ).toBe(true),
      WAIT,
    );
    expect(seen.join('\n')).not.toContain('pizza');

    await inspector.stop();
    await closed; // stop() closes open browser connections, so nothing keeps the process alive
    await expect(fetch(inspector.pageUrl as string)).rejects.toThrow();
  });

  it('rejects with a ConfigError when the port is taken', async () => {
    const first = await startInspectorServer({ port: 0 });
    cleanups.push(() => first.stop());
    await expect(createCallInspector({ port: first.port })).rejects.toThrow(ConfigError);
    await expect(startInspectorServer({ port: first.port })).rejects.toThrow(/is in use/);
  });
});

describe('InspectorSocket', () => {
  it('buffers until connected and never reconnects after close', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const { port } = wss.address() as { port: number };
    let connections = 0;
    wss.on('connection', () => connections++);
    await new Promise<void>((resolve) => wss.close(() => resolve()));

    // Nothing listens: the socket keeps retrying while started, buffering at most 3 events.
    const socket = new InspectorSocket({
      url: `ws://127.0.0.1:${port}`,
      reconnectMs: 20,
      maxBuffered: 3,
    });
    socket.start();
    for (let i = 0; i < 5; i++) socket.send({ type: '@xstate.event', i });
    expect(socket.dropped).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await socket.close();

    // Once closed, a receiver that comes up on the same port gets no connection.
    const again = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve) => again.once('listening', () => resolve()));
    again.on('connection', () => connections++);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connections).toBe(0);
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('flushes buffered events in order once the receiver is up', async () => {
    const receiver = await startReceiver();
    const socket = new InspectorSocket({ url: receiver.url });
    for (let i = 0; i < 3; i++) socket.send({ type: '@xstate.event', i });
    socket.start();
    await socket.opened();
    socket.send({ type: '@xstate.event', i: 3 });
    await vi.waitFor(() => expect(receiver.messages.length, 'four events').toBe(4), WAIT);
    expect(receiver.messages.map((m) => (JSON.parse(m) as { i: number }).i)).toEqual([0, 1, 2, 3]);
    expect(socket.sent).toBe(4);
    await socket.close();
  });
});
