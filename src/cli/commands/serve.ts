/**
 * `voxstate serve`: answers calls from Asterisk until SIGTERM or SIGINT. Every setting comes
 * from the environment (docs/configuration.md; secrets only there); `--inspect` turns the
 * Stately inspector on. A wrong setting prints one line naming the variable and exits 1; a
 * shutdown drains calls in progress (`VOXSTATE_DRAIN_MS`), flushes call records and exits 0.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import { parseArgs } from 'node:util';
import { VoxstateError } from '../../errors.js';
import { serve } from '../../runtime/serve.js';

const USAGE = `usage: voxstate serve [options]

Answers calls from Asterisk (ARI) until SIGTERM/SIGINT, with the operations server
(/metrics, /healthz, /readyz, /calls). Configuration: environment variables, see
docs/configuration.md (VOXSTATE_ARI_URL, VOXSTATE_ARI_USER, VOXSTATE_ARI_PASSWORD,
VOXSTATE_ARI_APP, VOXSTATE_OPS_HOST, VOXSTATE_OPS_PORT, VOXSTATE_OPS_TOKEN, VOXSTATE_DRAIN_MS...).

  --inspect[=port]   watch live calls in the Stately inspector (default port 8080, loopback)
  --inspect-pii      let transcripts and phone numbers through to the inspector (dev only)
  -h, --help         show this help
`;

/** Where `voxstate serve` writes and what it reads; tests pass their own. */
export interface ServeCommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Source of SIGTERM/SIGINT; default `process`. */
  emitter?: EventEmitter;
}

const INSPECT_ARG = /^--inspect(?:-pii)?(?:=.*)?$/;

/** `voxstate serve`; resolves with the exit code once the server has shut down. */
export async function run(
  argv: string[],
  io: ServeCommandIo = { out: process.stdout, err: process.stderr, env: process.env },
): Promise<number> {
  let help = false;
  try {
    ({
      values: { help = false },
    } = parseArgs({
      args: argv.filter((a) => !INSPECT_ARG.test(a)),
      options: { help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    io.err.write(`voxstate serve: ${(err as Error).message}\n`);
    return 1;
  }
  if (help) {
    io.out.write(USAGE);
    return 0;
  }
  try {
    const server = await serve({
      env: io.env,
      argv,
      ...(io.emitter ? { emitter: io.emitter } : {}),
    });
    let failed = false;
    server.telephony.catch((err: unknown) => {
      failed = true;
      io.err.write(`voxstate serve: ${(err as Error).message}\n`);
    });
    const result = await server.done;
    return failed || Object.values(result.flushed).some((v) => v !== 'ok') ? 1 : 0;
  } catch (err) {
    if (!(err instanceof VoxstateError) || io.env.VOXSTATE_DEBUG) throw err;
    io.err.write(`voxstate serve: ${err.message}\n`);
    return 1;
  }
}
