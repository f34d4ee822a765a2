/**
 * `voxstate demo`: the runtime, the simulated Asterisk and one scripted caller, on this machine
 * with no phone system and no API keys. It ingests the sample knowledge base into its own data
 * folder (`.voxstate/demo` in the current directory, never `VOXSTATE_DATA_DIR`), places the
 * call, prints each turn as it completes (latencies from the caller's last word, what the
 * caller and the bot said), a summary when the call has ended, and writes the call's two-sided
 * audio to a WAV file. It exits as soon as the call is over.
 *
 * Without Whisper weights in the model folder the demo uses the simulator's script text as the
 * transcript (`--stt=script`, labelled in the output); with them, the real Whisper path runs.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ParseError, TimeoutError } from '../../errors.js';
import type { SttChoice } from '../../runtime/config.js';
import type { CallHandle } from '../../runtime/runtime.js';
import { Runtime } from '../../runtime/runtime.js';
import { sandboxSettings } from '../../runtime/sandbox.js';
import type { CallerScript } from '../../simulator/caller-script.js';
import { parseCallerScript } from '../../simulator/script-file.js';
import { connectSimulatedLine, ingestSampleKnowledge } from '../../simulator/simulated-line.js';
import type { Logger } from '../../telemetry/logger.js';
import {
  type DemoResult,
  type DemoTurn,
  demoTurn,
  formatHeader,
  formatSummary,
  formatTurn,
} from '../demo-report.js';
import {
  type CommandIo,
  type CommandSpec,
  commandLogger,
  parseCommand,
  processIo,
  reportErrors,
  UsageError,
} from '../io.js';

export type { DemoResult, DemoTurn } from '../demo-report.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The demo's own data folder, relative to the current directory. */
export const DEMO_DATA_DIR = '.voxstate/demo';

/** The options of `voxstate demo` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'demo',
  usage: ['voxstate demo [options]'],
  description:
    'One scripted call on the simulated Asterisk, answered from the sample knowledge base;\n' +
    `the demo keeps its data in ${DEMO_DATA_DIR} (VOXSTATE_DATA_DIR is not touched).`,
  options: {
    script: {
      type: 'string',
      value: '<file>',
      help: 'caller script (default examples/calls/demo-en.json)',
    },
    language: {
      type: 'string',
      value: '<code>',
      help: "the call's language (default: the script's, else en)",
    },
    stt: {
      type: 'string',
      value: '<engine>',
      help: 'whisper | script (default: whisper when its model is present, else script)',
    },
    out: {
      type: 'string',
      value: '<file.wav>',
      help: 'where to write the call audio (default recordings/demo.wav)',
    },
    'data-dir': {
      type: 'string',
      value: '<dir>',
      help: `the demo's data folder (default ${DEMO_DATA_DIR})`,
    },
    json: { type: 'boolean', help: 'print only the result, as one JSON object' },
  },
} satisfies CommandSpec;

/** The longest a demo call may last before it is hung up. */
const CALL_DEADLINE_MS = 120_000;
/** How long the runtime may take to finish a call after the caller hung up. */
const WIND_DOWN_MS = 5_000;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  script?: string;
  language?: string;
  stt?: SttChoice;
  out?: string;
  /** The demo's data folder (default {@link DEMO_DATA_DIR}). */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Called once the runtime is built, before the call. */
  onStart?: (info: Pick<DemoResult, 'stt' | 'answerer' | 'dataDir'>) => void;
  /** Called as each turn completes. */
  onTurn?: (turn: DemoTurn) => void;
}

/** Resolves true when `promise` settles within `ms`, false otherwise; the timer is cleared. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function readScript(path: string): Promise<CallerScript> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the caller script ${path}${code === 'ENOENT' ? ': no such file' : `: ${(err as Error).message}`}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ParseError(path, `the caller script is not valid JSON (${(err as Error).message})`);
  }
  return parseCallerScript(value, path);
}

/** Reports each turn of `handle` once, when it completes; `finish()` reports the rest. */
function watchTurns(
  handle: CallHandle,
  scriptText: (turn: number) => string | undefined,
  onTurn: (turn: DemoTurn) => void,
): { finish(): DemoTurn[] } {
  const reported: DemoTurn[] = [];
  let last = 0;
  const report = (upTo: number) => {
    for (const t of handle.session.timeline.turns()) {
      if (t.turn <= last || t.turn > upTo) continue;
      last = t.turn;
      const turn = demoTurn(t, scriptText(t.turn));
      reported.push(turn);
      onTurn(turn);
    }
  };
  let progress = 0;
  const subscription = handle.actor.subscribe((snapshot) => {
    const latest = handle.session.timeline.turns().at(-1)?.turn ?? 0;
    const done = snapshot.context.turns + snapshot.context.bargeIns;
    // An answer finished or was interrupted: the latest turn is complete; else the earlier ones.
    report(done !== progress ? latest : latest - 1);
    progress = done;
  });
  return {
    finish() {
      subscription.unsubscribe();
      report(Number.POSITIVE_INFINITY);
      return reported;
    },
  };
}

