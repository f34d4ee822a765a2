/**
 * `VOXSTATE_LOG_PII` and `VOXSTATE_LOG_TRANSCRIPTS` on the whole path: `serve()` reads them
 * from the environment, a scripted caller on the simulated Asterisk asks a question, barges in
 * on the long answer and asks another, and the test reads what reached the log stream and the
 * stored call record. Switched on, both hold the caller's words, the bot's answers and the
 * caller's number; switched off, neither holds any of them, and the per-turn log lines keep
 * their shape with lengths and a redaction marker in place of the text.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRecord, openCallStore } from '../../src/cost/store.js';
import { serve } from '../../src/runtime/serve.js';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { ingestSampleKnowledge } from '../../src/simulator/simulated-line.js';
import { LOG_CENSOR } from '../../src/telemetry/log-scrub.js';
import { capture, startSpeakingSim, tinyEnv, until } from '../cli/helpers.js';
import { knowledgeBaseText, turnsDone } from './helpers.js';

const CALLER = '+15550123456';
/** Its answer is long (two sentences): the caller barges in on it. */
const LONG_QUESTION = 'Where are you located?';
const PHONE_QUESTION = 'What is your phone number?';
/** In the answer to the phone question (the business's number, from the knowledge base). */
const PHONE_ANSWER = '555-0142';

type LogLine = Record<string, unknown> & { msg: string };

interface Outcome {
  lines: LogLine[];
  logText: string;
  record: CallRecord;
  recordText: string;
}

/** Serves one call with the two switches set as given; returns the logs and the stored record. */
async function runCall(sim: SimulatedAsterisk, switches: NodeJS.ProcessEnv): Promise<Outcome> {
  const { env, dataDir } = await tinyEnv(sim.url, {
    VOXSTATE_STT: 'script',
    VOXSTATE_LOG_LEVEL: 'info',
    ...switches,
  });
  const logs = capture();
  const server = await serve({
    env,
    logDestination: logs,
    runtimeOptions: { scriptText: (id, start, end) => sim.scriptTextBetween(id, start, end) },
  });
  try {
    await ingestSampleKnowledge(server.runtime);
    await server.telephony;
    const call = await sim.placeCall({
      callerNumber: CALLER,
      script: {
        steps: [
          { waitForBot: { silenceMs: 600 } },
          { say: LONG_QUESTION },
          { say: PHONE_QUESTION, interruptAfterMs: 2_000 },
          { pause: 60_000 },
        ],
      },
    });
    const handle = await until(() => server.runtime.handles().find((h) => h.id === call.channelId));
    await turnsDone({ handle }, 1);
    call.hangup();
    await handle.done;
    await call.ended;
  } finally {
    await server.shutdown('test end');
    await server.done;
  }
  const store = await openCallStore({ dataDir });
  try {
    const [record] = await until(async () => {
      const rows = await store.queryCalls();
      return rows.length > 0 ? rows : undefined;
    });
    const logText = logs.text();
    const lines = logText
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as LogLine);
    return { lines, logText, record: record!, recordText: JSON.stringify(record) };
  } finally {
    store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function turnLines(o: Outcome): LogLine[] {
  return o.lines.filter((l) => l.msg === 'turn');
}

function turnEvents(o: Outcome): Array<Record<string, unknown>> {
  return o.record.events.events.filter((e) => e.type === 'turn').map((e) => e.fields ?? {});
}

describe('transcripts and phone numbers in logs and call records (serve, simulated Asterisk)', () => {
  let sim: SimulatedAsterisk;
  let closeSim: () => Promise<void>;
  let on: Outcome;
  let off: Outcome;

  beforeAll(async () => {
    ({ sim, close: closeSim } = await startSpeakingSim());
    on = await runCall(sim, { VOXSTATE_LOG_PII: '1', VOXSTATE_LOG_TRANSCRIPTS: '1' });
    off = await runCall(sim, {});
  }, 150_000);

  afterAll(async () => {
    await closeSim?.();
  });

  it('switched on: one log line per turn with the words, the answer, barge-in and latencies', async () => {
    const turns = turnLines(on);
    expect(turns, on.logText).toHaveLength(2);
    const [interrupted, answered] = turns;
    expect(interrupted).toMatchObject({
      turn: 1,
      outcome: 'interrupted',
      interrupted: true,
      transcript: LONG_QUESTION,
      transcriptChars: LONG_QUESTION.length,
    });
    // What the caller heard of the interrupted answer: the start of a knowledge-base text (the
    // pieces whose audio had started; on a slow machine the barge-in can land on the filler).
    const kb = await knowledgeBaseText('en');
    expect(kb).toContain(interrupted?.answer);
    expect(interrupted?.answerChars).toBe(String(interrupted?.answer).length);
    if (interrupted?.firstAudioMs !== undefined) {
      expect(String(interrupted.answer).length).toBeGreaterThan(10);
    }

    expect(answered).toMatchObject({
      turn: 2,
      outcome: 'answered',
      interrupted: false,
      transcript: PHONE_QUESTION,
    });
    expect(answered?.answer).toContain(PHONE_ANSWER);
    expect(answered?.answerChars).toBe(String(answered?.answer).length);
    // Latencies, ms after the end of the caller's speech (a filler plays only when the answer is slow).
    for (const key of ['transcriptMs', 'retrievalMs', 'firstAudioMs']) {
      expect(answered?.[key], key).toEqual(expect.any(Number));
    }
    expect(answered?.firstAudioMs).toBeGreaterThanOrEqual(answered?.retrievalMs as number);
    expect(answered?.callId).toBe(interrupted?.callId);
  });

  it('switched on: the stored call record keeps each turn’s words and answer, and the number', () => {
    const events = turnEvents(on);
    expect(events.map((e) => e.transcript)).toEqual([LONG_QUESTION, PHONE_QUESTION]);
    expect(events.map((e) => e.interrupted)).toEqual([true, false]);
    expect(String(events[1]?.answer)).toContain(PHONE_ANSWER);
    const started = on.record.events.events.find((e) => e.type === 'started');
    expect(started?.fields?.callerNumber).toBe(CALLER);
    // The number reached the log as well, in its named field.
    expect(on.lines.find((l) => l.msg === 'call started')?.callerNumber).toBe(CALLER);
  });

  it('switched off: neither the logs nor the record hold the words, the answers or the number', () => {
    for (const text of [on.logText, on.recordText]) {
      // The same call switched on does hold them: the absence below is not an accident.
      expect(text).toContain('located');
    }
    for (const [where, text] of [
      ['log', off.logText],
      ['record', off.recordText],
    ] as const) {
      for (const secret of ['located', 'phone number', PHONE_ANSWER, '15550123456']) {
        expect(text, `${where} holds "${secret}"`).not.toContain(secret);
      }
    }
    // The per-turn lines are there, with lengths and the redaction marker instead of the text.
    const turns = turnLines(off);
    expect(turns).toHaveLength(2);
    expect(turns[0]).toMatchObject({
      turn: 1,
      interrupted: true,
      transcript: LOG_CENSOR,
      answer: LOG_CENSOR,
      transcriptChars: LONG_QUESTION.length,
    });
    expect(turns[1]).toMatchObject({ turn: 2, interrupted: false, transcript: LOG_CENSOR });
    expect(turns[1]?.answerChars).toBeGreaterThan(PHONE_ANSWER.length);
    // The record keeps the turns' shape and lengths.
    const events = turnEvents(off);
    expect(events).toHaveLength(2);
    expect(events[0]).not.toHaveProperty('transcript');
    expect(events[0]?.transcriptChars).toBe(LONG_QUESTION.length);
  });
});
