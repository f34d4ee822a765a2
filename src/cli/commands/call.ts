/**
 * `voxstate call <endpoint>`: places one outbound call through ARI with the same runtime that
 * `voxstate serve` runs (with answering-machine detection when `VOXSTATE_AMD` is on), lets the
 * bot speak first, prints the outcome when the call ends and exits. SIGINT/SIGTERM hang the
 * call up (or, before it is placed, stop the start-up); a failure at any step closes everything
 * it opened and exits 1.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import { AbortedError } from '../../errors.js';
import type { AmdOutcome } from '../../runtime/outbound-amd.js';
import { type StartVoxstateOptions, startVoxstate, type Voxstate } from '../../runtime/start.js';
import { createCallInspector, inspectorOptions } from '../../telemetry/inspector.js';
import { routeConsoleToLogger } from '../console-to-log.js';
import {
  type CommandSpec,
  commandLogger,
  numberOption,
  type OptionValues,
  parseCommand,
  reportErrors,
  UsageError,
} from '../io.js';

/** The options of `voxstate call` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'call',
  usage: ['voxstate call <endpoint> [options]'],
  description:
    'Places an outbound call through Asterisk (ARI), e.g. voxstate call PJSIP/1000; the bot speaks\n' +
    'first (with VOXSTATE_AMD=true it first tells a person from an answering machine, see\n' +
    'docs/actions.md). Configuration: environment variables, as for voxstate serve\n' +
    '(docs/configuration.md).\n' +
    'The outcome goes to stdout; warnings go to stderr.',
  options: {
    purpose: { type: 'string', value: '<text>', help: 'why the bot calls (given to its prompt)' },
    'caller-id': {
      type: 'string',
      value: '<id>',
      help: `caller ID shown to the callee, e.g. '"Clinic" <100>'`,
    },
    timeout: {
      type: 'string',
      value: '<s>',
      help: 'seconds to wait for an answer and for ARI to connect (at least 5 s; default 30)',
    },
    json: { type: 'boolean', help: 'print only the outcome, as one JSON object' },
    inspect: {
      type: 'boolean',
      value: '[=port]',
      optionalValue: true,
      help: 'watch the call in the Stately inspector',
    },
    'inspect-pii': {
      type: 'boolean',
      help: 'let transcripts and phone numbers through to the inspector (dev only)',
    },
  },
} satisfies CommandSpec;

/** What `voxstate call` prints. */
export interface CallOutcome {
  endpoint: string;
  callId: string;
  endReason: string;
  turns: number;
  bargeIns: number;
  durationMs: number;
  cost: number;
  /** Answering-machine detection (`VOXSTATE_AMD`): the result and what was done. */
  amd?: AmdOutcome;
}

/** Where `voxstate call` writes and what it reads; tests pass their own. */
export interface CallCommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Source of SIGINT/SIGTERM; default `process`. */
  emitter?: EventEmitter;
  /** Extra start options (tests: `configure`-like overrides of the runtime options). */
  start?: Partial<StartVoxstateOptions>;
}

/** Shortest time given to the ARI connection attempts, whatever `--timeout` says, ms. */
const MIN_CONNECT_MS = 5_000;

function format(o: CallOutcome): string {
  return (
    `call to ${o.endpoint} (${o.callId}): ended by ${o.endReason} after ${o.turns} ` +
    `turn${o.turns === 1 ? '' : 's'}, ${(o.durationMs / 1000).toFixed(1)} s` +
    `${o.bargeIns ? `, ${o.bargeIns} barge-in${o.bargeIns === 1 ? '' : 's'}` : ''}; ` +
    `cost ${o.cost.toFixed(4)}` +
    `${o.amd ? `; AMD ${o.amd.status} (${o.amd.cause}), ${amdAction(o.amd)}` : ''}\n`
  );
}

