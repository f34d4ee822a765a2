/**
 * The one configuration schema: every environment variable voxstate reads, with its type, range,
 * default, description and whether it is a secret. {@link readEnv} parses an environment against
 * it and reports every wrong value at once in one {@link ConfigError}; the area loaders
 * (`runtimeConfigFromEnv`, `speechConfigFromEnv`, ...) shape its typed result, and the variable
 * tables of docs/configuration.md are generated from it (`npm run docs:config`).
 *
 * Adding a variable is one entry in the right `settings/*.ts` file, then `npm run docs:config`.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { EXPECTED_PREFIX, type Setting } from './kinds.js';
import { ACTION_SETTINGS } from './settings/actions.js';
import { ANSWER_SETTINGS } from './settings/answers.js';
import { CALL_SETTINGS } from './settings/call.js';
import { INFERENCE_SETTINGS } from './settings/inference.js';
import { KNOWLEDGE_SETTINGS } from './settings/knowledge.js';
import { REALTIME_SETTINGS } from './settings/realtime.js';
import { SPEECH_SETTINGS } from './settings/speech.js';
import { STT_SETTINGS } from './settings/stt.js';
import { TELEPHONY_SETTINGS } from './settings/telephony.js';
import { TRACING_SETTINGS } from './settings/tracing.js';

/** Every setting, by variable name. */
export const SETTINGS = {
  ...TELEPHONY_SETTINGS,
  ...CALL_SETTINGS,
  ...INFERENCE_SETTINGS,
  ...KNOWLEDGE_SETTINGS,
  ...ANSWER_SETTINGS,
  ...SPEECH_SETTINGS,
  ...STT_SETTINGS,
  ...REALTIME_SETTINGS,
  ...TRACING_SETTINGS,
  ...ACTION_SETTINGS,
};

/** A variable of the schema. */
export type VarName = keyof typeof SETTINGS;

/** The parsed environment: each variable's typed value (or its default, or undefined). */
export type Config = {
  [K in VarName]: (typeof SETTINGS)[K] extends Setting<infer T> ? T : never;
};

/** The raw environment: any variables, as strings. */
export type RawEnv = Readonly<Record<string, string | undefined>>;

/** A rule across variables: returns the message (naming the variable) when it is broken. */
interface Check {
  vars: readonly VarName[];
  test(config: Config): string | undefined;
}

/** Rules that involve more than one variable, checked after each variable parsed. */
const CHECKS: readonly Check[] = [
  {
    vars: ['VOXSTATE_BARGE_IN_PAUSE_MS', 'VOXSTATE_BARGE_IN_MIN_SPEECH_MS'],
    test: (c) =>
      c.VOXSTATE_BARGE_IN_PAUSE_MS !== undefined &&
      c.VOXSTATE_BARGE_IN_PAUSE_MS > c.VOXSTATE_BARGE_IN_MIN_SPEECH_MS
        ? 'VOXSTATE_BARGE_IN_PAUSE_MS must be <= VOXSTATE_BARGE_IN_MIN_SPEECH_MS (the bot pauses before a barge-in is confirmed)'
        : undefined,
  },
  {
    vars: ['VOXSTATE_VAD_NEG_THRESHOLD', 'VOXSTATE_VAD_THRESHOLD', 'VOXSTATE_BARGE_IN_THRESHOLD'],
    test: (c) =>
      c.VOXSTATE_VAD_NEG_THRESHOLD <= c.VOXSTATE_VAD_THRESHOLD &&
      c.VOXSTATE_VAD_THRESHOLD <= c.VOXSTATE_BARGE_IN_THRESHOLD
        ? undefined
        : 'VAD thresholds must satisfy VOXSTATE_VAD_NEG_THRESHOLD <= VOXSTATE_VAD_THRESHOLD <= VOXSTATE_BARGE_IN_THRESHOLD',
  },
  {
    vars: ['VOXSTATE_CLOUD_EMBED_MODEL', 'VOXSTATE_CLOUD_EMBED_API_KEY', 'OPENAI_API_KEY'],
    test: (c) =>
      c.VOXSTATE_CLOUD_EMBED_MODEL && !c.VOXSTATE_CLOUD_EMBED_API_KEY && !c.OPENAI_API_KEY
        ? 'VOXSTATE_CLOUD_EMBED_MODEL is set but neither VOXSTATE_CLOUD_EMBED_API_KEY nor OPENAI_API_KEY is'
        : undefined,
  },
  {
    vars: ['VOXSTATE_STT_DEEPGRAM_BASE_URL', 'VOXSTATE_STT_DEEPGRAM_API_KEY', 'DEEPGRAM_API_KEY'],
    test: (c) =>
      c.VOXSTATE_STT_DEEPGRAM_BASE_URL && !c.VOXSTATE_STT_DEEPGRAM_API_KEY && !c.DEEPGRAM_API_KEY
        ? 'VOXSTATE_STT_DEEPGRAM_BASE_URL is set but no Deepgram API key is (VOXSTATE_STT_DEEPGRAM_API_KEY or DEEPGRAM_API_KEY)'
        : undefined,
  },
  {
    vars: ['VOXSTATE_BRAIN', 'VOXSTATE_REALTIME_API_KEY', 'OPENAI_API_KEY'],
    test: (c) =>
      c.VOXSTATE_BRAIN === 'realtime' && !c.VOXSTATE_REALTIME_API_KEY && !c.OPENAI_API_KEY
        ? 'VOXSTATE_BRAIN is realtime but neither VOXSTATE_REALTIME_API_KEY nor OPENAI_API_KEY is set'
        : undefined,
  },
  {
    vars: ['VOXSTATE_AMD_ON_MACHINE', 'VOXSTATE_AMD_MESSAGE'],
    test: (c) =>
      c.VOXSTATE_AMD_ON_MACHINE === 'message' && !c.VOXSTATE_AMD_MESSAGE
        ? 'VOXSTATE_AMD_ON_MACHINE is message but VOXSTATE_AMD_MESSAGE is not set'
        : undefined,
  },
  {
    vars: ['ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY'],
    test: (c) =>
      c.ANTHROPIC_BASE_URL && !c.ANTHROPIC_API_KEY
        ? 'ANTHROPIC_BASE_URL is set but ANTHROPIC_API_KEY is not'
        : undefined,
  },
];

