/**
 * The simulator's state objects: channels, bridges and playbacks, and their JSON shapes as
 * Asterisk's ARI returns them.
 *
 * @module
 */

import type { CallerScriptRunner } from './caller-script.js';
import type { ClockSubscriber } from './media-clock.js';
import type { MediaLink } from './media-link.js';

/** Asterisk channel states used by the simulator. */
export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up';

/** What a simulated channel stands for. */
export type ChannelKind = 'caller' | 'outbound' | 'external';

/** A simulated channel. */
export interface SimChannel {
  id: string;
  name: string;
  state: ChannelState;
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  dialplan: { context: string; exten: string; priority: number };
  creationtime: string;
  language: string;
  kind: ChannelKind;
  app: string;
  inStasis: boolean;
  variables: Map<string, string>;
  /** Variables returned with the externalMedia response (`UNICASTRTP_LOCAL_*`). */
  channelvars?: Record<string, string>;
  bridgeId?: string;
  /** The media transport of an externalMedia channel. */
  link?: MediaLink;
  /** AudioSocket UUID (`data`) of an externalMedia channel. */
  uuid?: string;
  /** The scripted person on a caller or outbound channel. */
  runner?: CallerScriptRunner;
  /** Media time (ms) of the driving media link when this caller's script started. */
  scriptOffsetMs?: number;
  /**
   * Where this caller's script was on the media stream it is heard on, by audio sent: from
   * `sentMs` of that stream (20 ms per frame sent; frames not sent are not counted) the script
   * runs on from `scriptMs`. A new piece starts where frames were not sent (silence suppression)
   * or the caller joined again. The app's position in the audio it received is the same number,
   * whatever its clock did, so a lookup by it cannot slip.
   */
  scriptSent?: Array<{ sentMs: number; scriptMs: number }>;
  /** Stasis applications the dialplan tries after the current one (see sim-dialplan.ts). */
  nextApps?: string[];
  /** `channels.create` made it and it has not been dialled yet (`channels.dial` may dial it once). */
  awaitingDial?: { endpoint: string; variables: Record<string, string> };
  /** Music on hold playing to the person on the channel (it hears that, not its bridge). */
  moh?: { mohClass: string; stop(): void };
  destroyed: boolean;
  onDestroyed: Array<() => void>;
}

/** A simulated bridge. */
export interface SimBridge {
  id: string;
  name: string;
  type: string;
  channels: string[];
  creationtime: string;
  /** `basic`: a bridge the simulated dialplan made (`Dial()` answered), not a Stasis one. */
  bridgeClass?: 'stasis' | 'basic';
}

/** A simulated playback. */
export interface SimPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  language: string;
  state: 'queued' | 'playing' | 'done' | 'stopped';
  timer?: NodeJS.Timeout;
  /** Feeds the playback's audio to the listener on the channel. */
  source?: ClockSubscriber;
  app: string;
}

/** Channel JSON as ARI sends it. */
export function channelJson(ch: SimChannel, withVars = false): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    protocol_id: '',
    caller: ch.caller,
    connected: ch.connected,
    accountcode: '',
    dialplan: {
      ...ch.dialplan,
      app_name: ch.inStasis ? 'Stasis' : '',
      app_data: ch.inStasis ? ch.app : '',
    },
    creationtime: ch.creationtime,
    language: ch.language,
    ...(withVars && ch.channelvars ? { channelvars: ch.channelvars } : {}),
  };
}

/** Bridge JSON as ARI sends it. */
export function bridgeJson(b: SimBridge): Record<string, unknown> {
  return {
    id: b.id,
    technology: 'simple_bridge',
    bridge_type: b.type,
    bridge_class: b.bridgeClass ?? 'stasis',
    creator: b.bridgeClass === 'basic' ? 'Dial' : 'Stasis',
    name: b.name,
    channels: [...b.channels],
    creationtime: b.creationtime,
    video_mode: 'none',
  };
}

/** Playback JSON as ARI sends it. */
export function playbackJson(p: SimPlayback): Record<string, unknown> {
  return {
    id: p.id,
    media_uri: p.media_uri,
    target_uri: p.target_uri,
    language: p.language,
    state: p.state,
  };
}

/** Asterisk's timestamp format: `2024-05-01T10:00:00.000+0000`. */
export function ariTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}

/** Asterisk's text for a hang-up cause code. */
export function causeText(cause: number): string {
  switch (cause) {
    case 1:
      return 'Unallocated (unassigned) number';
    case 16:
      return 'Normal Clearing';
    case 17:
      return 'User busy';
    case 19:
      return 'No user responding';
    case 21:
      return 'Call Rejected';
    default:
      return 'Unknown';
  }
}