function amdAction(amd: AmdOutcome): string {
  if (amd.action === 'message') return `message left after the ${amd.messageAt ?? 'greeting'}`;
  if (amd.action === 'hangup') return 'hung up on the machine';
  if (amd.action === 'none') return 'the callee hung up';
  return 'call went on';
}

/** `voxstate call`; resolves with the exit code once the call has ended. */
export async function run(
  argv: string[],
  io: CallCommandIo = { out: process.stdout, err: process.stderr, env: process.env },
): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const emitter = io.emitter ?? process;
  return reportErrors('call', io, () => placeCall(argv, values, positionals, io, emitter), io.env);
}

async function placeCall(
  argv: string[],
  values: OptionValues<(typeof SPEC)['options']>,
  positionals: string[],
  io: CallCommandIo,
  emitter: EventEmitter,
): Promise<number> {
  const [endpoint, ...extra] = positionals;
  if (!endpoint || extra.length > 0) {
    throw new UsageError('give exactly one endpoint to call, e.g. voxstate call PJSIP/1000');
  }
  const timeoutSec =
    numberOption(values, 'timeout', {
      min: Number.MIN_VALUE,
      what: 'a positive number of seconds',
    }) ?? 30;
  const inspectOpts = inspectorOptions(argv, io.env);
  // The outcome goes to stdout; logs (and third-party console output) to stderr, quiet unless asked.
  const logger = commandLogger(io, io.env);
  const restoreConsole = routeConsoleToLogger(logger);
  try {
    const inspector = inspectOpts ? await createCallInspector(inspectOpts) : undefined;
    // A signal before the call is placed stops the start-up (model loads, ARI retries) cleanly.
    const startup = new AbortController();
    const stopStartup = (signal: string) => () => {
      if (startup.signal.aborted && emitter === process) process.exit(130);
      startup.abort(new AbortedError(`call to ${endpoint} (${signal})`));
    };
    const onStartupSigint = stopStartup('SIGINT');
    const onStartupSigterm = stopStartup('SIGTERM');
    emitter.on('SIGINT', onStartupSigint);
    emitter.on('SIGTERM', onStartupSigterm);
    try {
      if (inspector)
        io.err.write(`Stately inspector: open ${inspector.pageUrl ?? inspector.url}\n`);
      let vox: Voxstate;
      try {
        vox = await startVoxstate({
          env: io.env,
          // --timeout bounds the ARI connection attempts as well as the ringing.
          connectDeadlineMs: Math.max(timeoutSec * 1000, MIN_CONNECT_MS),
          signal: startup.signal,
          ...io.start,
          runtime: {
            logger,
            ...io.start?.runtime,
            ...(inspector ? { inspect: inspector.inspect } : {}),
          },
        });
      } finally {
        emitter.off('SIGINT', onStartupSigint);
        emitter.off('SIGTERM', onStartupSigterm);
      }
      const onSignal = () => void vox.close();
      emitter.once('SIGINT', onSignal);
      emitter.once('SIGTERM', onSignal);
      try {
        const started = Date.now();
        const placed = await vox.dial(endpoint, {
          timeoutSec,
          ...(values.purpose ? { purpose: values.purpose } : {}),
          ...(values['caller-id'] ? { callerId: values['caller-id'] } : {}),
        });
        const output = await placed.done;
        const outcome: CallOutcome = {
          endpoint,
          callId: placed.id,
          endReason: output.endReason,
          turns: output.turns,
          bargeIns: output.bargeIns,
          durationMs: Date.now() - started,
          cost: placed.handle?.session.ledger.breakdown().total ?? 0,
          ...(placed.amd ? { amd: placed.amd } : {}),
        };
        io.out.write(values.json ? `${JSON.stringify(outcome)}\n` : format(outcome));
        return 0;
      } finally {
        emitter.off('SIGINT', onSignal);
        emitter.off('SIGTERM', onSignal);
        await vox.close();
      }
    } finally {
      await inspector?.stop();
    }
  } finally {
    restoreConsole();
  }
}
