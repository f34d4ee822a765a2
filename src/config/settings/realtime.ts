/**
 * Settings of the speech-to-speech mode: which brain answers calls by default, and the OpenAI
 * Realtime session used when it is `realtime` (docs/realtime.md).
 *
 * @module
 */
import { duration, oneOf, setting, text, url } from '../kinds.js';

const G = 'realtime';

/** Speech-to-speech variables. */
export const REALTIME_SETTINGS = {
  VOXSTATE_BRAIN: setting(oneOf(['cascade', 'realtime']), {
    group: G,
    default: 'cascade',
    description:
      'how a call is answered when the `brain` flag of `VOXSTATE_FLAGS` assigns nothing: `cascade` (speech-to-text, model, speech synthesis) or `realtime` (one OpenAI Realtime session per call)',
  }),
  VOXSTATE_REALTIME_MODEL: setting(text, {
    group: G,
    default: 'gpt-realtime',
    description: 'Realtime model (priced under `realtime` in `VOXSTATE_PRICES`)',
  }),
  VOXSTATE_REALTIME_VOICE: setting(text, {
    group: G,
    default: 'marin',
    description: 'voice of the model',
  }),
  VOXSTATE_REALTIME_BASE_URL: setting(
    url(['http', 'https', 'ws', 'wss'], 'an http(s) or ws(s) URL'),
    {
      group: G,
      defaultDoc: '`OPENAI_BASE_URL`',
      description:
        'API base URL; the session connects to `<base>/realtime` over `wss:` whatever the scheme',
    },
  ),
  VOXSTATE_REALTIME_API_KEY: setting(text, {
    group: G,
    defaultDoc: '`OPENAI_API_KEY`',
    secret: true,
    description: 'its key',
  }),
  VOXSTATE_REALTIME_TURN_DETECTION: setting(oneOf(['server_vad', 'semantic_vad', 'local']), {
    group: G,
    default: 'local',
    description:
      "who ends the caller's turn and detects barge-in: voxstate's own endpointer (`local`: adaptive end of turn, backchannels, the same turn-taking in both brains) or the session's voice detection (`server_vad`, `semantic_vad`: no local VAD, echo gated by level)",
  }),
  VOXSTATE_REALTIME_TRANSCRIBE_MODEL: setting(text, {
    group: G,
    default: 'gpt-4o-mini-transcribe',
    description:
      "model that transcribes the caller's audio for the call log; `none`: no transcript",
  }),
  VOXSTATE_REALTIME_CONNECT_TIMEOUT_MS: setting(duration('ms', 100, 60_000), {
    group: G,
    default: 3000,
    description:
      'deadline to open the session (connected and configured); then the call goes on in cascade mode',
  }),
  VOXSTATE_REALTIME_RESPONSE_TIMEOUT_MS: setting(duration('ms', 100, 60_000), {
    group: G,
    default: 5000,
    description:
      'deadline for the session to acknowledge a request (a response, a prompt upgrade, a truncation)',
  }),
  VOXSTATE_REALTIME_TOOL_TIMEOUT_MS: setting(duration('ms', 100, 60_000), {
    group: G,
    default: 3000,
    description:
      'deadline of one tool call (`search_knowledge`, actions); a late tool answers with an error',
  }),
};
