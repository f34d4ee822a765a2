/**
 * A business's actions, declared in its business data (`business.json`, fields `tools`,
 * `builtins`, `transfer` and `digits`) and validated with zod: HTTP tools (name, description, JSON-schema parameters, an
 * endpoint whose headers come from NAMED environment variables, a timeout, what to say when it
 * fails), the built-in tools it enables (`transfer_call`, `end_call`, `send_dtmf`) and what each
 * keypad digit does; its named transfer targets are in `transfer-config.ts`. Secrets are never in the file, only the names of the variables that hold
 * them; {@link describeActions} never prints a header value.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import {
  resolveTransferPlan,
  type TransferPlan,
  transferSchema,
  transferTargetName,
} from './transfer-config.js';

/** The built-in tools voxstate implements itself. */
export const BUILTIN_TOOLS = ['transfer_call', 'end_call', 'send_dtmf'] as const;

/** A built-in tool's name. */
export type BuiltinToolName = (typeof BUILTIN_TOOLS)[number];

const toolName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'a tool name is letters, digits, _ and - (max 64)');

const httpToolSchema = z.strictObject({
  name: toolName,
  description: z.string().min(1),
  parameters: z
    .looseObject({ type: z.literal('object') })
    .default({ type: 'object', properties: {} }),
  endpoint: z.strictObject({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: z.url({ protocol: /^https?$/ }),
    /** Header name -> name of the environment variable holding its value. */
    headersFromEnv: z
      .record(z.string().min(1), z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an env var name'))
      .default({}),
  }),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /** Spoken (and told to the model) when the tool fails or times out. */
  onFailure: z.string().min(1).default('Sorry, I could not do that right now.'),
  /** A slow tool gets a filler after this long, ms. */
  fillerAfterMs: z.number().int().min(0).default(700),
});

/** One HTTP tool, validated. */
export type HttpToolConfig = z.infer<typeof httpToolSchema>;

const digitAction = z.discriminatedUnion('action', [
  /** `target` names one of the business's transfer targets (default: the default target). */
  z.strictObject({ action: z.literal('transfer'), target: transferTargetName.optional() }),
  z.strictObject({ action: z.literal('repeat') }),
  z.strictObject({ action: z.literal('end_call') }),
  /** Ends the number the caller is typing; it becomes the caller's turn text for a tool. */
  z.strictObject({ action: z.literal('submit') }),
]);

/** What one keypad digit does. */
export type DigitAction = z.infer<typeof digitAction>;

const actionsSchema = z.strictObject({
  tools: z.array(httpToolSchema).default([]),
  builtins: z.array(z.enum(BUILTIN_TOOLS)).default(['end_call']),
  /** The named transfer targets (transfer-config.ts). */
  transfer: transferSchema.optional(),
  digits: z.record(z.string().regex(/^[0-9*#A-D]$/, 'a keypad digit'), digitAction).default({}),
});

/** A business's validated actions, its transfer targets resolved. */
export type BusinessActions = Omit<z.infer<typeof actionsSchema>, 'transfer'> & {
  transfer?: TransferPlan;
};

/** No tools, `end_call` only, no digit actions. */
export const NO_ACTIONS: BusinessActions = { tools: [], builtins: ['end_call'], digits: {} };

/**
 * Validates the `tools`, `builtins`, `transfer` and `digits` fields of a business's data.
 *
 * @throws ConfigError naming every bad field (`tools.0.endpoint.url: ...`).
 * @example
 * ```ts
 * const actions = parseBusinessActions(JSON.parse(await readFile('business.json', 'utf8')));
 * ```
 */
export function parseBusinessActions(json: unknown, source = 'business data'): BusinessActions {
  const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const picked = Object.fromEntries(
    ['tools', 'builtins', 'transfer', 'digits'].filter((k) => k in o).map((k) => [k, o[k]]),
  );
  const parsed = actionsSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`${source}: bad actions: ${lines.join('; ')}`);
  }
  const names = new Set<string>();
  for (const t of parsed.data.tools) {
    if (names.has(t.name) || (BUILTIN_TOOLS as readonly string[]).includes(t.name)) {
      throw new ConfigError(`${source}: tool name "${t.name}" is used twice or is a built-in`);
    }
    names.add(t.name);
  }
  const { transfer: rawTransfer, ...rest } = parsed.data;
  const transfer = rawTransfer ? resolveTransferPlan(rawTransfer) : undefined;
  if (typeof transfer === 'string') throw new ConfigError(`${source}: bad actions: ${transfer}`);
  const needsTransfer =
    parsed.data.builtins.includes('transfer_call') ||
    Object.values(parsed.data.digits).some((d) => d.action === 'transfer');
  if (needsTransfer && !transfer) {
    throw new ConfigError(
      `${source}: transfer_call and transfer digits need "transfer": { "targets": { ... } }`,
    );
  }
  for (const [digit, action] of Object.entries(parsed.data.digits)) {
    if (action.action === 'transfer' && action.target && !transfer?.targets[action.target]) {
      throw new ConfigError(
        `${source}: bad actions: digits.${digit}.target: "${action.target}" is not a transfer target`,
      );
    }
  }
  return { ...rest, ...(transfer ? { transfer } : {}) };
}

/**
 * Reads a business data file's actions (the rest of the file is read by `loadBusinessData`).
 *
 * @throws ConfigError when the file cannot be read or its actions are invalid.
 */
export async function loadBusinessActions(path: string): Promise<BusinessActions> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read actions from business data ${path}`, { cause: err });
  }
  return parseBusinessActions(raw, path);
}

/** The actions without secrets (header values are never read here), for logs. */
export function describeActions(actions: BusinessActions): Record<string, unknown> {
  return {
    tools: actions.tools.map((t) => ({
      name: t.name,
      method: t.endpoint.method,
      host: new URL(t.endpoint.url).host,
      headersFromEnv: Object.keys(t.endpoint.headersFromEnv),
      timeoutMs: t.timeoutMs,
    })),
    builtins: actions.builtins,
    transferTargets: actions.transfer
      ? Object.values(actions.transfer.targets).map((t) => ({
          name: t.name,
          modes: [t.blind ? 'blind' : '', t.agent ? 'attended' : ''].filter(Boolean),
          hold: t.hold ? ('music' in t.hold ? 'music' : 'prompt') : 'none',
        }))
      : [],
    digits: Object.fromEntries(Object.entries(actions.digits).map(([d, a]) => [d, a.action])),
  };
}