/** Runs the demo call and returns what it measured. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const userEnv = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? DEMO_DATA_DIR);
  // The demo's own folder and Redis keys: a user's knowledge base and queues stay untouched.
  const { base, stt } = sandboxSettings(userEnv, dataDir, 'demo', options.stt);
  const scriptPath = resolve(options.script ?? join(ROOT, 'examples/calls/demo-en.json'));
  const script = await readScript(scriptPath);
  const language = options.language ?? script.lang?.slice(0, 2) ?? 'en';
  await mkdir(dataDir, { recursive: true });
  const runtime = await Runtime.create({
    config: { ...base, stt, speech: { ...base.speech, languages: [language] } },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  try {
    // The runtime has said already what the knowledge base lacks (no embedding model...).
    await ingestSampleKnowledge(runtime, runtime.logger.child({}, { level: 'error' }));
    options.onStart?.({ stt, answerer: runtime.answerer.kind, dataDir });
    const line = await connectSimulatedLine(runtime);
    try {
      const { sim: simCall, handle } = await line.placeCall(script, {
        language,
        callerNumber: '+15550100',
      });
      const scriptText = (turn: number) => simCall.recording.turns()[turn - 1]?.text;
      const watch = watchTurns(handle, scriptText, options.onTurn ?? (() => {}));
      if (!(await within(simCall.ended, CALL_DEADLINE_MS))) {
        runtime.logger.warn(`the call did not end within ${CALL_DEADLINE_MS / 1000} s: hanging up`);
        simCall.hangup();
      }
      if (!(await within(handle.done, WIND_DOWN_MS))) {
        handle.actor.send({ type: 'media.hangup', reason: 'demo deadline' });
        if (!(await within(handle.done, WIND_DOWN_MS))) {
          throw new TimeoutError('ending the demo call', 2 * WIND_DOWN_MS);
        }
      }
      const output = await handle.done;
      const turns = watch.finish();
      const cost = handle.session.ledger.breakdown();
      const wav = resolve(options.out ?? 'recordings/demo.wav');
      await mkdir(dirname(wav), { recursive: true });
      await writeFile(wav, simCall.recording.toWav('mix'));
      return {
        stt,
        answerer: runtime.answerer.kind,
        endReason: output.endReason,
        greetingMs: handle.session.timeline.greetingLatencyMs,
        turns,
        wav,
        dataDir,
        costTotal: cost.total,
        cost: {
          total: cost.total,
          baselineTotal: cost.baselineTotal,
          currency: cost.currency,
          prices: runtime.config.prices.source,
          baseline: Object.entries(runtime.config.prices.baseline)
            .map(([kind, name]) => `${kind}: ${name}`)
            .join(', '),
        },
      };
    } finally {
      await line.close();
    }
  } finally {
    await runtime.close();
  }
}

/** `voxstate demo`; resolves with the exit code. */
export async function run(
  argv: string[],
  io: CommandIo = processIo(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  return reportErrors('demo', io, async () => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { stt } = values;
    if (stt !== undefined && stt !== 'whisper' && stt !== 'script') {
      throw new UsageError(`--stt must be "whisper" or "script", got "${stt}"`);
    }
    const json = values.json === true;
    const result = await runDemo({
      ...(values.script ? { script: values.script } : {}),
      ...(values.language ? { language: values.language } : {}),
      ...(stt ? { stt: stt as SttChoice } : {}),
      ...(values.out ? { out: values.out } : {}),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      env,
      logger: commandLogger(io, env),
      ...(json
        ? {}
        : {
            onStart: (info) => io.out.write(formatHeader(info)),
            onTurn: (turn) => io.out.write(formatTurn(turn)),
          }),
    });
    io.out.write(json ? `${JSON.stringify(result)}\n` : formatSummary(result));
    return 0;
  });
}
