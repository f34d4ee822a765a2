/**
 * The web console, served by the ops server under `/console` (same token, same interface):
 * the live calls (machine state, turn, language, latency so far), a page per call with its turn
 * waterfall, its turns (with the words only when transcripts may be kept) and its cost, and the
 * cost chart. Pages are rendered on the server; one small script (`/console/app.js`) refreshes
 * the parts marked `data-refresh` once a second. Calls that ended stay in a bounded ring so
 * their pages still open.
 *
 * @module
 */
import type { TurnTiming } from '../calls/timeline.js';
import type { CostBreakdown } from '../cost/ledger.js';
import type { CostReport } from '../cost/report.js';
import type { OpsReply, OpsRoutes } from '../ops/server.js';
import { CONSOLE_CSS, CONSOLE_SCRIPT } from './assets.js';
import { recordingReply } from './recording.js';
import { costChartSvg, esc, waterfallSvg } from './svg.js';

/** What the console shows of one call. */
export interface ConsoleCall {
  id: string;
  /** The machine's state value as leaf paths. */
  state: string;
  direction: string;
  language: string;
  /** Epoch ms. */
  startedAt: number;
  endedAt?: number;
  endReason?: string;
  /** The call's turns (words inside: shown only with `showText`). */
  turns: readonly TurnTiming[];
  cost?: CostBreakdown;
  /** The call's recording, relative to the data folder (or absolute inside it), when there is one. */
  recordingPath?: string;
}

/** Options for {@link createConsole}. */
export interface ConsoleOptions {
  /** The calls in progress. */
  live: () => readonly ConsoleCall[];
  /** Show the caller's and the bot's words (the transcript switch). Default false. */
  showText?: boolean;
  /** Ended calls kept for their pages (default 50). */
  keep?: number;
  /** The stored calls' cost report by day (`voxstate report costs`), for the costs page. */
  costReport?: () => Promise<CostReport>;
  /** The Stately inspector's page, when it is on. */
  inspectorUrl?: () => string | undefined;
  /** The data folder: recordings are served only from inside it (default `./data`). */
  dataDir?: string;
  now?: () => number;
}

/** A created console. */
export interface WebConsole {
  /** The ops server's extra routes. */
  routes: OpsRoutes;
  /** Keeps an ended call for its page (oldest dropped past `keep`). */
  ended(call: ConsoleCall): void;
  /** Ended calls kept, newest first. */
  recent(): readonly ConsoleCall[];
}

const ms = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v)}`);

function latencySoFar(call: ConsoleCall): string {
  const audio = call.turns.flatMap((t) =>
    t.first_answer_audio === undefined ? [] : [t.first_answer_audio],
  );
  if (audio.length === 0) return '–';
  const last = audio.at(-1) ?? 0;
  const mean = audio.reduce((a, b) => a + b, 0) / audio.length;
  return `${Math.round(last)} ms (mean ${Math.round(mean)})`;
}

function page(title: string, body: string, inspectorUrl?: string): OpsReply {
  const inspector = inspectorUrl
    ? ` · <a href="${esc(inspectorUrl)}" target="_blank" rel="noopener">Stately inspector</a>`
    : '';
  return {
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · voxstate</title><meta name="viewport" content="width=device-width"><link rel="stylesheet" href="/console/style.css"><script src="/console/app.js" defer></script></head><body><header><a href="/console">voxstate console</a> · <a href="/console/costs">costs</a>${inspector}</header><main>${body}</main></body></html>`,
    headers: {
      'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; media-src 'self'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  };
}

function callRows(calls: readonly ConsoleCall[], now: number, ended: boolean): string {
  if (calls.length === 0) return `<tr><td colspan="7" class="none">No call.</td></tr>`;
  return calls
    .map((c) => {
      const seconds = Math.round(((c.endedAt ?? now) - c.startedAt) / 1000);
      const state = ended ? `ended: ${c.endReason ?? '?'}` : c.state;
      return `<tr data-call="${esc(c.id)}"><td><a href="/console/calls/${encodeURIComponent(c.id)}">${esc(c.id)}</a></td><td class="state">${esc(state)}</td><td>${c.turns.at(-1)?.turn ?? 0}</td><td>${esc(c.language)}</td><td>${esc(c.direction)}</td><td>${seconds} s</td><td>${latencySoFar(c)}</td></tr>`;
    })
    .join('');
}

