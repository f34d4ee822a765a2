/**
 * The simulated Asterisk's public types: its options, the callers and callees it plays, the
 * calls it places, its fault switches and the events it reports to observers.
 *
 * @module
 */

import type { TtsEngine } from '../providers/tts/tts-engine.js';
import type { CallRecording } from './call-recording.js';
import type { CallerScript, CallerScriptRunner, ScriptUtterance } from './caller-script.js';
import type { DialplanAction, DialplanRule } from './sim-dialplan.js';
import type { SimChannel } from './sim-model.js';

/**
 * When an externalMedia channel enters the Stasis app. On a real Asterisk its StasisStart may
 * arrive after the externalMedia response (measured: 3 of 37 RTP calls), and until it does,
 * `bridges.addChannel` with that channel fails with 422 "Channel not in Stasis application".
 */
export interface LateMediaStasisStart {
  /** Share of externalMedia channels whose StasisStart comes after the response, 0..1; default 1. */
  share?: number;
  /** How long after the response, ms; default 50. */
  delayMs?: number;
  /** Only channels of this encapsulation; default both. */
  encapsulation?: 'rtp' | 'audiosocket';
  /** Random source in [0, 1) that picks the late channels; default `Math.random`. */
  random?: () => number;
}

/** Options of the simulated Asterisk. */
export interface SimulatedAsteriskOptions {
  /** HTTP interface; default `127.0.0.1`. */
  host?: string;
  /** HTTP port (Asterisk uses 8088); default 0 = any free port. */
  port?: number;
  /** ARI user; default `voxstate`. */
  user?: string;
  /** ARI password; default `voxstate`. */
  password?: string;
  /** Interface the simulated RTP sockets bind to; default `127.0.0.1`. */
  rtpHost?: string;
  /** Synthesizes `say` steps that carry no audio (e.g. the espeak-ng engine). */
  tts?: TtsEngine;
  /**
   * The endpoints the simulator can dial, by name (e.g. `PJSIP/agent-100`: an agent who answers
   * and speaks; see callees.ts). An endpoint not listed here asks `onOriginate`.
   */
  endpoints?: Record<string, CalleeBehavior>;
  /**
   * How any other dialled endpoint behaves (originate, create + dial, the dialplan's `Dial()`);
   * default: answers after 300 ms and stays silent.
   */
  onOriginate?: (endpoint: string, variables: Record<string, string>) => CalleeBehavior;
  /**
   * The simulated dialplan's extensions that `continueInDialplan` with a context and extension
   * reaches, keyed `<exten>@<context>` (e.g. `'100@agents': { dial: 'PJSIP/agent-100' }`). A
   * location missing here ends the dialplan: the channel is hung up.
   */
  extensions?: Record<string, DialplanAction>;
  /** Sends externalMedia channels' StasisStart after the response (the set-up race); default never. */
  lateMediaStasisStart?: LateMediaStasisStart;
  /**
   * `swaggerVersion` of the API documents; default `1.2`. A real Asterisk says `1.1`, on which
   * ari-client prints "This API is using a deprecated version of Swagger!" at every connect.
   */
  swaggerVersion?: '1.1' | '1.2';
  /**
   * The Stasis applications an inbound call tries, in order (see sim-dialplan.ts); default:
   * the first application with a connected events socket.
   */
  dialplan?: DialplanRule;
}

/** How a simulated callee of an originate behaves. */
export interface CalleeBehavior {
  /** False: never answers (the originate times out). Default true. */
  answer?: boolean;
  /** Ring time before answering; default 300 ms. */
  answerAfterMs?: number;
  /** True: the endpoint is busy (dial status `BUSY`, cause 17) instead of ringing. */
  busy?: boolean;
  /** What the callee says and does once answered. */
  script?: CallerScript;
}

/** Options of `SimulatedAsterisk.placeCall`. */
export interface PlaceCallOptions {
  /**
   * Stasis app to enter; default: the dialplan rule, else the first app with a connected events
   * socket.
   */
  app?: string;
  callerNumber?: string;
  callerName?: string;
  /** Dialled extension; default `100`. */
  exten?: string;
  /** Stasis args from the dialplan. */
  args?: string[];
  /** Channel language; default `en`. */
  language?: string;
  /**
   * True: the dialplan ran `Answer()` before `Stasis()`, so the channel enters the app `Up`.
   * Default false: it enters ringing (`Ring`) and the app answers it, as docs/asterisk.md
   * recommends.
   */
  answered?: boolean;
  script?: CallerScript;
}

/** A call the simulator placed (or a callee it answered). */
export interface SimCall {
  /** The caller's channel id. */
  channelId: string;
  /** The scripted person (caller or callee). */
  runner: CallerScriptRunner;
  /** Both sides of the audio and the event timeline. */
  recording: CallRecording;
  /** Resolves when the caller's channel is destroyed, whoever hung up. */
  ended: Promise<void>;
  /** Hangs the caller up now (as if they put the phone down). */
  hangup(): void;
}

/** A finished attempt to dial an endpoint (reported for every dial, whoever made it). */
export interface SimDialReport {
  /** What dialled: `originate`, `dial` (channels.create + dial), `dialplan` (continueInDialplan), `redirect`. */
  via: 'originate' | 'dial' | 'dialplan' | 'redirect';
  /** The calling channel (dialplan and redirect dials, or the `caller` of channels.dial). */
  callerChannelId?: string;
  peerChannelId: string;
  endpoint: string;
  status: 'ANSWER' | 'NOANSWER' | 'BUSY' | 'CANCEL';
  /** Wall time from the start of ringing to the outcome. */
  ringMs: number;
  /** The scripted person on the peer (what they heard and said). */
  peer: SimCall;
}

/** Fault switches for resilience tests. */
export interface SimFaults {
  /** Terminates every events WebSocket at once (clients see an abnormal close). */
  dropEventSockets(): void;
  /** While on, new events WebSocket upgrades are refused with 503. */
  refuseEventSockets(on: boolean): void;
  /** Resets the AudioSocket TCP connection (or closes the RTP socket) of one channel, or of all. */
  resetMedia(channelId?: string): void;
  /** While on, REST requests are accepted but never answered (like a hung Asterisk). */
  stallRest(on: boolean): void;
}

/** How an events WebSocket of a Stasis app ended, as the simulator saw it. */
export interface EventSocketClose {
  /** The apps the socket was registered for. */
  apps: string[];
  /** The close code: 1000 and friends from a close frame, 1006 when the connection just dropped. */
  code: number;
  reason: string;
  /** True when the client sent a close frame (a clean close). */
  closeFrame: boolean;
  /** Who ended it: the app (`client`) or the simulator (a fault, `stop()`). */
  by: 'client' | 'server';
}

/** Events the simulator emits for observers (tests, the demo). */
export interface SimulatorEvents {
  /** A caller finished an utterance; times are media ms of `mediaChannelId`'s stream when known. */
  utterance: [info: ScriptUtterance & { channelId: string; mediaChannelId?: string }];
  /** A dial attempt finished (answered, rang out, busy or cancelled). */
  dial: [report: SimDialReport];
  /** A channel was destroyed. */
  channelDestroyed: [channelId: string, kind: SimChannel['kind']];
  /** Every REST request, for tests that count calls. */
  request: [method: string, path: string];
  /** An events WebSocket closed (Asterisk logs "Web socket closed abruptly" without a close frame). */
  eventSocketClosed: [info: EventSocketClose];
}
