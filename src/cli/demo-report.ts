/**
 * What `voxstate demo` prints: a header, one legend line, one line per turn as each turn
 * completes (its latencies, what the caller said and what the bot said or had started to say
 * when interrupted) and a summary when the call has ended.
 *
 * Every latency of a turn is measured from one point: the end of the caller's speech (the last
 * voiced audio, as the voice detector placed it), so `end`, `filler`, `text`, `kb` and
 * `answer` can be compared with each other and with what a caller experiences.
 *
 * @module
 */
import type { TurnTiming } from '../calls/timeline.js';
import type { SttChoice } from '../runtime/config.js';

/** One turn of the demo call; times in ms after the caller's last word. */
export interface DemoTurn {
  turn: number;
  /** What the bot heard (the transcript), else what the script said. */
  caller: string;
  /** What the bot said; when interrupted, what it had started to say. */
  bot: string;
  interrupted: boolean;
  /** The end of speech was decided (the silence the voice detector waited). */
  endDetectedMs?: number;
  fillerMs?: number;
  transcriptMs?: number;
  retrievalMs?: number;
  answerMs?: number;
}

/** What the demo measured. */
export interface DemoResult {
  stt: SttChoice;
  answerer: string;
  endReason: string;
  /** First greeting audio after the answer, ms. */
  greetingMs: number | undefined;
  turns: DemoTurn[];
  wav: string;
  /** The demo's own data folder (knowledge base and call records). */
  dataDir: string;
  costTotal: number;
  /** The call's cost with its currency, its baseline and the prices used. */
  cost: DemoCost;
}

/** The demo call's cost, as its summary shows it. */
export interface DemoCost {
  total: number;
  /** The same usage with no caches on the baseline engines (strong model, cloud STT). */
  baselineTotal: number;
  currency: string;
  /** Where the prices come from (`PriceTable.source`). */
  prices: string;
  /** What the baseline re-prices on, e.g. `stt: cloud, llm: claude-sonnet-4-5`. */
  baseline: string;
}

/** An amount with enough digits for a fraction of a cent, and its currency. */
function money(amount: number, currency: string): string {
  return `${amount.toFixed(amount !== 0 && Math.abs(amount) < 0.01 ? 5 : 4)} ${currency}`;
}

/** A turn of the timeline as the demo shows it, every time from the caller's last word. */
export function demoTurn(t: TurnTiming, scriptText: string | undefined): DemoTurn {
  const base = t.endpointing ?? 0;
  const from = (ms: number | undefined) => (ms === undefined ? undefined : base + ms);
  const turn: DemoTurn = {
    turn: t.turn,
    caller: t.callerText || scriptText || '',
    bot: t.botText ?? '',
    interrupted: t.bargeIn === true,
  };
  const times: Array<[keyof DemoTurn, number | undefined]> = [
    ['endDetectedMs', t.endpointing],
    ['fillerMs', from(t.filler)],
    ['transcriptMs', from(t.transcript)],
    ['retrievalMs', from(t.retrieval)],
    ['answerMs', from(t.first_answer_audio)],
  ];
  for (const [key, ms] of times) {
    if (ms !== undefined) (turn as unknown as Record<string, number>)[key] = Math.round(ms);
  }
  return turn;
}

const COLUMNS = [
  ['end', 'endDetectedMs'],
  ['filler', 'fillerMs'],
  ['text', 'transcriptMs'],
  ['kb', 'retrievalMs'],
  ['answer', 'answerMs'],
] as const;

/** The header and the legend line, printed before the call starts. */
export function formatHeader(r: Pick<DemoResult, 'stt' | 'answerer' | 'dataDir'>): string {
  return [
    '',
    'voxstate demo: one call on the simulated Asterisk',
    `  speech-to-text: ${r.stt}${r.stt === 'script' ? ' (SIMULATOR ONLY: transcripts are the caller script; run `voxstate models pull` for Whisper)' : ''}`,
    `  answers: ${r.answerer}${r.answerer === 'offline' ? ' (extractive, from the knowledge base; set OPENAI_API_KEY or ANTHROPIC_API_KEY for an LLM)' : ''}`,
    `  data: ${r.dataDir} (the demo's own folder; VOXSTATE_DATA_DIR is not touched)`,
    '',
    `  ms after the caller's last word: end = end of speech detected, filler = filler audio starts, text = transcript ready, kb = passages found, answer = answer audio starts`,
    '',
  ].join('\n');
}

/** One completed turn: its latencies, then the caller's and the bot's words. */
export function formatTurn(t: DemoTurn): string {
  const cells = COLUMNS.map(([label, key]) => {
    const v = t[key];
    return `${label} ${v === undefined ? '-' : v}`.padEnd(label.length + 6);
  });
  const lines = [`  turn ${String(t.turn).padStart(2)}  ${cells.join(' ').trimEnd()}`];
  lines.push(`           caller: ${t.caller}`);
  if (t.interrupted) {
    lines.push(
      `           bot:    ${t.bot ? `${t.bot} ...` : '(nothing yet)'} [interrupted by the caller]`,
    );
  } else if (t.bot) {
    lines.push(`           bot:    ${t.bot}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The summary printed once the call has ended. */
export function formatSummary(r: DemoResult): string {
  const answered = r.turns.filter((t) => t.answerMs !== undefined).map((t) => t.answerMs as number);
  const median = answered.length
    ? [...answered].sort((a, b) => a - b)[Math.floor((answered.length - 1) / 2)]
    : undefined;
  return [
    '',
    `  greeting: first audio ${r.greetingMs === undefined ? '-' : Math.round(r.greetingMs)} ms after the answer`,
    `  turns: ${r.turns.length}, ${r.turns.filter((t) => t.interrupted).length} interrupted; ` +
      `answer audio ${median === undefined ? '-' : median} ms after the caller's last word (median)`,
    `  call ended: ${r.endReason}; cost ${money(r.cost.total, r.cost.currency)} (baseline ${money(r.cost.baselineTotal, r.cost.currency)}: ${r.cost.baseline || 'the engines used'}, no caches)`,
    `  prices: ${r.cost.prices}`,
    `  audio: ${r.wav}`,
    '',
  ].join('\n');
}
