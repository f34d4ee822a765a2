/**
 * The Swagger 1.2 documents the simulated Asterisk serves, shaped so that the real `ari-client`
 * accepts them: `resources.json` with an absolute `basePath`, one document per resource with
 * every operation voxstate uses, and `events.json` with a model for every event the simulator
 * pushes (properties typed `Channel`, `Bridge`, `Playback` become ari-client resource objects).
 *
 * @module
 */

interface Param {
  name: string;
  paramType: 'path' | 'query' | 'body';
  dataType: string;
  required?: boolean;
  allowMultiple?: boolean;
}

interface Operation {
  httpMethod: 'GET' | 'POST' | 'PUT' | 'DELETE';
  nickname: string;
  responseClass: string;
  summary: string;
  parameters: Param[];
}

const path = (name: string): Param => ({
  name,
  paramType: 'path',
  dataType: 'string',
  required: true,
});
const query = (name: string, dataType = 'string', required = false): Param => ({
  name,
  paramType: 'query',
  dataType,
  required,
});
const body = (name: string): Param => ({
  name,
  paramType: 'body',
  dataType: 'containers',
  required: false,
});
const op = (
  httpMethod: Operation['httpMethod'],
  nickname: string,
  responseClass: string,
  parameters: Param[],
): Operation => ({
  httpMethod,
  nickname,
  responseClass,
  summary: nickname,
  parameters,
});

