/**
 * The console's pictures, rendered on the server as SVG text: a call's turn waterfall (each turn
 * a row, from the caller's last word: end of turn, transcript, retrieval, the model's first
 * token, TTS first byte, with the filler and the first answer audio as marks) and the cost chart
 * (actual against baseline per call). No script and no chart library.
 *
 * @module
 */
import type { TurnTiming } from '../calls/timeline.js';

/** Escapes text for HTML and SVG. */
export function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The colours of the waterfall's segments, by name (also its legend). */
export const SEGMENTS = {
  end_of_turn: '#9aa5b1',
  transcript: '#3e7cb1',
  retrieval: '#81a94f',
  first_token: '#c98b2b',
  tts_first_byte: '#a05195',
} as const;

const MARKS = { filler: '#2a9d8f', first_audio: '#d1495b' } as const;

/** One bar of a turn row, ms from the end of speech. */
interface Segment {
  name: keyof typeof SEGMENTS;
  from: number;
  to: number;
}

function segmentsOf(t: TurnTiming): Segment[] {
  const out: Segment[] = [];
  const add = (name: Segment['name'], from: number | undefined, to: number | undefined) => {
    if (from !== undefined && to !== undefined && to >= from) out.push({ name, from, to });
  };
  if (t.endpointing !== undefined) add('end_of_turn', -t.endpointing, 0);
  add('transcript', 0, t.transcript);
  add('retrieval', t.transcript ?? 0, t.retrieval);
  add('first_token', t.marks?.answer_start, t.marks?.answer_first_piece);
  add('tts_first_byte', t.marks?.tts_start, t.marks?.answer_ready);
  return out;
}

const ROW = 26;
const LEFT = 64;
const WIDTH = 760;

/**
 * A call's turns as a waterfall: x is ms from the end of the caller's speech (the end of turn
 * reaches back to the caller's last word), one row per turn.
 */
