/**
 * Live calls in the Stately inspector. Off by default; `--inspect` (or `VOXSTATE_INSPECT=1`)
 * turns it on. {@link createCallInspector} starts the local bridge server and returns an
 * `inspect` observer to attach to every call actor with `createActor(machine, { inspect })`.
 *
 * Everything the inspector receives goes through the sanitizers of `inspector-sanitize.ts`:
 * transcripts, phone numbers and DTMF digits are removed unless `allowPersonalData` is true
 * (`--inspect-pii` / `VOXSTATE_INSPECT_PII=1`, a development machine only); secrets always.
 * See docs/inspector.md.
 *
 * @module
 */
import { createInspector } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import { type RawEnv, readEnv } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import {
  type SanitizeOptions,
  sanitizeContext,
  sanitizeEvent,
  sanitizeInspectionEvent,
} from './inspector-sanitize.js';
import { startInspectorServer } from './inspector-server.js';
import { InspectorSocket } from './inspector-socket.js';

/** Options of {@link createCallInspector}. */
export interface CallInspectorOptions {
  /**
   * Where to send inspection events (a WebSocket URL). Default: the bridge server started here.
   */
  url?: string;
  /** Port of the bridge server; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface the bridge server listens on. Default `127.0.0.1`. */
  host?: string;
  /** Keep transcripts, phone numbers and DTMF digits. Default false. Secrets are removed anyway. */
  allowPersonalData?: boolean;
  /** Start the bridge server. Default: true unless `url` is given. */
  startServer?: boolean;
  /** The inspector UI the bridge page embeds. Default `https://stately.ai/inspect`. */
  inspectorUrl?: string;
  /** Wait before reconnecting to `url` after losing it, ms. Default 2,000. */
  reconnectMs?: number;
}

/** A running call inspector. */
export interface CallInspector {
  /** Pass to `createActor(machine, { inspect })` for every call actor. */
  inspect: Observer<InspectionEvent>;
  /** Where inspection events are sent. */
  url: string;
  /** The page to open in a browser, when the bridge server runs here. */
  pageUrl: string | undefined;
  /** True when personal data is let through. */
  allowPersonalData: boolean;
  /** Resolves once the connection to `url` is open. */
  connected(): Promise<void>;
  /** Disconnects and stops the bridge server. Idempotent. */
  stop(): Promise<void>;
}

function flag(argv: readonly string[], name: string): string | true | undefined {
  for (const arg of argv) {
    if (arg === name) return true;
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/** True when the inspector was asked for: `--inspect[=port]` or `VOXSTATE_INSPECT=1`. */
export function inspectorEnabled(argv: readonly string[], env: RawEnv): boolean {
  if (flag(argv, '--inspect') !== undefined) return true;
  return readEnv(env, ['VOXSTATE_INSPECT']).VOXSTATE_INSPECT;
}

/**
 * The inspector options asked for on the command line and in the environment, or `undefined`
 * when the inspector is off. `--inspect=<port>` / `VOXSTATE_INSPECT_PORT` set the port,
 * `VOXSTATE_INSPECT_HOST` the interface, and `--inspect-pii` / `VOXSTATE_INSPECT_PII=1` let
 * personal data through.
 *
 * @throws {ConfigError} on a port that is not a number from 0 to 65535.
 */
export function inspectorOptions(
  argv: readonly string[],
  env: RawEnv,
): CallInspectorOptions | undefined {
  const c = readEnv(env, [
    'VOXSTATE_INSPECT',
    'VOXSTATE_INSPECT_PORT',
    'VOXSTATE_INSPECT_HOST',
    'VOXSTATE_INSPECT_PII',
  ]);
  if (flag(argv, '--inspect') === undefined && !c.VOXSTATE_INSPECT) return undefined;
  const options: CallInspectorOptions = {};
  const fromFlag = flag(argv, '--inspect');
  if (typeof fromFlag === 'string') {
    const n = Number(fromFlag);
    if (!/^\d+$/.test(fromFlag) || n > 65_535) {
      throw new ConfigError(
        `--inspect: the inspector port must be a number from 0 to 65535, got "${fromFlag}"`,
      );
    }
    options.port = n;
  } else if (c.VOXSTATE_INSPECT_PORT !== undefined) {
    options.port = c.VOXSTATE_INSPECT_PORT;
  }
  if (c.VOXSTATE_INSPECT_HOST) options.host = c.VOXSTATE_INSPECT_HOST;
  options.allowPersonalData = flag(argv, '--inspect-pii') !== undefined || c.VOXSTATE_INSPECT_PII;
  return options;
}

/**
 * Starts the inspector: the bridge server (unless `url` points elsewhere) and a sanitizing
 * WebSocket inspector. Attach its `inspect` observer to each call actor.
 *
 * @throws {ConfigError} when the bridge server's port is taken.
 * @example
 * ```ts
 * const opts = inspectorOptions(process.argv, process.env);
 * const inspector = opts ? await createCallInspector(opts) : undefined;
 * if (inspector) log.info(`Stately inspector: open ${inspector.pageUrl}`);
 * const call = createActor(machine, { input, inspect: inspector?.inspect });
 * // on shutdown
 * await inspector?.stop();
 * ```
 */
export async function createCallInspector(
  options: CallInspectorOptions = {},
): Promise<CallInspector> {
  const startServer = options.startServer ?? options.url === undefined;
  const server = startServer
    ? await startInspectorServer({
        ...(options.port === undefined ? {} : { port: options.port }),
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.inspectorUrl === undefined ? {} : { inspectorUrl: options.inspectorUrl }),
      })
    : undefined;
  const url = options.url ?? server?.wsUrl ?? `ws://127.0.0.1:${options.port ?? 8080}`;
  const allowPersonalData = options.allowPersonalData === true;
  const policy: SanitizeOptions = { allowPersonalData };

  const socket = new InspectorSocket({
    url,
    ...(options.reconnectMs === undefined ? {} : { reconnectMs: options.reconnectMs }),
  });
  const inspector = createInspector(socket, {
    sanitizeContext: (context) => sanitizeContext(context, policy),
    sanitizeEvent: (event) => sanitizeEvent(event, policy),
    // The two hooks above do not reach child actors' `input` and `output`, which carry the
    // query, the history and the transcript; this pass covers the whole event.
    serialize: (event) => sanitizeInspectionEvent(event, policy),
  });
  inspector.start();

  let stopping: Promise<void> | undefined;
  return {
    inspect: inspector.inspect,
    url,
    pageUrl: server?.pageUrl,
    allowPersonalData,
    connected: () => socket.opened(),
    stop() {
      stopping ??= (async () => {
        await socket.close();
        await server?.stop();
      })();
      return stopping;
    },
  };
}
