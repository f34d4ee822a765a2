import { describe, expect, it } from 'vitest';
import { emptyBreakdown } from '../../src/cost/ledger.js';
import { DEFAULT_PRICES } from '../../src/cost/prices.js';
import { summarizeCost } from '../../src/evals/cost-summary.js';
import { formatJunit, formatTable } from '../../src/evals/report.js';
import type { CallResult, EvalResult } from '../../src/evals/results.js';

/**
 * Checks that `text` is well-formed XML (one root, tags nested and closed, attributes quoted,
 * only the five predefined entities), returning the element names in document order.
 */
function wellFormed(text: string): string[] {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<\/?([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  for (m = token.exec(body); m; m = token.exec(body)) {
    end = token.lastIndex;
    const [whole, name, attrs = '', selfClosing, chars] = m;
    const raw = chars ?? attrs;
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(raw)) throw new Error(`bad entity in ${whole}`);
    if (chars !== undefined) {
      if (stack.length === 0 && chars.trim() !== '') throw new Error('text outside the root');
      continue;
    }
    if (whole.startsWith('</')) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    names.push(name as string);
    if (!selfClosing) stack.push(name as string);
  }
  if (end !== body.length) throw new Error(`cannot parse at ${body.slice(end, end + 40)}`);
  if (stack.length > 0 || roots !== 1) throw new Error('not one closed root');
  return names;
}

function call(name: string, failures: string[], outcomeFailures: string[] = []): CallResult {
  const cost = emptyBreakdown('USD');
  cost.baselineTotal = 0.004;
  cost.baseline.stt = 0.004;
  return {
    index: 0,
    number: 1,
    name,
    language: 'en',
    endReason: 'hangup',
    transferred: false,
    answeredTurns: 1,
    timedOut: false,
    wallMs: 9_000,
    turns: [
      {
        turn: 1,
        say: 'Do you sell "pies" & <cakes>?',
        bot: 'Yes & no <sometimes>',
        answerMs: 1_500,
        passages: [],
        checked: true,
        failures,
      },
      { turn: 2, say: 'Thanks', bot: '', passages: [], checked: false, failures: [] },
    ],
    outcomeChecked: true,
    outcomeFailures,
    passed: failures.length === 0 && outcomeFailures.length === 0,
    cost,
  };
}

function result(calls: CallResult[]): EvalResult {
  const failures = calls.reduce(
    (n, c) =>
      n + c.turns.filter((t) => t.failures.length).length + (c.outcomeFailures.length ? 1 : 0),
    0,
  );
  return {
    suite: 'bakery & co',
    stt: 'script',
    answerer: 'offline',
    dataDir: '.voxstate/eval',
    calls,
    checks: calls.length * 2,
    failures,
    passed: failures === 0,
    cost: summarizeCost(calls, DEFAULT_PRICES),
    wallMs: 20_000,
  };
}

describe('eval reports', () => {
  it('JUnit: well-formed, one test case per checked turn and call end, failures with their reason', () => {
    const r = result([
      call('en: hours', []),
      call(
        'en: "wrong" <answer>',
        ['answer does not contain "10 km"'],
        ['ended by error, expected hangup'],
      ),
    ]);
    const xml = formatJunit(r);
    const names = wellFormed(xml);
    expect(names.filter((n) => n === 'testcase')).toHaveLength(4);
    expect(names.filter((n) => n === 'failure')).toHaveLength(2);
    expect(xml).toContain('<testsuites name="bakery &amp; co" tests="4" failures="2"');
    expect(xml).toContain('failure message="answer does not contain &quot;10 km&quot;"');
    expect(xml).toContain('name="turn 1: Do you sell &quot;pies&quot; &amp; &lt;cakes&gt;?"');
  });

  it('the table lists the failures under their call and the cost against the baseline', () => {
    const text = formatTable(
      result([
        call('en: hours', []),
        { ...call('en: wrong', ['answer audio 2400 ms > 1500 ms']), number: 12 },
      ]),
    );
    // The call's number in the suite comes first: what `--only 12` selects.
    expect(text).toMatch(/^\s+1\s+ok\s+en: hours/m);
    expect(text).toMatch(/^\s+12\s+FAIL\s+en: wrong/m);
    expect(text).toContain(
      'turn 1 "Do you sell "pies" & <cakes>?": answer audio 2400 ms > 1500 ms',
    );
    expect(text).toContain('cost: 0.0000 USD');
    expect(text).toContain(
      'baseline 0.00800 USD (0.00400 USD a call: stt: cloud, llm: claude-sonnet-4-5, no caches)',
    );
    expect(text).toContain('saving: 0.00800 USD, 100.0% of the baseline');
    expect(text).not.toContain('routing classifier');
    expect(text).toMatch(/FAILED\n$/);
  });

  it("sums the routing classifier's ledger lines and shows them beside the saving", () => {
    const charged = call('en: unsure', []);
    charged.cost.llm = 0.0005;
    charged.cost.total = 0.0005;
    charged.cost.byModel = { 'llm:routing:gpt-4o-mini': 0.0001, 'llm:gpt-4o': 0.0004 };
    const r = result([charged, call('en: cached', [])]);
    expect(r.cost.routing).toBeCloseTo(0.0001, 12);
    expect(r.cost.byComponent.llm?.total).toBeCloseTo(0.0005, 12);
    expect(formatTable(r)).toContain(
      'routing classifier: 0.00010 USD (in the LLM cost, not in the baseline)',
    );
  });
});
