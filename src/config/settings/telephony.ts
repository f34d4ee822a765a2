/**
 * Settings of Asterisk (ARI), the call audio and the operations server.
 *
 * @module
 */
import { duration, httpUrl, matching, oneOf, port, setting, text } from '../kinds.js';

const ARI = 'telephony';
const OPS = 'ops';

/** ARI, media and ops-server variables. */
export const TELEPHONY_SETTINGS = {
  VOXSTATE_ARI_URL: setting(httpUrl, {
    group: ARI,
    default: 'http://127.0.0.1:8088',
    description: 'ARI base URL (http or https). Credentials do not belong in it',
  }),
  VOXSTATE_ARI_USER: setting(text, {
    group: ARI,
    default: 'voxstate',
    description: 'ARI user (ari.conf)',
  }),
  VOXSTATE_ARI_PASSWORD: setting(text, {
    group: ARI,
    default: '',
    defaultDoc: 'empty',
    secret: true,
    description: 'ARI password',
  }),
  VOXSTATE_ARI_APP: setting(text, {
    group: ARI,
    default: 'voxstate',
    description: 'Stasis application name the dialplan sends calls to',
  }),
  VOXSTATE_ARI_TIMEOUT_MS: setting(duration('ms', 1), {
    group: ARI,
    default: 5000,
    description: 'deadline of every ARI REST request',
  }),
  VOXSTATE_MEDIA_TRANSPORT: setting(oneOf(['audiosocket', 'rtp']), {
    group: ARI,
    default: 'audiosocket',
    description: '`audiosocket` (TCP, slin16 both ways) or `rtp` (UDP, mu-law back to Asterisk)',
  }),
  VOXSTATE_MEDIA_BIND: setting(text, {
    group: ARI,
    default: '0.0.0.0',
    description: 'interface the AudioSocket server (or the per-call RTP sockets) listen on',
  }),
  VOXSTATE_MEDIA_PORT: setting(port, {
    group: ARI,
    default: 9092,
    description: 'AudioSocket TCP port (0 picks a free one); RTP uses one free UDP port per call',
  }),
  VOXSTATE_MEDIA_HOST: setting(text, {
    group: ARI,
    default: '127.0.0.1',
    description: "the address Asterisk reaches voxstate's media on (externalMedia `external_host`)",
  }),
  VOXSTATE_OPS_HOST: setting(matching(/^[^\s/]+$/, 'a host name or IP address', 'host'), {
    group: OPS,
    default: '127.0.0.1',
    description:
      'interface of the ops server (`/metrics`, `/healthz`, `/readyz`, `/calls`, the web console at `/console`). Another interface only behind a firewall and with a token',
  }),
  VOXSTATE_OPS_PORT: setting(port, {
    group: OPS,
    default: 9464,
    description: 'its port (0 picks a free one)',
  }),
  VOXSTATE_OPS_TOKEN: setting(text, {
    group: OPS,
    secret: true,
    description:
      'when set, every path but `/healthz` needs `Authorization: Bearer <token>` (a browser: open `/console?token=<token>` once; it is kept in an HttpOnly cookie)',
  }),
  VOXSTATE_DRAIN_MS: setting(duration('ms', 0, 86_400_000), {
    group: OPS,
    default: 30_000,
    description: 'on SIGTERM/SIGINT: how long calls in progress may go on before they are hung up',
  }),
};