const NAMES = Object.keys(SETTINGS) as VarName[];

/**
 * One wrong value: `NAME must be <expected>, got "<value>"`, the value left out for a secret.
 * `message` is the schema issue (`expected:...`) or a ready sentence.
 */
export function describeIssue(name: string, message: string, env: RawEnv): string {
  if (!message.startsWith(EXPECTED_PREFIX)) return `${name}: ${message}`;
  const expected = message.slice(EXPECTED_PREFIX.length);
  const setting = (SETTINGS as Record<string, Setting<unknown>>)[name];
  const got = setting?.secret ? '' : `, got "${env[name]}"`;
  return `${name} must be ${expected}${got}`;
}

/** The message of a {@link ConfigError} listing `problems`: one line each. */
export function configErrorMessage(problems: readonly string[]): string {
  if (problems.length === 1) return problems[0]!;
  return `${problems.length} settings are wrong:\n${problems.map((p) => `  ${p}`).join('\n')}`;
}

/**
 * Parses `env` against the schema: every variable, or only `names` (and the cross-variable rules
 * among them). Unset and empty variables take their defaults.
 *
 * @throws {ConfigError} listing every wrong value, each naming its variable and what it accepts.
 * @example
 * ```ts
 * const config = readEnv(process.env);
 * config.VOXSTATE_OPS_PORT; // 9464 unless set
 * const { VOXSTATE_LOG_PII } = readEnv(process.env, ['VOXSTATE_LOG_PII']);
 * ```
 */
export function readEnv(env: RawEnv): Config;
export function readEnv<K extends VarName>(env: RawEnv, names: readonly K[]): Pick<Config, K>;
export function readEnv(env: RawEnv, names?: readonly VarName[]): Partial<Config> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of names ?? NAMES) {
    const result = SETTINGS[name].schema.safeParse(env[name]);
    if (result.success) {
      values[name] = result.data;
    } else {
      for (const issue of result.error.issues) {
        problems.push(describeIssue(name, issue.message, env));
      }
    }
  }
  const config = values as Config;
  for (const check of CHECKS) {
    if (!check.vars.every((v) => v in values)) continue;
    const problem = check.test(config);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new ConfigError(configErrorMessage(problems));
  return config;
}

/**
 * The variables set in `env` that the schema knows, for logs and `voxstate config`: secrets as
 * `(set)`, never their value.
 */
export function describeEnv(env: RawEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of NAMES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    out[name] = SETTINGS[name].secret ? '(set)' : raw;
  }
  return out;
}
