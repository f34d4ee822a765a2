/**
 * Answering-machine detection on outbound calls (`VOXSTATE_AMD`): the callee's first seconds go
 * to {@link AnsweringMachineDetector} before the call machine starts; a person (or NOTSURE)
 * gets the call as usual, a machine is hung up on or, after its beep (or the silence after its
 * greeting), hears the configured message.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { CallEventLog } from '../calllog/call-log.js';
import type { CallEndpoint } from '../calls/session.js';
import type { Config } from '../config/schema.js';
import { emptyBreakdown } from '../cost/ledger.js';
import type { CallRecord } from '../cost/store.js';
import { ConfigError } from '../errors.js';
import {
  type AmdParams,
  type AmdResult,
  type AmdStatus,
  AnsweringMachineDetector,
  amdParamsFromDialplan,
  type MessagePoint,
  MessagePointDetector,
  samplesOf,
} from '../media/amd/index.js';
import type { Speech } from '../speech/create-speech.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { CallHandle, Runtime } from './runtime.js';

/** What to do with an answering machine. */
export type AmdOnMachine = 'message' | 'hangup';

/** Answering-machine detection settings (`VOXSTATE_AMD_*`). */
export interface AmdConfig {
  enabled: boolean;
  params: AmdParams;
  noiseFloor: boolean;
  beep: boolean;
  onMachine: AmdOnMachine;
  /** Left on a machine when `onMachine` is `message`. */
  message: string | undefined;
}

/** The AMD configuration from the parsed environment; `message` mode needs a message. */
export function amdConfig(c: Config): AmdConfig {
  const onMachine = c.VOXSTATE_AMD_ON_MACHINE;
  const message = c.VOXSTATE_AMD_MESSAGE?.trim() || undefined;
  if (c.VOXSTATE_AMD && onMachine === 'message' && !message) {
    throw new ConfigError(
      'VOXSTATE_AMD_MESSAGE: required when VOXSTATE_AMD_ON_MACHINE is message (the message to leave)',
    );
  }
  let params: AmdParams;
  try {
    params = amdParamsFromDialplan(c.VOXSTATE_AMD_PARAMS ?? '');
  } catch (err) {
    throw new ConfigError(`VOXSTATE_AMD_PARAMS: ${(err as Error).message}`);
  }
  return {
    enabled: c.VOXSTATE_AMD,
    params,
    noiseFloor: c.VOXSTATE_AMD_NOISE_FLOOR,
    beep: c.VOXSTATE_AMD_BEEP,
    onMachine,
    message,
  };
}

/** What AMD concluded for one outbound call and what was done. */
export interface AmdOutcome {
  status: AmdStatus;
  /** Asterisk's `AMDCAUSE`, e.g. `LONGGREETING-1520-1500`. */
  cause: string;
  /** Callee audio time of the decision, ms. */
  atMs: number;
  /**
   * `call`: the call went on; `hangup`: hung up on a machine; `message`: a message was left;
   * `none`: the callee hung up first.
   */
  action: 'call' | 'hangup' | 'message' | 'none';
  /** Where the message started (`message` only): after the beep, the silence, or the cap. */
  messageAt?: MessagePoint['kind'];
}

/** Feeds the callee's frames to `push` until it returns a value or the media ends. */
function listen<T>(
  endpoint: CallEndpoint,
  push: (samples: Int16Array) => T | undefined,
  ended: () => T,
): Promise<T> {
  const media = endpoint.media;
  return new Promise<T>((resolve) => {
    const finish = (value: T) => {
      media.off('audio', onAudio);
      media.off('close', onEnd);
      media.off('hangup', onEnd);
      endpoint.off('hangup', onEnd);
      resolve(value);
    };
    const onAudio = (frame: Buffer) => {
      const value = push(samplesOf(frame));
      if (value !== undefined) finish(value);
    };
    const onEnd = () => finish(ended());
    media.on('audio', onAudio);
    media.once('close', onEnd);
    media.once('hangup', onEnd);
    endpoint.once('hangup', onEnd);
    if (media.closed || endpoint.ended) onEnd();
  });
}

/** Classifies the callee from its first seconds of audio (HANGUP when the line ends first). */
export function detectCallee(endpoint: CallEndpoint, config: AmdConfig): Promise<AmdResult> {
  const detector = new AnsweringMachineDetector(config.params, {
    noiseFloor: config.noiseFloor,
    beep: config.beep,
  });
  return listen(
    endpoint,
    (s) => detector.push(s),
    () => detector.hangup(),
  );
}

/** Waits for the point to start the message; undefined when the line ends first. */
export function waitForMessagePoint(
  endpoint: CallEndpoint,
  config: AmdConfig,
): Promise<MessagePoint | undefined> {
  const points = new MessagePointDetector({
    silenceThreshold: config.params.silenceThreshold,
    noiseFloor: config.noiseFloor,
  });
  return listen<MessagePoint | undefined>(
    endpoint,
    (s) => points.push(s),
    () => undefined,
  );
}

