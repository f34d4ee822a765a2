/**
 * `voxstate call <endpoint>`: places one outbound call through ARI with the same runtime that
 * `voxstate serve` runs, lets the bot speak first, prints the outcome when the call ends and
 * exits. SIGINT/SIGTERM hang the call up.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import { parseArgs } from 'node:util';
import { ConfigError, VoxstateError } from '../../errors.js';
import { type StartVoxstateOptions, startVoxstate } from '../../runtime/start.js';
import { createCallInspector, inspectorOptions } from '../../telemetry/inspector.js';
import { createLogger, logPiiFromEnv } from '../../telemetry/logger.js';

const USAGE = `usage: voxstate call <endpoint> [options]

Places an outbound call through Asterisk (ARI), e.g. voxstate call PJSIP/1000; the bot speaks
first. Configuration: environment variables, as for voxstate serve (docs/configuration.md).

  --purpose <text>     why the bot calls (given to its prompt)
  --caller-id <id>     caller ID shown to the callee, e.g. '"Clinic" <100>'
  --timeout <s>        seconds to wait for an answer (default 30)
  --json               print the outcome as one JSON object
  --inspect[=port]     watch the call in the Stately inspector
  --inspect-pii        let transcripts and phone numbers through to the inspector (dev only)
  -h, --help           show this help
`;

/** What `voxstate call` prints. */
export interface CallOutcome {
  endpoint: string;
  callId: string;
  endReason: string;
  turns: number;
  bargeIns: number;
  durationMs: number;
  cost: number;
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

const INSPECT_ARG = /^--inspect(?:-pii)?(?:=.*)?$/;

function format(o: CallOutcome): string {
  return (
    `call to ${o.endpoint} (${o.callId}): ended by ${o.endReason} after ${o.turns} ` +
    `turn${o.turns === 1 ? '' : 's'}, ${(o.durationMs / 1000).toFixed(1)} s` +
    `${o.bargeIns ? `, ${o.bargeIns} barge-in${o.bargeIns === 1 ? '' : 's'}` : ''}; ` +
    `cost ${o.cost.toFixed(4)}\n`
  );
}

/** `voxstate call`; resolves with the exit code once the call has ended. */
export async function run(
  argv: string[],
  io: CallCommandIo = { out: process.stdout, err: process.stderr, env: process.env },
): Promise<number> {
  let values: {
    purpose?: string;
    'caller-id'?: string;
    timeout?: string;
    json?: boolean;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv.filter((a) => !INSPECT_ARG.test(a)),
      allowPositionals: true,
      options: {
        purpose: { type: 'string' },
        'caller-id': { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.err.write(`voxstate call: ${(err as Error).message}\n`);
    return 1;
  }
  if (values.help) {
    io.out.write(USAGE);
    return 0;
  }
  const emitter = io.emitter ?? process;
  try {
    const [endpoint, ...extra] = positionals;
    if (!endpoint || extra.length > 0) {
      throw new ConfigError('give exactly one endpoint to call, e.g. voxstate call PJSIP/1000');
    }
    const timeoutSec = values.timeout === undefined ? 30 : Number(values.timeout);
    if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) {
      throw new ConfigError(
        `--timeout must be a positive number of seconds, got "${values.timeout}"`,
      );
    }
    const inspectOpts = inspectorOptions(argv, io.env);
    // The outcome goes to stdout: logs stay quiet unless asked for.
    const logger = createLogger({
      level: io.env.VOXSTATE_LOG_LEVEL || 'warn',
      redact: !logPiiFromEnv(io.env),
    });
    const inspector = inspectOpts ? await createCallInspector(inspectOpts) : undefined;
    try {
      if (inspector)
        io.err.write(`Stately inspector: open ${inspector.pageUrl ?? inspector.url}\n`);
      const vox = await startVoxstate({
        env: io.env,
        ...io.start,
        runtime: {
          logger,
          ...io.start?.runtime,
          ...(inspector ? { inspect: inspector.inspect } : {}),
        },
      });
      const onSignal = () => void vox.close();
      emitter.once('SIGINT', onSignal);
      emitter.once('SIGTERM', onSignal);
      try {
        const started = Date.now();
        const handle = await vox.originate(endpoint, {
          timeoutSec,
          ...(values.purpose ? { purpose: values.purpose } : {}),
          ...(values['caller-id'] ? { callerId: values['caller-id'] } : {}),
        });
        const output = await handle.done;
        const outcome: CallOutcome = {
          endpoint,
          callId: handle.id,
          endReason: output.endReason,
          turns: output.turns,
          bargeIns: output.bargeIns,
          durationMs: Date.now() - started,
          cost: handle.session.ledger.breakdown().total,
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
  } catch (err) {
    if (!(err instanceof VoxstateError) || io.env.VOXSTATE_DEBUG) throw err;
    io.err.write(`voxstate call: ${err.message}\n`);
    return 1;
  }
}
