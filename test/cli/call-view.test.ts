/**
 * What `voxstate calls` prints of a stored call: the caller's number only with
 * VOXSTATE_LOG_PII, the words only with VOXSTATE_LOG_TRANSCRIPTS, the recording and the table.
 */
import { describe, expect, it } from 'vitest';
import { detailOf, formatDetail, formatList, summarize } from '../../src/cli/call-view.js';
import { emptyBreakdown } from '../../src/cost/ledger.js';
import type { CallRecord } from '../../src/cost/store.js';

const RECORD: CallRecord = {
  id: 'c1',
  startedAt: Date.UTC(2026, 11, 6, 10, 0, 0),
  endedAt: Date.UTC(2026, 11, 6, 10, 0, 42, 500),
  direction: 'inbound',
  flags: { stt: 'whisper' },
  cost: { ...emptyBreakdown('USD'), llm: 0.002, total: 0.0025 },
  turns: 1,
  endReason: 'hangup',
  recordingPath: 'recordings/2026-12-06/c1.wav',
  events: {
    dropped: 0,
    events: [
      { t: 0, type: 'started', fields: { direction: 'inbound', callerNumber: '+15550100' } },
      { t: 3500, type: 'recording', fields: { result: 'started' } },
      {
        t: 9000,
        type: 'turn',
        fields: {
          n: 1,
          transcript: 'Are you open?',
          answer: 'Yes, until eight.',
          firstAudioMs: 640,
        },
      },
      { t: 42500, type: 'ended', fields: { reason: 'hangup' } },
    ],
  },
};

const CLOSED = { pii: false, transcripts: false };
const OPEN = { pii: true, transcripts: true };

describe('calls list and show', () => {
  it('a list line: redacted caller unless PII may be shown, duration, cost, recorded', () => {
    expect(summarize(RECORD, CLOSED)).toEqual({
      id: 'c1',
      startedAt: '2026-12-06T10:00:00.000Z',
      direction: 'inbound',
      caller: 'redacted',
      durationMs: 42_500,
      turns: 1,
      endReason: 'hangup',
      cost: 0.0025,
      currency: 'USD',
      recorded: true,
    });
    expect(summarize(RECORD, OPEN).caller).toBe('+15550100');
    const { recordingPath: _, ...unrecorded } = RECORD;
    expect(summarize(unrecorded, CLOSED).recorded).toBe(false);
    const table = formatList([summarize(RECORD, CLOSED)]).split('\n');
    expect(table[0]).toMatch(
      /^id\s+started \(UTC\)\s+caller\s+duration\s+turns\s+end\s+cost\s+recording$/,
    );
    expect(table[1]).toMatch(
      /^c1\s+2026-12-06 10:00:00\s+redacted\s+42\.5s\s+1\s+hangup\s+0\.0025 USD\s+yes$/,
    );
    expect(formatList([])).toBe('no calls\n');
  });

  it('show: the words and the number only when allowed; the recording and whether it is there', () => {
    const closed = detailOf(RECORD, CLOSED, undefined);
    expect(JSON.stringify(closed)).not.toMatch(/Are you open|until eight|15550100/);
    expect(closed.transcript).toBeUndefined();
    expect(closed.recording).toEqual({ path: 'recordings/2026-12-06/c1.wav', exists: false });
    expect(closed.events[2]).toEqual({
      t: 9000,
      type: 'turn',
      fields: { n: 1, firstAudioMs: 640 },
    });
    const text = formatDetail(closed);
    expect(text).toContain('recording  recordings/2026-12-06/c1.wav (deleted)');
    expect(text).toContain('transcript: not shown (VOXSTATE_LOG_TRANSCRIPTS is off)');
    expect(text).toMatch(/ {5}9\.0s {2}turn {7}n=1 firstAudioMs=640/);

    const file = {
      recordingPath: RECORD.recordingPath!,
      file: '/d/x.wav',
      size: 44,
      durationMs: 39_000,
    };
    const open = detailOf(RECORD, OPEN, file);
    expect(open.transcript).toEqual([
      { t: 9000, who: 'caller', text: 'Are you open?' },
      { t: 9000, who: 'bot', text: 'Yes, until eight.' },
    ]);
    expect(open.recording).toEqual({
      path: RECORD.recordingPath,
      exists: true,
      durationMs: 39_000,
    });
    expect(formatDetail(open)).toContain('caller Are you open?');
    expect(formatDetail(open)).toContain('recording  recordings/2026-12-06/c1.wav (39.0s)');
  });
});
