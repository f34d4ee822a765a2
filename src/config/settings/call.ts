/**
 * Settings of a call's behaviour, of call records, costs and flags, and of the logs and the
 * inspector.
 *
 * @module
 */
import { bool, duration, int, num, oneOf, port, setting, text } from '../kinds.js';

const CALL = 'call';
const RECORDS = 'records';
const LOGS = 'logs';

/** pino's levels and `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Call behaviour, records, logs and inspector variables. */
export const CALL_SETTINGS = {
  VOXSTATE_BUSINESS: setting(text, {
    group: CALL,
    defaultDoc: '`examples/knowledge-base/business.json`',
    description:
      'business data file (name, languages, phone, opening hours...) used by the prompts and greetings',
  }),
  VOXSTATE_STT: setting(oneOf(['whisper', 'script']), {
    group: CALL,
    defaultDoc: '`whisper` (the demo: `script` when no Whisper model is present)',
    description:
      'speech-to-text engine: `whisper` (local, in a worker) or `script` (simulator only: transcripts come from the caller script; `voxstate serve` has no script to read, so use it only with the simulator)',
  }),
  VOXSTATE_DETECT_LANGUAGE: setting(bool, {
    group: CALL,
    default: false,
    description: "let Whisper detect each utterance's language instead of using the call's",
  }),
  VOXSTATE_MAX_TURNS: setting(int(0), {
    group: CALL,
    default: 30,
    description: 'answered turns after which the bot says goodbye',
  }),
  VOXSTATE_MAX_SILENCE_MS: setting(duration('ms', 1), {
    group: CALL,
    default: 8000,
    description: 'caller silence before "are you still there?"',
  }),
  VOXSTATE_MAX_SILENCE_PROMPTS: setting(int(0), {
    group: CALL,
    default: 2,
    description: 'such prompts before the bot says goodbye',
  }),
  VOXSTATE_MAX_CALL_MS: setting(duration('ms', 1), {
    group: CALL,
    default: 900_000,
    description: 'longest call (15 min)',
  }),
  VOXSTATE_MAX_NOT_UNDERSTOOD: setting(int(0), {
    group: CALL,
    default: 3,
    description: 'consecutive empty transcripts before goodbye',
  }),
  VOXSTATE_BARGE_IN_ON_GREETING: setting(bool, {
    group: CALL,
    default: false,
    description: 'let the caller interrupt the greeting',
  }),
  VOXSTATE_LOG_TRANSCRIPTS: setting(bool, {
    group: CALL,
    default: false,
    description:
      "keep each turn's transcript (the caller's words) and answer (the bot's words; for an interrupted answer, the part whose audio had started) in the stored call event log, up to 2,000 characters each; deleted with the call record after `VOXSTATE_RETENTION_DAYS` (see [transcripts and phone numbers](#transcripts-and-phone-numbers))",
  }),
  VOXSTATE_PRICES: setting(text, {
    group: RECORDS,
    defaultDoc: 'example list prices',
    description:
      'JSON file with the price table (STT per second, LLM per token per model, TTS per character, embeddings per token, realtime per audio and text token)',
  }),
  VOXSTATE_FLAGS: setting(text, {
    group: RECORDS,
    description:
      'feature flags and rollouts: inline JSON (starting with `{`) or a JSON file, e.g. `{"stt":{"whisper":10,"cloud":90},"routing":"on"}`',
  }),
  VOXSTATE_RETENTION_DAYS: setting(num(0, Number.MAX_VALUE, { above: true }), {
    group: RECORDS,
    default: 30,
    description:
      'days: call records older than this are deleted by `voxstate maintenance` and at `voxstate serve` start-up',
  }),
  VOXSTATE_RECORDING_RETENTION_DAYS: setting(num(0, Number.MAX_VALUE, { above: true }), {
    group: RECORDS,
    default: 30,
    description:
      'days: call recordings (`<data folder>/recordings`, for a business whose `recording` is on) last written longer ago are deleted by `voxstate maintenance` and at `voxstate serve` start-up',
  }),
  VOXSTATE_LOG_LEVEL: setting(oneOf(LOG_LEVELS), {
    group: LOGS,
    defaultDoc: '`info` for `voxstate serve`, `warn` for the other commands',
    description: 'pino level',
  }),
  VOXSTATE_LOG_PRETTY: setting(bool, {
    group: LOGS,
    defaultDoc: 'on when stdout is a terminal',
    description:
      '`voxstate serve` only: on prints readable logs (pino-pretty, same as `--pretty`), off JSON lines even on a terminal',
  }),
  VOXSTATE_LOG_PII: setting(bool, {
    group: LOGS,
    default: false,
    description:
      "lets personal data into the logs: the caller's words and the bot's answers in each `turn` line, the caller's number in `call started`; it also keeps the caller's number in the stored call event log. Secrets are scrubbed anyway",
  }),
  VOXSTATE_INSPECT: setting(bool, {
    group: LOGS,
    default: false,
    description: 'starts the Stately inspector (same as `--inspect`)',
  }),
  VOXSTATE_INSPECT_PORT: setting(port, {
    group: LOGS,
    defaultDoc: '8080',
    description: 'its bridge server port (same as `--inspect=<port>`)',
  }),
  VOXSTATE_INSPECT_HOST: setting(text, {
    group: LOGS,
    defaultDoc: '`127.0.0.1`',
    description: 'its interface',
  }),
  VOXSTATE_INSPECT_PII: setting(bool, {
    group: LOGS,
    default: false,
    description:
      'lets transcripts and phone numbers through to the inspector (same as `--inspect-pii`)',
  }),
  VOXSTATE_DEBUG: setting(text, {
    group: LOGS,
    description: 'any value: the CLI prints stack traces instead of one-line errors',
  }),
};