const TABLE_HEAD =
  '<thead><tr><th>call</th><th>state</th><th>turn</th><th>language</th><th>direction</th><th>duration</th><th>first answer audio</th></tr></thead>';

function turnTable(turns: readonly TurnTiming[], showText: boolean): string {
  const head = `<tr><th>turn</th><th>silence</th><th>filler</th><th>transcript</th><th>retrieval</th><th>first token</th><th>first audio</th><th>barge-in</th>${showText ? '<th>caller</th><th>bot</th>' : ''}</tr>`;
  const rows = turns.map(
    (t) =>
      `<tr><td>${t.turn}</td><td>${ms(t.endpointing)}</td><td>${ms(t.filler)}</td><td>${ms(t.transcript)}</td><td>${ms(t.retrieval)}</td><td>${ms(t.marks?.answer_first_piece)}</td><td>${ms(t.first_answer_audio)}</td><td>${t.bargeIn ? 'yes' : ''}</td>${showText ? `<td>${esc(t.callerText ?? '')}</td><td>${esc(t.botText ?? '')}</td>` : ''}</tr>`,
  );
  return `<table class="turns"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function costTable(cost: CostBreakdown | undefined): string {
  if (!cost) return '<p>No cost recorded.</p>';
  const f = (v: number) => `${v.toFixed(4)} ${esc(cost.currency)}`;
  const parts = (['stt', 'llm', 'tts', 'embeddings', 'realtime'] as const)
    .map((k) => `<tr><td>${k}</td><td>${f(cost[k])}</td><td>${f(cost.baseline[k])}</td></tr>`)
    .join('');
  return `<table class="cost"><thead><tr><th>part</th><th>actual</th><th>baseline</th></tr></thead><tbody>${parts}<tr class="total"><td>total</td><td>${f(cost.total)}</td><td>${f(cost.baselineTotal)}</td></tr></tbody></table>`;
}

/**
 * Creates the console.
 *
 * @example
 * ```ts
 * const web = createConsole({ live: () => handles.map(consoleCallOf), showText: false });
 * createOpsServer({ registry, token, routes: web.routes });
 * ```
 */
export function createConsole(options: ConsoleOptions): WebConsole {
  const keep = options.keep ?? 50;
  const now = options.now ?? Date.now;
  const showText = options.showText ?? false;
  const ring: ConsoleCall[] = [];
  const find = (id: string) =>
    options.live().find((c) => c.id === id) ?? ring.find((c) => c.id === id);

  const liveFragment = () => callRows(options.live(), now(), false);
  const recentFragment = () => callRows(ring, now(), true);
  const callFragment = (call: ConsoleCall) =>
    [
      `<p class="summary">state <b class="state">${esc(call.endedAt ? `ended: ${call.endReason ?? '?'}` : call.state)}</b> · ${esc(call.direction)} · ${esc(call.language)} · started ${new Date(call.startedAt).toISOString()}</p>`,
      '<h2>Turn waterfall</h2>',
      waterfallSvg(call.turns),
      '<h2>Turns</h2>',
      turnTable(call.turns, showText),
      showText
        ? ''
        : '<p class="note">Words hidden: transcripts are not kept (VOXSTATE_LOG_TRANSCRIPTS).</p>',
      '<h2>Cost</h2>',
      costTable(call.cost),
    ].join('');
  // Outside the refreshed part, so that a refresh does not restart the player.
  const player = (call: ConsoleCall) =>
    call.recordingPath
      ? `<h2>Recording</h2><audio id="recording" controls preload="metadata" src="/console/calls/${encodeURIComponent(call.id)}/recording"></audio>`
      : '';
  const costsFragment = () => {
    const calls = [...options.live(), ...ring].filter((c) => c.cost).reverse();
    const currency = calls[0]?.cost?.currency ?? 'USD';
    const total = calls.reduce((a, c) => a + (c.cost?.total ?? 0), 0);
    const base = calls.reduce((a, c) => a + (c.cost?.baselineTotal ?? 0), 0);
    const saved = base > 0 ? `, ${Math.round((1 - total / base) * 100)}% saved` : '';
    return `<p>${calls.length} calls: ${total.toFixed(4)} ${esc(currency)} against a baseline of ${base.toFixed(4)}${saved}.</p>${costChartSvg(
      calls.map((c) => ({
        label: c.id,
        actual: c.cost?.total ?? 0,
        baseline: c.cost?.baselineTotal ?? 0,
      })),
      currency,
    )}`;
  };

  const storedCosts = async (): Promise<string> => {
    if (!options.costReport) return '';
    try {
      const r = await options.costReport();
      const saved = r.baselineTotal > 0 ? `, ${Math.round(r.savingsRatio * 100)}% saved` : '';
      return `<h1>Stored calls by day</h1><p>${r.calls} calls: ${r.total.toFixed(4)} ${esc(r.currency)} against a baseline of ${r.baselineTotal.toFixed(4)}${saved}.</p><div id="stored-costs">${costChartSvg(
        r.rows.map((row) => ({ label: row.key, actual: row.total, baseline: row.baseline })),
        r.currency,
      )}</div>`;
    } catch (err) {
      return `<p class="note">The stored cost report could not be read: ${esc((err as Error).message)}</p>`;
    }
  };

  const routes: OpsRoutes = (path, _query, headers) => {
    if (path === '/console' || path === '/console/') {
      return page(
        'calls',
        `<h1>Live calls</h1><table class="calls live">${TABLE_HEAD}<tbody id="live" data-refresh="/console/fragment/live">${liveFragment()}</tbody></table><h1>Recent calls</h1><table class="calls recent">${TABLE_HEAD}<tbody id="recent" data-refresh="/console/fragment/recent">${recentFragment()}</tbody></table>`,
        options.inspectorUrl?.(),
      );
    }
    if (path === '/console/app.js')
      return { body: CONSOLE_SCRIPT, type: 'text/javascript; charset=utf-8' };
    if (path === '/console/style.css')
      return { body: CONSOLE_CSS, type: 'text/css; charset=utf-8' };
    if (path === '/console/fragment/live') return { body: liveFragment() };
    if (path === '/console/fragment/recent') return { body: recentFragment() };
    if (path === '/console/fragment/costs') return { body: costsFragment() };
    if (path === '/console/costs') {
      return storedCosts().then((stored) =>
        page(
          'costs',
          `<h1>Costs of the calls in view</h1><div id="costs" data-refresh="/console/fragment/costs">${costsFragment()}</div>${stored}`,
          options.inspectorUrl?.(),
        ),
      );
    }
    const recording = /^\/console\/calls\/([^/]+)\/recording$/.exec(path);
    if (recording?.[1]) {
      const found = find(decodeURIComponent(recording[1]));
      if (!found?.recordingPath) return { status: 404, body: '<p>No recording.</p>' };
      const range = headers?.range;
      return recordingReply(options.dataDir ?? './data', found.recordingPath, range);
    }
    const call = /^\/console\/(calls|fragment\/call)\/([^/]+)$/.exec(path);
    if (call?.[2]) {
      const id = decodeURIComponent(call[2]);
      const found = find(id);
      if (!found)
        return { status: 404, body: `<p>No call ${esc(id)} (ended calls are kept ${keep}).</p>` };
      if (call[1] !== 'calls') return { body: callFragment(found) };
      return page(
        `call ${id}`,
        `<h1>Call ${esc(id)}</h1>${player(found)}<div id="call" data-refresh="/console/fragment/call/${encodeURIComponent(id)}">${callFragment(found)}</div>`,
        options.inspectorUrl?.(),
      );
    }
    return undefined;
  };

  return {
    routes,
    ended(call) {
      ring.unshift(call);
      if (ring.length > keep) ring.length = keep;
    },
    recent: () => ring,
  };
}
