import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectorOptions } from '../../src/telemetry/inspector.js';
import {
  sanitizeContext,
  sanitizeEvent,
  sanitizeInspectionEvent,
} from '../../src/telemetry/inspector-sanitize.js';
import { startInspectorServer } from '../../src/telemetry/inspector-server.js';

const SECRET = 'sk-SECRET-inspector-42';
const WORDS = 'my private words';
const PHONE = '+15551234567';

const secretKey = fc.constantFrom(
  'apiKey',
  'api_key',
  'OPENAI_API_KEY',
  'x-api-key',
  'Authorization',
  'password',
  'accessToken',
  'clientSecret',
  'credentials',
  'cookie',
);
const spokenKey = fc.constantFrom('utterance', 'text', 'transcript', 'query', 'content', 'answer');
const phoneKey = fc.constantFrom('callerNumber', 'calledNumber', 'callerId', 'phone', 'caller');
const plainKey = fc.constantFrom('config', 'input', 'output', 'children', 'context', 'data', 'x');

type Step =
  | { kind: 'key'; key: string }
  | { kind: 'array'; at: number }
  | { kind: 'map'; key: string };
const step: fc.Arbitrary<Step> = fc.oneof(
  plainKey.map((key) => ({ kind: 'key' as const, key })),
  fc.nat({ max: 2 }).map((at) => ({ kind: 'array' as const, at })),
  plainKey.map((key) => ({ kind: 'map' as const, key })),
);

/** Wraps `leaf` in containers along `path` (objects, arrays, Maps), with noise beside it. */
function plant(path: Step[], leaf: Record<string, unknown>, noise: unknown): unknown {
  let value: unknown = { ...leaf, noise };
  for (const s of [...path].reverse()) {
    if (s.kind === 'key') value = { [s.key]: value, noise };
    else if (s.kind === 'map')
      value = new Map<string, unknown>([
        [s.key, value],
        ['noise', noise],
      ]);
    else {
      const arr: unknown[] = [noise, noise, noise];
      arr[s.at] = value;
      value = arr;
    }
  }
  return value;
}

const planted = fc
  .record({
    path: fc.array(step, { maxLength: 9 }),
    secretKey,
    spokenKey,
    phoneKey,
    noise: fc.jsonValue({ maxDepth: 1 }),
    asError: fc.boolean(),
  })
  .map((p) => {
    const leaf: Record<string, unknown> = {
      [p.secretKey]: SECRET,
      [p.spokenKey]: WORDS,
      [p.phoneKey]: PHONE,
    };
    if (p.asError) {
      // Errors are reduced to name and message; extra properties never pass.
      const err = Object.assign(new Error('boom'), { [p.secretKey]: SECRET, request: leaf });
      return plant(p.path, { err }, p.noise);
    }
    return plant(p.path, leaf, p.noise);
  });

describe('inspector output never carries secrets', () => {
  it('secrets at random depths in contexts, events and inspection events are always removed (property)', () => {
    fc.assert(
      fc.property(planted, fc.boolean(), (value, allowPersonalData) => {
        const policy = { allowPersonalData };
        const outputs = [
          sanitizeContext({ call: value }, policy),
          sanitizeEvent({ type: 'x.y', payload: value }, policy),
          sanitizeInspectionEvent(
            {
              type: '@xstate.snapshot',
              snapshot: { context: value, children: { a: { input: value, output: value } } },
              event: { type: 'done', output: value },
            },
            policy,
          ),
        ];
        for (const out of outputs) {
          const text = JSON.stringify(out);
          expect(text).not.toContain(SECRET);
          if (!allowPersonalData) {
            expect(text).not.toContain(WORDS);
            expect(text).not.toContain('5551234567');
          }
        }
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  });

  it('personal data passes only when allowed, secrets never', () => {
    const ctx = { utterance: WORDS, callerNumber: PHONE, openai: { apiKey: SECRET } };
    const allowed = JSON.stringify(sanitizeContext(ctx, { allowPersonalData: true }));
    expect(allowed).toContain(WORDS);
    expect(allowed).toContain(PHONE);
    expect(allowed).not.toContain(SECRET);
    const strict = JSON.stringify(sanitizeContext(ctx));
    expect(strict).not.toContain(WORDS);
    expect(strict).not.toContain(PHONE);
    expect(strict).not.toContain(SECRET);
  });

  it('a cyclic context with a secret is cut, not leaked', () => {
    const ctx: Record<string, unknown> = { config: { token: SECRET } };
    ctx.self = ctx;
    expect(JSON.stringify(sanitizeContext(ctx))).not.toContain(SECRET);
  });

  it('the inspector is off unless asked for, on loopback, and without personal data by default', async () => {
    expect(inspectorOptions([], {})).toBeUndefined();
    expect(inspectorOptions([], { VOXSTATE_INSPECT: '0' })).toBeUndefined();
    const on = inspectorOptions(['--inspect'], {});
    expect(on?.allowPersonalData).toBe(false);
    expect(on?.host).toBeUndefined();
    const server = await startInspectorServer({ port: 0 });
    try {
      expect(new URL(server.pageUrl).hostname).toBe('127.0.0.1');
      expect(new URL(server.wsUrl).hostname).toBe('127.0.0.1');
    } finally {
      await server.stop();
    }
  });
});
