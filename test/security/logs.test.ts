import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadAnswerConfig } from '../../src/answer/config.js';
import { ConfigError, ProviderError } from '../../src/errors.js';
import { knowledgeConfigFromEnv } from '../../src/knowledge/config.js';
import { speechConfigFromEnv } from '../../src/speech/config.js';
import { isSecretKey } from '../../src/telemetry/log-scrub.js';
import { createLogger, logPiiFromEnv, redactPaths } from '../../src/telemetry/logger.js';

const SECRET = 'sk-SECRET-0123456789abcdef';

/** A logger writing into a string, and the string. */
function capture(options: { redact?: boolean; level?: string } = {}) {
  let out = '';
  const destination = new Writable({
    write(chunk, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const log = createLogger({ level: 'debug', ...options, destination });
  return { log, text: () => out };
}

/** The env the runtime reads its configuration from, with a key for every provider. */
const ENV = {
  OPENAI_API_KEY: `${SECRET}-openai`,
  ANTHROPIC_API_KEY: `${SECRET}-anthropic`,
  VOXSTATE_OPENAI_TTS_API_KEY: `${SECRET}-tts`,
  VOXSTATE_CLOUD_EMBED_MODEL: 'text-embedding-3-small',
  VOXSTATE_CLOUD_EMBED_API_KEY: `${SECRET}-embed`,
};

describe('secrets never reach the logs', () => {
  it('the config objects hold keys deeper than pino redact paths reach (why the logger scrubs)', () => {
    const answer = loadAnswerConfig(ENV);
    expect(answer.providers.openai?.apiKey).toBe(ENV.OPENAI_API_KEY);
    let raw = '';
    const plain = pino(
      { redact: { paths: redactPaths(), censor: '[redacted]' } },
      new Writable({
        write(chunk, _e, done) {
          raw += chunk.toString();
          done();
        },
      }),
    );
    plain.info({ config: answer }, 'answers configured');
    // providers.openai.apiKey sits three levels below `config`: `*.apiKey` misses it.
    expect(raw).toContain(ENV.OPENAI_API_KEY);
  });

  it('the runtime configs logged whole, nested, or as child bindings show no key', () => {
    const { log, text } = capture();
    const answer = loadAnswerConfig(ENV);
    const speech = speechConfigFromEnv(ENV);
    const knowledge = knowledgeConfigFromEnv(ENV);
    expect(speech.openai.apiKey).toBe(ENV.VOXSTATE_OPENAI_TTS_API_KEY);
    expect(knowledge.cloud?.apiKey).toBe(ENV.VOXSTATE_CLOUD_EMBED_API_KEY);
    log.info(answer, 'answer config');
    log.info({ answer, speech, knowledge }, 'configs');
    log.info({ runtime: { config: { answer, speech, knowledge } } }, 'deep');
    log.child({ config: { answer } }).info('child');
    log.child({ speech }).child({ knowledge }).warn({ answer: 'x' }, 'grandchild');
    log.info({ list: [[{ providers: answer.providers }]] }, 'arrays');
    const out = text();
    expect(out.split('\n').filter(Boolean)).toHaveLength(6);
    for (const key of Object.values(ENV).filter((v) => v.startsWith(SECRET))) {
      expect(out).not.toContain(key);
    }
    // The rest of the config is still there.
    expect(out).toContain('gpt-4o-mini');
    expect(out).toContain('text-embedding-3-small');
    expect(out).toContain('[redacted]');
  });

  it('catches secret-looking keys in any spelling, in errors and their causes, and in cycles', () => {
    const { log, text } = capture();
    const cyclic: Record<string, unknown> = { headers: { Authorization: `Bearer ${SECRET}` } };
    cyclic.self = cyclic;
    log.info({ env: { OPENAI_API_KEY: SECRET, 'x-api-key': SECRET, api_key: SECRET } }, 'a');
    log.info(
      { a: { b: { accessToken: SECRET, refresh_token: SECRET, clientSecret: SECRET } } },
      'b',
    );
    log.info({ db: { password: SECRET, passwd: SECRET, cookie: SECRET } }, 'c');
    log.info({ cyclic }, 'd');
    const err = new ProviderError('openai', 'boom', {
      cause: new ConfigError('bad', { cause: { request: { apiKey: SECRET } } }),
    });
    (err as unknown as Record<string, unknown>).options = { apiKey: SECRET };
    log.error({ err }, 'e');
    log.error({ nested: { err } }, 'f');
    log.info(
      JSON.parse(`{"__proto__":{"apiKey":"${SECRET}"},"x":{"__proto__":{"token":"${SECRET}"}}}`),
      'g',
    );
    const out = text();
    expect(out.split('\n').filter(Boolean)).toHaveLength(7);
    expect(out).not.toContain(SECRET);
    // Errors still print as errors.
    expect(out).toContain('"message":"openai: boom: bad"');
    expect(out).toContain('ProviderError');
  });

  it('secrets planted at random depths under secret-named keys never appear (property)', () => {
    const secretKey = fc.constantFrom(
      'apiKey',
      'password',
      'token',
      'authorization',
      'Authorization',
      'OPENAI_API_KEY',
      'x-api-key',
      'accessToken',
      'secret',
      'privateKey',
      'credentials',
    );
    const plainKey = fc.constantFrom('config', 'openai', 'providers', 'a', 'b', 'items', 'meta');
    /** An object with a secret at the end of `path`, with noise around it. */
    const planted = fc
      .tuple(
        fc.array(fc.oneof(plainKey, fc.nat({ max: 2 })), { minLength: 0, maxLength: 8 }),
        secretKey,
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([path, key, noise]) => {
        let value: unknown = { [key]: SECRET, noise };
        for (const step of [...path].reverse()) {
          if (typeof step === 'number') {
            const arr: unknown[] = [noise, noise, noise];
            arr[step] = value;
            value = arr;
          } else value = { [step]: value, noise };
        }
        return value;
      });
    const { log, text } = capture();
    fc.assert(
      fc.property(planted, fc.boolean(), (value, asChild) => {
        const before = text().length;
        if (asChild) log.child({ ctx: value }).child({ more: value }).info('child');
        else log.info({ ctx: value }, 'planted');
        const line = text().slice(before);
        expect(line).toMatch(/planted|child/);
        expect(line).not.toContain(SECRET);
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  });

  it('secret-looking names are recognised, counts of tokens are not', () => {
    for (const k of [
      'apiKey',
      'API_KEY',
      'x-api-key',
      'authToken',
      'password',
      'ariPassword',
      'Cookie',
    ]) {
      expect(isSecretKey(k)).toBe(true);
    }
    for (const k of ['maxTokens', 'inputTokens', 'tokensTotal', 'model', 'baseURL', 'keyPrefix']) {
      expect(isSecretKey(k)).toBe(false);
    }
  });
});

describe('personal data in logs', () => {
  it('transcripts and phone numbers are redacted by default, at any depth', () => {
    const prev = process.env.VOXSTATE_LOG_PII;
    delete process.env.VOXSTATE_LOG_PII;
    try {
      const { log, text } = capture();
      log.info({ callId: 'c1', transcript: 'my card is 4111', callerNumber: '+15551230000' }, 'a');
      log.info(
        { turn: { text: 'private words' }, call: { caller: { callerId: '+15559870000' } } },
        'b',
      );
      log.child({ a: { b: { c: { utterance: 'deep words', phone: '+15550001111' } } } }).info('c');
      const out = text();
      for (const s of [
        '4111',
        '+15551230000',
        'private words',
        '+15559870000',
        'deep words',
        '+15550001111',
      ]) {
        expect(out).not.toContain(s);
      }
      expect(out).toContain('"callId":"c1"');
    } finally {
      if (prev !== undefined) process.env.VOXSTATE_LOG_PII = prev;
    }
  });

  it('VOXSTATE_LOG_PII takes the usual switch words; anything else is a ConfigError', () => {
    for (const on of ['1', 'true', 'YES', 'on '])
      expect(logPiiFromEnv({ VOXSTATE_LOG_PII: on })).toBe(true);
    for (const off of ['', '0', 'false', 'no', 'Off']) {
      expect(logPiiFromEnv({ VOXSTATE_LOG_PII: off })).toBe(false);
    }
    expect(logPiiFromEnv({})).toBe(false);
    expect(() => logPiiFromEnv({ VOXSTATE_LOG_PII: '2' })).toThrow(ConfigError);
  });

  it('the per-turn line: the words are redacted by field name, their lengths are kept', () => {
    const turn = {
      callId: 'c1',
      turn: 3,
      transcript: 'my card is 4111',
      answer: 'noted, card 4111',
      transcriptChars: 15,
      answerChars: 16,
      interrupted: false,
      callerNumber: '+15551230000',
    };
    const redacted = capture();
    redacted.log.info(turn, 'turn');
    const line = JSON.parse(redacted.text());
    expect(line).toMatchObject({
      turn: 3,
      transcript: '[redacted]',
      answer: '[redacted]',
      callerNumber: '[redacted]',
      transcriptChars: 15,
      answerChars: 16,
      interrupted: false,
    });
    expect(redacted.text()).not.toContain('4111');
    const open = capture({ redact: false });
    open.log.info(turn, 'turn');
    expect(JSON.parse(open.text())).toMatchObject({
      transcript: turn.transcript,
      answer: turn.answer,
      callerNumber: turn.callerNumber,
    });
  });

  it('redact: false (VOXSTATE_LOG_PII=1) lets personal data through but never secrets', () => {
    const { log, text } = capture({ redact: false });
    log.info(
      { transcript: 'hello there', config: { openai: { apiKey: SECRET } }, token: SECRET },
      'dev',
    );
    const out = text();
    expect(out).toContain('hello there');
    expect(out).not.toContain(SECRET);
  });
});
