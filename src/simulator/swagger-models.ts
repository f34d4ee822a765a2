/**
 * The Swagger 1.2 models of the ARI objects the simulated Asterisk returns and of the events it
 * pushes. ari-client builds its resource objects (`Channel`, `Bridge`, `Playback`) from these
 * types, so a property typed `Channel` arrives in a handler as a channel object. The documents
 * that use them are built in `swagger-docs.ts`.
 *
 * @module
 */

/** ARI's `Channel`. */
export const CHANNEL_MODEL = {
  id: 'Channel',
  properties: {
    id: { type: 'string', required: true },
    name: { type: 'string', required: true },
    state: { type: 'string', required: true },
    caller: { type: 'CallerID', required: true },
    connected: { type: 'CallerID', required: true },
    accountcode: { type: 'string', required: true },
    dialplan: { type: 'DialplanCEP', required: true },
    creationtime: { type: 'Date', required: true },
    language: { type: 'string', required: true },
    channelvars: { type: 'object', required: false },
  },
};
/** ARI's `CallerID`. */
export const CALLER_MODEL = {
  id: 'CallerID',
  properties: { name: { type: 'string' }, number: { type: 'string' } },
};
/** ARI's `DialplanCEP` (where a channel is in the dialplan). */
export const DIALPLAN_MODEL = {
  id: 'DialplanCEP',
  properties: {
    context: { type: 'string' },
    exten: { type: 'string' },
    priority: { type: 'long' },
  },
};
/** ARI's `Bridge`. */
export const BRIDGE_MODEL = {
  id: 'Bridge',
  properties: {
    id: { type: 'string', required: true },
    technology: { type: 'string' },
    bridge_type: { type: 'string' },
    bridge_class: { type: 'string' },
    creator: { type: 'string' },
    name: { type: 'string' },
    channels: { type: 'List[string]' },
    creationtime: { type: 'Date' },
  },
};
/** ARI's `Playback`. */
export const PLAYBACK_MODEL = {
  id: 'Playback',
  properties: {
    id: { type: 'string', required: true },
    media_uri: { type: 'string' },
    target_uri: { type: 'string' },
    language: { type: 'string' },
    state: { type: 'string' },
  },
};
/** ARI's `Variable` (a channel variable's value). */
export const VARIABLE_MODEL = {
  id: 'Variable',
  properties: { value: { type: 'string', required: true } },
};
/** ARI's `AsteriskInfo`. */
export const ASTERISK_INFO_MODEL = {
  id: 'AsteriskInfo',
  properties: {
    build: { type: 'object' },
    system: { type: 'object' },
    config: { type: 'object' },
    status: { type: 'object' },
  },
};

/** Event types the simulator pushes, with their typed properties (beyond the common ones). */
export const EVENT_PROPERTIES: Readonly<Record<string, Record<string, string>>> = {
  StasisStart: { args: 'List[string]', channel: 'Channel', replace_channel: 'Channel' },
  StasisEnd: { channel: 'Channel' },
  ChannelCreated: { channel: 'Channel' },
  ChannelDestroyed: { channel: 'Channel', cause: 'int', cause_txt: 'string' },
  ChannelHangupRequest: { channel: 'Channel', cause: 'int', soft: 'boolean' },
  ChannelStateChange: { channel: 'Channel' },
  Dial: {
    caller: 'Channel',
    peer: 'Channel',
    forward: 'string',
    forwarded: 'Channel',
    dialstring: 'string',
    dialstatus: 'string',
  },
  ChannelDtmfReceived: { channel: 'Channel', digit: 'string', duration_ms: 'int' },
  ChannelVarset: { channel: 'Channel', variable: 'string', value: 'string' },
  ChannelEnteredBridge: { bridge: 'Bridge', channel: 'Channel' },
  ChannelLeftBridge: { bridge: 'Bridge', channel: 'Channel' },
  BridgeCreated: { bridge: 'Bridge' },
  BridgeDestroyed: { bridge: 'Bridge' },
  PlaybackStarted: { playback: 'Playback' },
  PlaybackFinished: { playback: 'Playback' },
};

/**
 * The models of `events.json`: `Message`, `Event`, and one per pushed event type, so that
 * ari-client turns each typed property into a resource object.
 */
export function eventModels(): Record<string, unknown> {
  const models: Record<string, unknown> = {
    Message: {
      id: 'Message',
      properties: { type: { type: 'string', required: true }, asterisk_id: { type: 'string' } },
    },
    Event: {
      id: 'Event',
      properties: { application: { type: 'string', required: true }, timestamp: { type: 'Date' } },
    },
  };
  for (const [type, props] of Object.entries(EVENT_PROPERTIES)) {
    const properties: Record<string, { type: string }> = {
      type: { type: 'string' },
      application: { type: 'string' },
      timestamp: { type: 'Date' },
      asterisk_id: { type: 'string' },
    };
    for (const [name, t] of Object.entries(props)) properties[name] = { type: t };
    models[type] = { id: type, properties };
  }
  return models;
}