const CHANNEL_MODEL = {
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
const CALLER_MODEL = {
  id: 'CallerID',
  properties: { name: { type: 'string' }, number: { type: 'string' } },
};
const DIALPLAN_MODEL = {
  id: 'DialplanCEP',
  properties: {
    context: { type: 'string' },
    exten: { type: 'string' },
    priority: { type: 'long' },
  },
};
const BRIDGE_MODEL = {
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
const PLAYBACK_MODEL = {
  id: 'Playback',
  properties: {
    id: { type: 'string', required: true },
    media_uri: { type: 'string' },
    target_uri: { type: 'string' },
    language: { type: 'string' },
    state: { type: 'string' },
  },
};
const VARIABLE_MODEL = {
  id: 'Variable',
  properties: { value: { type: 'string', required: true } },
};
const ASTERISK_INFO_MODEL = {
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
  ChannelDtmfReceived: { channel: 'Channel', digit: 'string', duration_ms: 'int' },
  ChannelVarset: { channel: 'Channel', variable: 'string', value: 'string' },
  ChannelEnteredBridge: { bridge: 'Bridge', channel: 'Channel' },
  ChannelLeftBridge: { bridge: 'Bridge', channel: 'Channel' },
  BridgeCreated: { bridge: 'Bridge' },
  BridgeDestroyed: { bridge: 'Bridge' },
  PlaybackStarted: { playback: 'Playback' },
  PlaybackFinished: { playback: 'Playback' },
};

function eventModels(): Record<string, unknown> {
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

/** The resources the simulator documents, by name, with their operations. */
function resources(): Record<
  string,
  { apis: Array<{ path: string; operations: Operation[] }>; models: Record<string, unknown> }
> {
  const vars = body('variables');
  return {
    asterisk: {
      apis: [
        {
          path: '/asterisk/info',
          operations: [op('GET', 'getInfo', 'AsteriskInfo', [query('only')])],
        },
      ],
      models: { AsteriskInfo: ASTERISK_INFO_MODEL },
    },
    channels: {
      apis: [
        {
          path: '/channels',
          operations: [
            op('GET', 'list', 'List[Channel]', []),
            op('POST', 'originate', 'Channel', [
              query('endpoint', 'string', true),
              query('extension'),
              query('context'),
              query('priority', 'long'),
              query('label'),
              query('app'),
              query('appArgs'),
              query('callerId'),
              query('timeout', 'int'),
              vars,
              query('channelId'),
              query('otherChannelId'),
              query('originator'),
              query('formats'),
            ]),
          ],
        },
        {
          path: '/channels/externalMedia',
          operations: [
            op('POST', 'externalMedia', 'Channel', [
              query('channelId'),
              query('app', 'string', true),
              vars,
              query('external_host', 'string', true),
              query('encapsulation'),
              query('transport'),
              query('connection_type'),
              query('format', 'string', true),
              query('direction'),
              query('data'),
              query('transport_data'),
            ]),
          ],
        },
        {
          path: '/channels/{channelId}',
          operations: [
            op('GET', 'get', 'Channel', [path('channelId')]),
            op('DELETE', 'hangup', 'void', [
              path('channelId'),
              query('reason_code'),
              query('reason'),
            ]),
          ],
        },
        {
          path: '/channels/{channelId}/answer',
          operations: [op('POST', 'answer', 'void', [path('channelId')])],
        },
        {
          path: '/channels/{channelId}/continue',
          operations: [
            op('POST', 'continueInDialplan', 'void', [
              path('channelId'),
              query('context'),
              query('extension'),
              query('priority', 'int'),
              query('label'),
            ]),
          ],
        },
        {
          path: '/channels/{channelId}/ring',
          operations: [op('POST', 'ring', 'void', [path('channelId')])],
        },
        {
          path: '/channels/{channelId}/dtmf',
          operations: [
            op('POST', 'sendDTMF', 'void', [
              path('channelId'),
              query('dtmf'),
              query('between', 'int'),
              query('duration', 'int'),
            ]),
          ],
        },
        {
          path: '/channels/{channelId}/play',
          operations: [
            op('POST', 'play', 'Playback', [
              path('channelId'),
              { ...query('media', 'string', true), allowMultiple: true },
              query('lang'),
              query('offsetms', 'int'),
              query('skipms', 'int'),
              query('playbackId'),
            ]),
          ],
        },
        {
          path: '/channels/{channelId}/variable',
          operations: [
            op('GET', 'getChannelVar', 'Variable', [
              path('channelId'),
              query('variable', 'string', true),
            ]),
            op('POST', 'setChannelVar', 'void', [
              path('channelId'),
              query('variable', 'string', true),
              query('value'),
            ]),
          ],
        },
      ],
      models: {
        Channel: CHANNEL_MODEL,
        CallerID: CALLER_MODEL,
        DialplanCEP: DIALPLAN_MODEL,
        Playback: PLAYBACK_MODEL,
        Variable: VARIABLE_MODEL,
      },
    },
    bridges: {
      apis: [
        {
          path: '/bridges',
          operations: [
            op('GET', 'list', 'List[Bridge]', []),
            op('POST', 'create', 'Bridge', [query('type'), query('bridgeId'), query('name')]),
          ],
        },
        {
          path: '/bridges/{bridgeId}',
          operations: [
            op('GET', 'get', 'Bridge', [path('bridgeId')]),
            op('DELETE', 'destroy', 'void', [path('bridgeId')]),
          ],
        },
        {
          path: '/bridges/{bridgeId}/addChannel',
          operations: [
            op('POST', 'addChannel', 'void', [
              path('bridgeId'),
              { ...query('channel', 'string', true), allowMultiple: true },
              query('role'),
            ]),
          ],
        },
        {
          path: '/bridges/{bridgeId}/removeChannel',
          operations: [
            op('POST', 'removeChannel', 'void', [
              path('bridgeId'),
              { ...query('channel', 'string', true), allowMultiple: true },
            ]),
          ],
        },
      ],
      models: { Bridge: BRIDGE_MODEL },
    },
    playbacks: {
      apis: [
        {
          path: '/playbacks/{playbackId}',
          operations: [
            op('GET', 'get', 'Playback', [path('playbackId')]),
            op('DELETE', 'stop', 'void', [path('playbackId')]),
          ],
        },
      ],
      models: { Playback: PLAYBACK_MODEL },
    },
    events: {
      apis: [
        {
          path: '/events',
          operations: [
            op('GET', 'eventWebsocket', 'Message', [
              { ...query('app', 'string', true), allowMultiple: true },
              query('subscribeAll', 'boolean'),
            ]),
          ],
        },
      ],
      models: eventModels(),
    },
  };
}

/** `resources.json` for a request that arrived with `host` in its Host header. */
export function resourceListing(host: string, swaggerVersion = '1.2'): unknown {
  return {
    apiVersion: '9.0.0',
    swaggerVersion,
    basePath: `http://${host}/ari`,
    apis: Object.keys(resources()).map((name) => ({
      path: `/api-docs/${name}.{format}`,
      description: name,
    })),
  };
}

/** The document of one resource (`channels`, `bridges`, ...), or undefined if unknown. */
export function resourceDocument(name: string, host: string, swaggerVersion = '1.2'): unknown {
  const res = resources()[name];
  if (res === undefined) return undefined;
  return {
    apiVersion: '9.0.0',
    swaggerVersion,
    basePath: `http://${host}/ari`,
    resourcePath: `/api-docs/${name}.{format}`,
    apis: res.apis.map((api) => ({ ...api, description: name })),
    models: res.models,
  };
}