/** Speaks `text` (through the TTS cache) into the call's media and resolves once played. */
export async function leaveMessage(
  endpoint: CallEndpoint,
  speech: Speech,
  text: string,
  language: string,
): Promise<void> {
  const { audio } = await speech.tts.synthesizeAll(text, { language, format: 'slin16' });
  const playback = speech.createPlayback({
    format: 'slin16',
    sink: (frame) => endpoint.media.send(frame),
  });
  try {
    await new Promise<void>((resolve) => {
      const item = playback.enqueue('prompt', audio);
      const done = () => {
        endpoint.media.off('close', done);
        endpoint.off('hangup', done);
        resolve();
      };
      playback.on('item.ended', (ended) => {
        if (ended === item) done();
      });
      endpoint.media.once('close', done);
      endpoint.once('hangup', done);
    });
  } finally {
    playback.close();
  }
}

/** Logs and counts one AMD result (`voxstate_amd_results_total{result,cause}`). */
export function recordAmd(
  registry: Registry,
  logger: Logger,
  callId: string,
  result: AmdResult,
): void {
  catalogCounter(registry, 'voxstate_amd_results_total').inc({
    result: result.status,
    cause: result.causeKind,
  });
  logger.info(
    { callId, amd: result.status, cause: result.cause, atMs: result.atMs, words: result.words },
    'answering-machine detection',
  );
}

/** An outbound call placed with AMD (when on): the call machine's handle if the call went on. */
export interface OutboundCall {
  id: string;
  /** AMD's result and action; absent when `VOXSTATE_AMD` is off. */
  amd?: AmdOutcome;
  /** The call in progress when it went on (a person, NOTSURE, or AMD off). */
  handle?: CallHandle;
  /** Resolves once the call has ended. */
  done: Promise<{ endReason: string; turns: number; bargeIns: number }>;
}

/**
 * Runs an answered outbound call: with AMD on, classifies the callee first, then starts the
 * call (person, NOTSURE), or hangs up on / leaves the message on a machine.
 */
export async function runOutbound(
  runtime: Runtime,
  call: CallEndpoint,
  extra: { purpose?: string } = {},
): Promise<OutboundCall> {
  const config = runtime.config.amd;
  const startedAt = Date.now();
  const start = (amd?: AmdOutcome): OutboundCall => {
    const handle = runtime.startCall(call, extra);
    return { id: call.id, handle, done: handle.done, ...(amd ? { amd } : {}) };
  };
  if (!config.enabled) return start();
  const result = await detectCallee(call, config);
  recordAmd(runtime.registry, runtime.logger, call.id, result);
  const outcome = { status: result.status, cause: result.cause, atMs: result.atMs };
  if (result.status === 'HUMAN' || result.status === 'NOTSURE') {
    return start({ ...outcome, action: 'call' });
  }
  const ended = (endReason: string, amd: AmdOutcome): OutboundCall => {
    runtime.recordEndedCall(amdCallRecord(runtime, call, { startedAt, endReason, amd }));
    return { id: call.id, amd, done: Promise.resolve({ endReason, turns: 0, bargeIns: 0 }) };
  };
  if (result.status === 'HANGUP') return ended('hangup', { ...outcome, action: 'none' });
  if (config.onMachine === 'message' && config.message) {
    // A beep that decided has just ended: the machine is recording already.
    const messageAt =
      result.causeKind === 'BEEP' ? 'beep' : (await waitForMessagePoint(call, config))?.kind;
    if (!messageAt) return ended('hangup', { ...outcome, action: 'none' });
    await leaveMessage(call, runtime.speech, config.message, call.language);
    runtime.logger.info({ callId: call.id, messageAt }, 'message left on a machine');
    await hangUp(runtime, call);
    return ended('message', { ...outcome, action: 'message', messageAt });
  }
  await hangUp(runtime, call);
  return ended('machine', { ...outcome, action: 'hangup' });
}

async function hangUp(runtime: Runtime, call: CallEndpoint): Promise<void> {
  if (call.ended) return;
  await call.hangup().catch((err: unknown) => {
    runtime.logger.warn({ callId: call.id, err: (err as Error).message }, 'hang-up failed');
  });
}

/**
 * The call record of an outbound call that AMD ended (no call machine ran): end reason
 * `machine` (hung up on), `message` (message left) or `hangup` (the callee hung up first), with
 * the AMD result in its event log.
 */
export function amdCallRecord(
  runtime: Pick<Runtime, 'config' | 'registry'>,
  call: CallEndpoint,
  outcome: { startedAt: number; endReason: string; amd: AmdOutcome },
): CallRecord {
  const log = new CallEventLog({
    startedAt: outcome.startedAt,
    registry: runtime.registry,
    includePhoneNumbers: runtime.config.logPii,
  });
  log.add('started', {
    direction: call.direction,
    language: call.language,
    callerNumber: call.callerNumber || undefined,
  });
  const { amd } = outcome;
  log.add('amd', {
    result: amd.status,
    cause: amd.cause,
    atMs: amd.atMs,
    action: amd.action,
    ...(amd.messageAt ? { messageAt: amd.messageAt } : {}),
  });
  log.add('ended', { reason: outcome.endReason, turns: 0 });
  return {
    id: call.id,
    startedAt: outcome.startedAt,
    endedAt: Date.now(),
    direction: call.direction,
    flags: {},
    cost: emptyBreakdown(runtime.config.prices.currency),
    turns: 0,
    endReason: outcome.endReason,
    events: log.toJSON(),
  };
}
