/**
 * What `voxstate calls list` and `voxstate calls show` print of stored call records: one line
 * per call, or one call's timeline, transcript, recording and cost. Personal data is shown
 * only when the settings of the reader allow it too: the caller's number with
 * `VOXSTATE_LOG_PII`, the words with `VOXSTATE_LOG_TRANSCRIPTS` (a record holds them only when
 * they were on while the call ran).
 *
 * @module
 */
import type { CallEvent } from '../calllog/call-log.js';
import type { RecordingFile } from '../calllog/recordings.js';
import type { CallRecord } from '../cost/store.js';

/** What the reader may see. */
export interface ViewPolicy {
  /** Show the caller's number (`VOXSTATE_LOG_PII`). */
  pii: boolean;
  /** Show what was said (`VOXSTATE_LOG_TRANSCRIPTS`). */
  transcripts: boolean;
}

/** One call in `calls list`. */
export interface CallSummary {
  id: string;
  startedAt: string;
  direction: string;
  /** The number, `redacted`, or absent when the record has none. */
  caller?: string;
  durationMs: number;
  turns: number;
  endReason: string;
  cost: number;
  currency: string;
  recorded: boolean;
}

const TRANSCRIPT_FIELDS = new Set(['transcript', 'text', 'utterance', 'answer']);
const PHONE_FIELDS = new Set(['callerNumber', 'calledNumber', 'callerId', 'phone']);

function callerOf(record: CallRecord, policy: ViewPolicy): string | undefined {
  const started = record.events.events.find((e) => e.type === 'started');
  const number = started?.fields?.callerNumber;
  if (!policy.pii) return 'redacted';
  return typeof number === 'string' && number !== '' ? number : undefined;
}

/** The list line of a call. */
export function summarize(record: CallRecord, policy: ViewPolicy): CallSummary {
  const caller = callerOf(record, policy);
  return {
    id: record.id,
    startedAt: new Date(record.startedAt).toISOString(),
    direction: record.direction,
    ...(caller ? { caller } : {}),
    durationMs: Math.max(0, Math.round(record.endedAt - record.startedAt)),
    turns: record.turns,
    endReason: record.endReason,
    cost: record.cost.total,
    currency: record.cost.currency,
    recorded: record.recordingPath !== undefined,
  };
}

/** The events of a call with what the reader may not see taken out. */
export function visibleEvents(record: CallRecord, policy: ViewPolicy): CallEvent[] {
  return record.events.events.map((e) => {
    if (!e.fields) return e;
    const fields = Object.fromEntries(
      Object.entries(e.fields).filter(
        ([k]) =>
          (policy.transcripts || !TRANSCRIPT_FIELDS.has(k)) && (policy.pii || !PHONE_FIELDS.has(k)),
      ),
    );
    return Object.keys(fields).length > 0 ? { ...e, fields } : { t: e.t, type: e.type };
  });
}

/** One side of the conversation. */
export interface TranscriptLine {
  /** Ms since the call started. */
  t: number;
  who: 'caller' | 'bot';
  text: string;
}

/** The words of the call, from its `turn` events (empty when transcripts are not allowed). */
export function transcriptOf(record: CallRecord, policy: ViewPolicy): TranscriptLine[] {
  if (!policy.transcripts) return [];
  const lines: TranscriptLine[] = [];
  for (const e of record.events.events) {
    if (e.type !== 'turn' || !e.fields) continue;
    const heard = e.fields.transcript;
    const said = e.fields.answer;
    if (typeof heard === 'string' && heard) lines.push({ t: e.t, who: 'caller', text: heard });
    if (typeof said === 'string' && said) lines.push({ t: e.t, who: 'bot', text: said });
  }
  return lines;
}

/** Everything `calls show` prints of one call. */
export interface CallDetail extends CallSummary {
  events: CallEvent[];
  /** Absent when transcripts are not allowed. */
  transcript?: TranscriptLine[];
  recording?: { path: string; exists: boolean; durationMs?: number };
  costBreakdown: { stt: number; llm: number; tts: number; embeddings: number; realtime: number };
  flags: Record<string, string>;
}

/** The detail of one call; `file` is its recording as found on disk (if it still is). */
export function detailOf(
  record: CallRecord,
  policy: ViewPolicy,
  file: RecordingFile | undefined,
): CallDetail {
  const { cost } = record;
  return {
    ...summarize(record, policy),
    flags: record.flags,
    events: visibleEvents(record, policy),
    ...(policy.transcripts ? { transcript: transcriptOf(record, policy) } : {}),
    ...(record.recordingPath
      ? {
          recording: {
            path: record.recordingPath,
            exists: file !== undefined,
            ...(file ? { durationMs: Math.round(file.durationMs) } : {}),
          },
        }
      : {}),
    costBreakdown: {
      stt: cost.stt,
      llm: cost.llm,
      tts: cost.tts,
      embeddings: cost.embeddings,
      realtime: cost.realtime,
    },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const money = (n: number, currency: string) => `${n.toFixed(4)} ${currency}`;

/** The table of `calls list`. */
export function formatList(calls: readonly CallSummary[]): string {
  if (calls.length === 0) return 'no calls\n';
  const rows = calls.map((c) => [
    c.id,
    c.startedAt.replace('T', ' ').slice(0, 19),
    c.caller ?? '-',
    seconds(c.durationMs),
    String(c.turns),
    c.endReason,
    money(c.cost, c.currency),
    c.recorded ? 'yes' : 'no',
  ]);
  const header = ['id', 'started (UTC)', 'caller', 'duration', 'turns', 'end', 'cost', 'recording'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function fieldText(fields: CallEvent['fields']): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`)
    .join(' ');
}

/** The text of `calls show`. */
export function formatDetail(d: CallDetail): string {
  const out = [
    `call ${d.id}`,
    `  started    ${d.startedAt}  (${d.direction})`,
    `  caller     ${d.caller ?? '-'}`,
    `  duration   ${seconds(d.durationMs)}, ${d.turns} turns, ended: ${d.endReason}`,
    `  cost       ${money(d.cost, d.currency)} (stt ${d.costBreakdown.stt.toFixed(4)}, llm ${d.costBreakdown.llm.toFixed(4)}, tts ${d.costBreakdown.tts.toFixed(4)}, embeddings ${d.costBreakdown.embeddings.toFixed(4)}, realtime ${d.costBreakdown.realtime.toFixed(4)})`,
    `  recording  ${
      d.recording
        ? `${d.recording.path}${d.recording.exists ? ` (${seconds(d.recording.durationMs ?? 0)})` : ' (deleted)'}`
        : 'none'
    }`,
    '',
    'timeline',
    ...d.events.map((e) =>
      `  ${seconds(e.t).padStart(8)}  ${e.type.padEnd(10)} ${fieldText(e.fields)}`.trimEnd(),
    ),
    '',
  ];
  if (d.transcript) {
    out.push('transcript');
    if (d.transcript.length === 0) out.push('  (none stored)');
    for (const l of d.transcript)
      out.push(`  ${seconds(l.t).padStart(8)}  ${l.who.padEnd(6)} ${l.text}`);
  } else {
    out.push('transcript: not shown (VOXSTATE_LOG_TRANSCRIPTS is off)');
  }
  out.push('');
  return out.join('\n');
}
