import { describe, expect, it } from 'vitest';
import { CallEventLog } from '../../src/calllog/call-log.js';
import { CallTimeline } from '../../src/calls/timeline.js';
import { TurnLog } from '../../src/calls/turn-log.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { capture } from '../cli/helpers.js';

const QUESTION = 'Do you deliver to Riverton?';
const ANSWER = 'Yes, within two days.';

/** A turn log on a fake clock, its event log and its log lines. */
function rig(options: { logText?: boolean; redact?: boolean; includeTranscripts?: boolean } = {}) {
  let now = 0;
  const timeline = new CallTimeline({ now: () => now });
  const log = new CallEventLog({
    now: () => now,
    includeTranscripts: options.includeTranscripts ?? false,
  });
  const out = capture();
  const logger = createLogger({ level: 'info', redact: options.redact ?? true, destination: out });
  const turns = new TurnLog({
    callId: 'call-1',
    timeline,
    log,
    logger,
    logText: options.logText ?? false,
  });
  return {
    timeline,
    turns,
    advance: (ms: number) => {
      now += ms;
    },
    lines: () =>
      out
        .text()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    events: () => log.events().map((e): Record<string, unknown> => ({ type: e.type, ...e.fields })),
  };
}

/** One turn answered on the fake clock: transcript 120 ms, passages 200 ms, audio 610 ms. */
function answeredTurn(r: ReturnType<typeof rig>): void {
  r.timeline.speechEnded();
  r.advance(120);
  r.timeline.mark('transcript');
  r.turns.heard(QUESTION, 'en');
  r.advance(80);
  r.timeline.mark('retrieval');
  r.advance(410);
  r.timeline.mark('first_answer_audio');
  r.turns.answered({ text: ANSWER, model: 'offline', pieces: 1 });
}

describe('TurnLog', () => {
  it('personal data allowed: one line and one event per turn with the words and latencies', () => {
    const r = rig({ logText: true, redact: false, includeTranscripts: true });
    answeredTurn(r);
    expect(r.lines()).toEqual([
      expect.objectContaining({
        msg: 'turn',
        callId: 'call-1',
        turn: 1,
        outcome: 'answered',
        interrupted: false,
        transcript: QUESTION,
        answer: ANSWER,
        transcriptChars: QUESTION.length,
        answerChars: ANSWER.length,
        model: 'offline',
        language: 'en',
        transcriptMs: 120,
        retrievalMs: 200,
        firstAudioMs: 610,
      }),
    ]);
    expect(r.events()).toEqual([
      expect.objectContaining({ type: 'turn', n: 1, transcript: QUESTION, answer: ANSWER }),
    ]);
  });

  it('not allowed: the same line and event with lengths, the words nowhere', () => {
    const r = rig();
    answeredTurn(r);
    const [line] = r.lines();
    expect(line).toMatchObject({
      turn: 1,
      transcript: '[redacted]',
      answer: '[redacted]',
      transcriptChars: QUESTION.length,
      answerChars: ANSWER.length,
      firstAudioMs: 610,
    });
    const [event] = r.events();
    expect(event).toMatchObject({ n: 1, transcriptChars: QUESTION.length, firstAudioMs: 610 });
    expect(event).not.toHaveProperty('transcript');
    expect(JSON.stringify([r.lines(), r.events()])).not.toMatch(/Riverton|two days/);
  });

  it('the switches are independent: transcripts stored, logs without them; and the reverse', () => {
    const stored = rig({ includeTranscripts: true });
    answeredTurn(stored);
    expect(stored.events()[0]).toMatchObject({ transcript: QUESTION, answer: ANSWER });
    expect(JSON.stringify(stored.lines())).not.toContain('Riverton');

    const logged = rig({ logText: true, redact: false });
    answeredTurn(logged);
    expect(logged.lines()[0]).toMatchObject({ transcript: QUESTION });
    expect(JSON.stringify(logged.events())).not.toContain('Riverton');

    // Text not allowed, with a logger that does not redact (a library user's own pino): the
    // turn log itself leaves the words out.
    const own = rig({ logText: false, redact: false });
    answeredTurn(own);
    expect(own.lines()[0]).toMatchObject({ transcript: '[redacted]', answer: '[redacted]' });

    // Text allowed but a redacting logger: the scrubber still removes the fields by name.
    const scrubbed = rig({ logText: true, redact: true });
    answeredTurn(scrubbed);
    expect(scrubbed.lines()[0]).toMatchObject({ transcript: '[redacted]', answer: '[redacted]' });
  });

  it('a barge-in ends the turn at once with what the caller heard', () => {
    const r = rig({ logText: true, redact: false });
    r.timeline.speechEnded();
    r.turns.heard(QUESTION, 'en');
    r.timeline.mark('first_answer_audio');
    r.timeline.bargedIn();
    r.turns.stopped('Yes,', 'offline');
    expect(r.lines()).toEqual([
      expect.objectContaining({
        turn: 1,
        outcome: 'interrupted',
        interrupted: true,
        answer: 'Yes,',
        answerChars: 4,
      }),
    ]);
  });

  it('the caller speaking in a pause between pieces (no timeline barge-in) still interrupts', () => {
    const r = rig({ logText: true, redact: false });
    r.timeline.speechEnded();
    r.turns.heard(QUESTION, 'en');
    r.turns.speechStarted();
    r.turns.stopped('Yes,', 'offline');
    expect(r.timeline.turns()[0]?.bargeIn).toBeUndefined();
    expect(r.lines()).toEqual([
      expect.objectContaining({ turn: 1, outcome: 'interrupted', interrupted: true }),
    ]);
  });

  it('a speech start with no turn open marks nothing', () => {
    const r = rig({ logText: true, redact: false });
    r.turns.speechStarted();
    answeredTurn(r);
    expect(r.lines()[0]).toMatchObject({ outcome: 'answered', interrupted: false });
  });

  it('a stopped answer without a barge-in ends with the call; close() is idempotent', () => {
    const r = rig({ logText: true, redact: false });
    r.timeline.speechEnded();
    r.turns.heard(QUESTION, 'en');
    r.turns.stopped('', 'offline');
    expect(r.lines()).toEqual([]);
    r.turns.close();
    r.turns.close();
    expect(r.lines()).toEqual([
      expect.objectContaining({ turn: 1, outcome: 'call_ended', interrupted: false, answer: '' }),
    ]);
  });

  it('empty transcripts, failures and turns the caller abandoned each end their turn', () => {
    const r = rig({ logText: true, redact: false });
    r.timeline.speechEnded();
    r.turns.heard('');
    r.timeline.speechEnded();
    r.turns.failed();
    r.timeline.speechEnded();
    r.turns.heard(QUESTION);
    // The caller spoke again before an answer: turn 3 ends when turn 4 reports.
    r.timeline.speechEnded();
    expect(r.lines().map((l) => l.outcome)).toEqual(['not_understood', 'failed']);
    r.turns.heard('Hello?');
    r.turns.close();
    expect(r.lines().map((l) => [l.turn, l.outcome, l.transcript])).toEqual([
      [1, 'not_understood', ''],
      [2, 'failed', undefined],
      [3, 'abandoned', QUESTION],
      [4, 'call_ended', 'Hello?'],
    ]);
    expect(r.events().map((e) => e.n)).toEqual([1, 2, 3, 4]);
  });
});
