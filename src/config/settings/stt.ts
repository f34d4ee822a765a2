/**
 * Settings of the remote speech-to-text engines (`openai`, `deepgram`, `openai-realtime`), which
 * the `stt` flag picks per call; read by `sttEnginesConfig` in `src/providers/stt/config.ts`.
 *
 * @module
 */
import { duration, httpUrl, setting, text, url } from '../kinds.js';

const G = 'stt';

/** Remote STT engine variables. */
export const STT_SETTINGS = {
  VOXSTATE_STT_OPENAI_BASE_URL: setting(httpUrl, {
    group: G,
    defaultDoc: 'none (`https://api.openai.com/v1`)',
    description:
      'variant `openai`: batch transcription (`POST /audio/transcriptions`) on OpenAI or any OpenAI-compatible server (faster-whisper servers, whisper.cpp server, vLLM), e.g. `http://gpu-1:8000/v1`; setting it (or a key) turns the engine on',
  }),
  VOXSTATE_STT_OPENAI_API_KEY: setting(text, {
    group: G,
    secret: true,
    defaultDoc: '`OPENAI_API_KEY`',
    description: 'its key (`none` is sent when neither is set, for servers without keys)',
  }),
  VOXSTATE_STT_OPENAI_MODEL: setting(text, {
    group: G,
    default: 'whisper-1',
    description:
      'its model, e.g. `gpt-4o-mini-transcribe`, or the model name the self-hosted server serves',
  }),
  VOXSTATE_STT_OPENAI_TIMEOUT_MS: setting(duration('ms', 1, 60_000), {
    group: G,
    default: 1_500,
    description:
      'deadline of one transcription request; past it the utterance falls back (no SDK retries)',
  }),
  VOXSTATE_STT_DEEPGRAM_API_KEY: setting(text, {
    group: G,
    secret: true,
    defaultDoc: '`DEEPGRAM_API_KEY`',
    description:
      'variant `deepgram` (live streaming WebSocket, interim results); setting it turns the engine on',
  }),
  DEEPGRAM_API_KEY: setting(text, {
    group: G,
    secret: true,
    description: 'Deepgram key, used when `VOXSTATE_STT_DEEPGRAM_API_KEY` is not set',
  }),
  VOXSTATE_STT_DEEPGRAM_BASE_URL: setting(url(['ws', 'wss'], 'a ws(s) URL'), {
    group: G,
    defaultDoc: 'none (`wss://api.deepgram.com`)',
    description: 'its WebSocket base URL',
  }),
  VOXSTATE_STT_DEEPGRAM_MODEL: setting(text, {
    group: G,
    default: 'nova-3',
    description: 'its model',
  }),
  VOXSTATE_STT_REALTIME_BASE_URL: setting(httpUrl, {
    group: G,
    defaultDoc: 'none (`https://api.openai.com/v1`)',
    description:
      'variant `openai-realtime`: OpenAI Realtime transcription sessions (the SDK connects to `wss://<host>/v1/realtime`; a server with a private CA needs `NODE_EXTRA_CA_CERTS`)',
  }),
  VOXSTATE_STT_REALTIME_API_KEY: setting(text, {
    group: G,
    secret: true,
    defaultDoc: '`OPENAI_API_KEY`',
    description: 'its key; the engine is on when this, its base URL or `OPENAI_API_KEY` is set',
  }),
  VOXSTATE_STT_REALTIME_MODEL: setting(text, {
    group: G,
    default: 'gpt-4o-mini-transcribe',
    description: "the session's transcription model",
  }),
  VOXSTATE_STT_CONNECT_TIMEOUT_MS: setting(duration('ms', 1, 60_000), {
    group: G,
    default: 1_000,
    description: 'streaming engines: deadline to open the socket (and the session)',
  }),
  VOXSTATE_STT_FINAL_TIMEOUT_MS: setting(duration('ms', 1, 60_000), {
    group: G,
    default: 1_000,
    description:
      'streaming engines: deadline from the end of the utterance to the final transcript',
  }),
};
