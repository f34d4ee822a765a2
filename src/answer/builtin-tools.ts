/**
 * The built-in tools' specs as the model sees them: `transfer_call` (its description lists the
 * business's named transfer targets), `end_call` and `send_dtmf` (digits `0-9*#A-D`, `w` a
 * half-second pause). The tool runner validates calls against these schemas.
 *
 * @module
 */
import type { ToolSpec } from '../providers/llm/llm-provider.js';
import type { BuiltinToolName } from './tool-config.js';
import type { TransferPlan } from './transfer-config.js';

/** The `transfer_call` spec for a business: its `target` is one of the named targets. */
export function transferSpec(plan: TransferPlan | undefined): ToolSpec {
  const targets = Object.values(plan?.targets ?? {});
  const list = targets
    .map((t) => `"${t.name}"${t.description ? ` (${t.description})` : ''}`)
    .join(', ');
  return {
    name: 'transfer_call',
    description: `Transfer the caller to a person. Use when the caller asks for a human or you cannot help. Targets: ${list}; default "${plan?.default ?? ''}".`,
    parameters: {
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'One sentence for the agent about the call' },
        target: { type: 'string', description: 'Where to: one of the targets' },
        mode: { type: 'string', enum: ['blind', 'attended'] },
      },
      required: ['summary'],
      additionalProperties: false,
    },
  };
}

/** Digits `send_dtmf` takes: 0-9, *, #, A-D, and `w` (a half-second pause). */
export const DTMF_PATTERN = /^[0-9*#A-Dw]{1,32}$/;

/** The specs of `end_call` and `send_dtmf`. */
export const BUILTIN_SPECS: Record<Exclude<BuiltinToolName, 'transfer_call'>, ToolSpec> = {
  end_call: {
    name: 'end_call',
    description: 'End the call when the caller says goodbye or has nothing more to ask.',
    parameters: {
      type: 'object',
      properties: { reason: { type: 'string' } },
      additionalProperties: false,
    },
  },
  send_dtmf: {
    name: 'send_dtmf',
    description:
      'Press keypad digits on the line (an outbound call reaching a phone menu). `w` waits half a second.',
    parameters: {
      type: 'object',
      properties: { digits: { type: 'string', pattern: DTMF_PATTERN.source } },
      required: ['digits'],
      additionalProperties: false,
    },
  },
};
