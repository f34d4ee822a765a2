/**
 * Where a business's calls are transferred to a person: its named transfer targets, declared
 * in its business data (`business.json`, field `transfer`) and validated with zod. Each target
 * says how it is reached: blind into the dialplan (context, extension, priority) or by redirect
 * to an endpoint, and attended by dialling an agent's endpoint; how long the agent may ring,
 * what the caller hears before the transfer, while the agent rings (music on hold of a class,
 * or a prompt repeated) and when nobody answers. One target is the default. The
 * `transfer_call` tool's `target` argument and the keypad's `transfer` digits choose among the
 * targets by name; an unknown name is never dialled.
 *
 * @module
 */
import { z } from 'zod';

/** A transfer target's name (what the model passes as `target`). */
export const transferTargetName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/, 'a target name is letters, digits, _ and - (max 64)');

const holdSchema = z.union([
  /** Asterisk's music on hold of this class (`musiconhold.conf`), on the caller's channel. */
  z.strictObject({ music: z.string().min(1) }),
  /** A prompt spoken to the caller, again every `repeatMs` until the agent answers. */
  z.strictObject({
    prompt: z.string().min(1),
    repeatMs: z.number().int().min(1000).max(120_000).default(8000),
  }),
]);

/** What the caller hears while the agent's leg rings. */
export type HoldAudio = z.infer<typeof holdSchema>;

const texts = {
  ringTimeoutMs: z.number().int().min(1000).max(300_000).optional(),
  announcement: z.string().min(1).optional(),
  noAnswer: z.string().min(1).optional(),
  hold: holdSchema.optional(),
};

const targetSchema = z
  .strictObject({
    /** Told to the model: who answers there. */
    description: z.string().min(1).optional(),
    /** The mode used when the request names none (default: attended when `agent` is set). */
    mode: z.enum(['blind', 'attended']).optional(),
    /** Blind into the dialplan (a queue, a ring group): `continueInDialplan`. */
    dialplan: z
      .strictObject({
        context: z.string().min(1).default('default'),
        extension: z.string().min(1),
        priority: z.number().int().min(1).default(1),
      })
      .optional(),
    /** Blind by redirect (SIP 302 / REFER) to this endpoint, e.g. `PJSIP/200`. */
    redirect: z.string().min(1).optional(),
    /** Attended: the agent's endpoint the bot dials, e.g. `PJSIP/agent-100`. */
    agent: z.string().min(1).optional(),
    ...texts,
  })
  .refine((t) => t.dialplan || t.redirect || t.agent, {
    message: 'a target needs "dialplan", "redirect" or "agent"',
  })
  .refine((t) => !(t.dialplan && t.redirect), {
    message: 'a target has "dialplan" or "redirect", not both',
  });

/** The `transfer` field of a business's data, as written. */
export const transferSchema = z.strictObject({
  /** The target used when a request names none (default: the first target). */
  default: transferTargetName.optional(),
  targets: z
    .record(transferTargetName, targetSchema)
    .refine((t) => Object.keys(t).length > 0, { message: 'at least one target' }),
  ...texts,
});

/** Where a blind transfer sends the caller (the same shape as the telephony's `BlindTarget`). */
export type BlindDestination =
  | { kind: 'dialplan'; context: string; extension: string; priority: number }
  | { kind: 'redirect'; endpoint: string };

/** One transfer target with every default filled in. */
export interface TransferTarget {
  name: string;
  description?: string;
  /** The mode used when the request names none. */
  mode: 'blind' | 'attended';
  /** Blind: where the caller goes; undefined: this target has no blind transfer. */
  blind?: BlindDestination;
  /** Attended: the agent's endpoint; undefined: this target has no attended transfer. */
  agent?: string;
  /** How long the agent may ring, ms. */
  ringTimeoutMs: number;
  /** Said to the caller before the transfer. */
  announcement: string;
  /** Said to the caller when the agent does not answer or the transfer fails. */
  noAnswer: string;
  /** What the caller hears while the agent rings; undefined: silence. */
  hold?: HoldAudio;
}

/** A business's transfer targets, resolved (plain data: it is part of a call's context). */
export interface TransferPlan {
  /** The name of the target used when a request names none. */
  default: string;
  targets: Record<string, TransferTarget>;
}

/** Defaults of the caller's phrases and the ring timeout. */
export const TRANSFER_DEFAULTS = {
  ringTimeoutMs: 20_000,
  announcement: 'Please hold, I am connecting you with a colleague.',
  noAnswer: 'I am sorry, nobody could take your call right now. How else can I help?',
} as const;

/**
 * Resolves a validated `transfer` field: every target gets the business-wide phrases,
 * timeout and hold audio unless it has its own.
 *
 * @returns the plan, or a message naming what is wrong (an unknown default).
 */
export function resolveTransferPlan(raw: z.infer<typeof transferSchema>): TransferPlan | string {
  const names = Object.keys(raw.targets);
  const fallback = raw.default ?? names[0]!;
  if (!names.includes(fallback)) {
    return `transfer.default: "${fallback}" is not a target (targets: ${names.join(', ')})`;
  }
  const targets: Record<string, TransferTarget> = {};
  for (const [name, t] of Object.entries(raw.targets)) {
    const blind: BlindDestination | undefined = t.redirect
      ? { kind: 'redirect', endpoint: t.redirect }
      : t.dialplan
        ? { kind: 'dialplan', ...t.dialplan }
        : undefined;
    const hold = t.hold ?? raw.hold;
    targets[name] = {
      name,
      ...(t.description ? { description: t.description } : {}),
      mode: t.mode ?? (t.agent ? 'attended' : 'blind'),
      ...(blind ? { blind } : {}),
      ...(t.agent ? { agent: t.agent } : {}),
      ringTimeoutMs: t.ringTimeoutMs ?? raw.ringTimeoutMs ?? TRANSFER_DEFAULTS.ringTimeoutMs,
      announcement: t.announcement ?? raw.announcement ?? TRANSFER_DEFAULTS.announcement,
      noAnswer: t.noAnswer ?? raw.noAnswer ?? TRANSFER_DEFAULTS.noAnswer,
      ...(hold ? { hold } : {}),
    };
  }
  return { default: fallback, targets };
}

/**
 * The target a request names, or the default one when it names none; undefined for a name the
 * plan does not have (or no plan).
 */
export function transferTargetOf(
  plan: TransferPlan | undefined,
  name: string | undefined,
): TransferTarget | undefined {
  if (!plan) return undefined;
  return plan.targets[name ?? plan.default];
}

/**
 * The mode a request gets at `target`: the requested one when the target has it, else the one
 * it has (a target with only an agent is attended, one with only a blind destination blind).
 */
export function transferModeAt(
  target: TransferTarget,
  requested: 'blind' | 'attended' | undefined,
): 'blind' | 'attended' {
  const want = requested ?? target.mode;
  if (want === 'attended') return target.agent ? 'attended' : 'blind';
  return target.blind ? 'blind' : 'attended';
}