export function waterfallSvg(turns: readonly TurnTiming[]): string {
  if (turns.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="no turns yet" width="${WIDTH}" height="40" class="waterfall"><text x="8" y="24">No turn yet.</text></svg>`;
  }
  const ends = turns.flatMap((t) => [
    ...segmentsOf(t).map((s) => s.to),
    t.filler ?? 0,
    t.first_answer_audio ?? 0,
  ]);
  const starts = turns.flatMap((t) => segmentsOf(t).map((s) => s.from));
  const min = Math.min(0, ...starts);
  const max = Math.max(100, ...ends);
  const span = max - min;
  const plot = WIDTH - LEFT - 16;
  const x = (ms: number) => LEFT + ((ms - min) / span) * plot;
  const height = 40 + turns.length * ROW + 28;
  const rows = turns.map((t, i) => {
    const y = 30 + i * ROW;
    const bars = segmentsOf(t).map(
      (s) =>
        `<rect class="seg seg-${s.name}" data-segment="${s.name}" x="${x(s.from).toFixed(1)}" y="${y}" width="${Math.max(1, x(s.to) - x(s.from)).toFixed(1)}" height="${ROW - 8}" fill="${SEGMENTS[s.name]}"><title>${s.name.replaceAll('_', ' ')}: ${Math.round(s.from)} to ${Math.round(s.to)} ms</title></rect>`,
    );
    const mark = (name: keyof typeof MARKS, ms: number | undefined) =>
      ms === undefined
        ? ''
        : `<line class="mark mark-${name}" data-mark="${name}" x1="${x(ms).toFixed(1)}" x2="${x(ms).toFixed(1)}" y1="${y - 2}" y2="${y + ROW - 6}" stroke="${MARKS[name]}" stroke-width="3"><title>${name.replace('_', ' ')}: ${Math.round(ms)} ms</title></line>`;
    return [
      `<g class="turn" data-turn="${t.turn}">`,
      `<text x="4" y="${y + 13}">turn ${t.turn}${t.bargeIn ? ' ✂' : ''}</text>`,
      ...bars,
      mark('filler', t.filler),
      mark('first_audio', t.first_answer_audio),
      '</g>',
    ].join('');
  });
  const ticks: string[] = [];
  const step = niceStep(span / 6);
  for (let ms = Math.ceil(min / step) * step; ms <= max; ms += step) {
    ticks.push(
      `<line x1="${x(ms).toFixed(1)}" x2="${x(ms).toFixed(1)}" y1="24" y2="${height - 24}" stroke="#ddd"/><text x="${x(ms).toFixed(1)}" y="18" text-anchor="middle" font-size="10">${ms} ms</text>`,
    );
  }
  const legend = [
    ...Object.entries(SEGMENTS).map(([n, c]) => [n, c, 'rect'] as const),
    ...Object.entries(MARKS).map(([n, c]) => [n, c, 'line'] as const),
  ]
    .map(([n, c, kind], i) => {
      const lx = 8 + i * 108;
      const ly = height - 14;
      const sym =
        kind === 'rect'
          ? `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${c}"/>`
          : `<line x1="${lx + 5}" x2="${lx + 5}" y1="${ly - 10}" y2="${ly + 1}" stroke="${c}" stroke-width="3"/>`;
      return `${sym}<text x="${lx + 14}" y="${ly}" font-size="10">${n.replaceAll('_', ' ')}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="turn waterfall" class="waterfall" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">${ticks.join('')}<line x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="24" y2="${height - 24}" stroke="#333" stroke-dasharray="3 3"><title>end of speech decided</title></line>${rows.join('')}${legend}</svg>`;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** One bar pair of the cost chart. */
export interface CostBar {
  label: string;
  actual: number;
  baseline: number;
}

/** Actual cost against the baseline, one pair of bars per entry, in `currency`. */
export function costChartSvg(bars: readonly CostBar[], currency: string): string {
  const height = 220;
  if (bars.length === 0) {
    return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="no costs yet" class="cost-chart" width="${WIDTH}" height="40"><text x="8" y="24">No call yet.</text></svg>`;
  }
  const max = Math.max(1e-9, ...bars.flatMap((b) => [b.actual, b.baseline]));
  const slot = Math.min(60, (WIDTH - LEFT - 16) / bars.length);
  const plotH = height - 60;
  const y = (v: number) => 20 + plotH - (v / max) * plotH;
  const body = bars
    .map((b, i) => {
      const x0 = LEFT + i * slot;
      const w = Math.max(2, slot / 2 - 3);
      return [
        `<g class="cost-bar" data-label="${esc(b.label)}">`,
        `<rect x="${x0.toFixed(1)}" y="${y(b.baseline).toFixed(1)}" width="${w.toFixed(1)}" height="${(20 + plotH - y(b.baseline)).toFixed(1)}" fill="#bbb"><title>${esc(b.label)} baseline ${b.baseline.toFixed(4)} ${esc(currency)}</title></rect>`,
        `<rect x="${(x0 + w + 2).toFixed(1)}" y="${y(b.actual).toFixed(1)}" width="${w.toFixed(1)}" height="${(20 + plotH - y(b.actual)).toFixed(1)}" fill="#3e7cb1"><title>${esc(b.label)} actual ${b.actual.toFixed(4)} ${esc(currency)}</title></rect>`,
        `<text x="${(x0 + w).toFixed(1)}" y="${height - 26}" font-size="9" text-anchor="middle">${esc(b.label.slice(-6))}</text>`,
        '</g>',
      ].join('');
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="cost chart" class="cost-chart" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11"><text x="4" y="14">${max.toFixed(4)} ${esc(currency)}</text><line x1="${LEFT - 4}" x2="${WIDTH}" y1="${20 + plotH}" y2="${20 + plotH}" stroke="#333"/>${body}<rect x="8" y="${height - 12}" width="10" height="10" fill="#bbb"/><text x="22" y="${height - 3}">baseline (strong model, no caches)</text><rect x="240" y="${height - 12}" width="10" height="10" fill="#3e7cb1"/><text x="254" y="${height - 3}">actual</text></svg>`;
}
