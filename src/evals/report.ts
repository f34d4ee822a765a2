/**
 * How an eval run is shown: a readable table (one line per call, the failures under it, then
 * the totals and the cost against the baseline), JUnit XML for CI (one test case per checked
 * turn, and one per checked call end), and a progress line per finished call.
 *
 * @module
 */
import type { CallResult, EvalResult } from './results.js';

/** A money amount with enough digits for a fraction of a cent. */
export function money(amount: number, currency: string): string {
  return `${amount.toFixed(amount !== 0 && Math.abs(amount) < 0.01 ? 5 : 4)} ${currency}`;
}

/** One progress line for a finished call: `[12/50] ok  en: hours #2 (8.1 s)`. */
export function progressLine(call: CallResult, done: number, total: number): string {
  const width = String(total).length;
  return `[${String(done).padStart(width)}/${total}] ${call.passed ? 'ok  ' : 'FAIL'} ${call.name} (${(call.wallMs / 1000).toFixed(1)} s)`;
}

const cell = (v: number | undefined) => (v === undefined ? '-' : String(v));
const median = (values: number[]) => {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/** The table of a run. */
export function formatTable(r: EvalResult): string {
  const { currency } = r.cost;
  const rows = r.calls.map((c) => {
    const answered = c.turns.map((t) => t.answerMs).filter((v): v is number => v !== undefined);
    return [
      String(c.number),
      c.passed ? 'ok' : 'FAIL',
      c.name,
      c.language,
      `${c.turns.filter((t) => t.checked && t.failures.length === 0).length}/${c.turns.filter((t) => t.checked).length}`,
      cell(median(answered)),
      c.endReason + (c.transferred ? ' (transferred)' : ''),
      c.cost.total.toFixed(5),
      c.cost.baselineTotal.toFixed(5),
    ];
  });
  const head = [
    '#',
    '',
    'call',
    'lang',
    'turns ok',
    'answer ms (median)',
    'end',
    `cost ${currency}`,
    `baseline ${currency}`,
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) =>
    `  ${row.map((v, i) => (i === 0 || (i >= 4 && i !== 6) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  const out = ['', line(head)];
  r.calls.forEach((c, i) => {
    out.push(line(rows[i] ?? []));
    for (const t of c.turns) {
      for (const f of t.failures) out.push(`      turn ${t.turn} "${t.say}": ${f}`);
      if (t.failures.length > 0) out.push(`        bot: ${t.bot || '(nothing)'}`);
    }
    for (const f of c.outcomeFailures) out.push(`      call: ${f}`);
  });
  const answers = r.calls.flatMap((c) =>
    c.turns.map((t) => t.answerMs).filter((v): v is number => v !== undefined),
  );
  const judged = r.calls.flatMap((c) => c.turns.filter((t) => t.judged === 'skipped'));
  const cost = r.cost;
  out.push(
    '',
    `  ${r.calls.length} calls, ${r.checks} checks, ${r.failures} failed; answer audio ${cell(median(answers))} ms after the caller's last word (median); ${(r.wallMs / 1000).toFixed(1)} s`,
    ...(judged.length > 0
      ? [`  ${judged.length} judge checks skipped (no LLM key configured)`]
      : []),
    `  cost: ${money(cost.total, currency)} (${money(cost.perCall, currency)} a call); baseline ${money(cost.baselineTotal, currency)} (${money(cost.baselinePerCall, currency)} a call: ${cost.baseline || 'the engines used'}, no caches)`,
    `  saving: ${money(cost.savings, currency)}, ${(cost.savingsRatio * 100).toFixed(1)}% of the baseline; prices: ${cost.prices}`,
    ...(cost.routing > 0
      ? [
          `  routing classifier: ${money(cost.routing, currency)} (in the LLM cost, not in the baseline)`,
        ]
      : []),
    `  speech-to-text: ${r.stt}; answers: ${r.answerer}; data: ${r.dataDir}`,
    `  ${r.passed ? 'PASSED' : 'FAILED'}`,
    '',
  );
  return out.join('\n');
}

/** XML-escaped text for an attribute or element. */
function xml(text: string): string {
  return [...text]
    .filter((ch) => {
      const code = ch.charCodeAt(0);
      return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
    })
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** JUnit XML: one test case per checked turn and per checked call end, grouped by call. */
export function formatJunit(r: EvalResult): string {
  const suites = r.calls.map((c) => {
    const cases: string[] = [];
    for (const t of c.turns.filter((turn) => turn.checked)) {
      const name = `turn ${t.turn}: ${t.say}`;
      const time = ((t.answerMs ?? 0) / 1000).toFixed(3);
      const body =
        t.failures.length > 0
          ? `<failure message="${xml(t.failures.join('; '))}">${xml(`bot: ${t.bot}`)}</failure>`
          : t.judged === 'skipped'
            ? '<system-out>judge skipped: no LLM key configured</system-out>'
            : '';
      cases.push(
        `    <testcase classname="${xml(c.name)}" name="${xml(name)}" time="${time}">${body}</testcase>`,
      );
    }
    if (c.outcomeChecked) {
      const body =
        c.outcomeFailures.length > 0
          ? `<failure message="${xml(c.outcomeFailures.join('; '))}"/>`
          : '';
      cases.push(
        `    <testcase classname="${xml(c.name)}" name="call outcome: ${xml(c.endReason)}" time="${(c.wallMs / 1000).toFixed(3)}">${body}</testcase>`,
      );
    }
    const failures = cases.filter((x) => x.includes('<failure')).length;
    return [
      `  <testsuite name="${xml(c.name)}" tests="${cases.length}" failures="${failures}" errors="0" time="${(c.wallMs / 1000).toFixed(3)}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(r.suite)}" tests="${r.checks}" failures="${r.failures}" errors="0" time="${(r.wallMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
