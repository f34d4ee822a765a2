/**
 * The Swagger 1.2 documents the simulated Asterisk serves, shaped so that the real `ari-client`
 * accepts them: `resources.json` with an absolute `basePath`, one document per resource with
 * every operation voxstate uses, and `events.json` with a model for every event the simulator
 * pushes (properties typed `Channel`, `Bridge`, `Playback` become ari-client resource objects).
 *
 * The models are in `swagger-models.ts`.
 *
 * @module
 */
import {
  ASTERISK_INFO_MODEL,
  BRIDGE_MODEL,
  CALLER_MODEL,
  CHANNEL_MODEL,
  DIALPLAN_MODEL,
  eventModels,
  PLAYBACK_MODEL,
  VARIABLE_MODEL,
} from './swagger-models.js';

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
          path: '/channels/create',
          operations: [
            op('POST', 'create', 'Channel', [
              query('endpoint', 'string', true),
              query('app', 'string', true),
              query('appArgs'),
              query('channelId'),
              query('otherChannelId'),
              query('originator'),
              query('formats'),
              vars,
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
          path: '/channels/{channelId}/redirect',
          operations: [
            op('POST', 'redirect', 'void', [path('channelId'), query('endpoint', 'string', true)]),
          ],
        },
        {
          path: '/channels/{channelId}/dial',
          operations: [
            op('POST', 'dial', 'void', [
              path('channelId'),
              query('caller'),
              query('timeout', 'int'),
            ]),
          ],
        },
        {
          path: '/channels/{channelId}/ring',
          operations: [op('POST', 'ring', 'void', [path('channelId')])],
        },
        {
          path: '/channels/{channelId}/moh',
          operations: [
            op('POST', 'startMoh', 'void', [path('channelId'), query('mohClass')]),
            op('DELETE', 'stopMoh', 'void', [path('channelId')]),
          ],
        },
        {
          path: '/channels/{channelId}/dtmf',
          operations: [
            op('POST', 'sendDTMF', 'void', [
              path('channelId'),
              query('dtmf', 'string', true),
              query('before', 'int'),
              query('between', 'int'),
              query('duration', 'int'),
              query('after', 'int'),
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
