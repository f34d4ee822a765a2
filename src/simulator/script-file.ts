/**
 * Reads caller scripts from JSON (files users write for `voxstate simulate`), checking every step.
 *
 * ```json
 * { "lang": "en", "sendSilence": false, "steps": [
 *   { "waitForBot": { "silenceMs": 800 } },
 *   { "say": "What are your opening hours?" },
 *   { "waitForBot": {} },
 *   { "say": "Sorry, one more thing", "interruptAfterMs": 700 },
 *   { "dtmf": "1#" },
 *   { "pause": 500 },
 *   { "hangup": true }
 * ] }
 * ```
 *
 * @module
 */

import { ParseError } from '../errors.js';
import type { CallerScript, CallerStep } from './caller-script.js';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function step(raw: unknown, where: string): CallerStep {
  const fail = (why: string): never => {
    throw new ParseError(where, why);
  };
  if (!isObj(raw)) return fail('a step must be an object');
  if ('say' in raw) {
    if (typeof raw.say !== 'string' || raw.say.trim() === '')
      fail('`say` must be a non-empty string');
    if (raw.lang !== undefined && typeof raw.lang !== 'string') fail('`lang` must be a string');
    if (raw.interruptAfterMs !== undefined && !isMs(raw.interruptAfterMs))
      fail('`interruptAfterMs` must be ms >= 0');
    return {
      say: raw.say as string,
      ...(raw.lang !== undefined ? { lang: raw.lang as string } : {}),
      ...(raw.interruptAfterMs !== undefined
        ? { interruptAfterMs: raw.interruptAfterMs as number }
        : {}),
    };
  }
  if ('pause' in raw)
    return isMs(raw.pause) ? { pause: raw.pause } : fail('`pause` must be ms >= 0');
  if ('dtmf' in raw) {
    if (typeof raw.dtmf !== 'string' || !/^[0-9A-D*#]+$/i.test(raw.dtmf))
      fail('`dtmf` must be digits 0-9, A-D, * or #');
    if (raw.gapMs !== undefined && !isMs(raw.gapMs)) fail('`gapMs` must be ms >= 0');
    return {
      dtmf: raw.dtmf as string,
      ...(raw.gapMs !== undefined ? { gapMs: raw.gapMs as number } : {}),
    };
  }
  if ('hangup' in raw)
    return raw.hangup === true ? { hangup: true } : fail('`hangup` must be true');
  if ('waitForBot' in raw) {
    const w = raw.waitForBot ?? {};
    if (!isObj(w)) return fail('`waitForBot` must be an object');
    if (w.silenceMs !== undefined && !isMs(w.silenceMs)) fail('`silenceMs` must be ms >= 0');
    if (w.timeoutMs !== undefined && !isMs(w.timeoutMs)) fail('`timeoutMs` must be ms >= 0');
    if (w.afterHold !== undefined && typeof w.afterHold !== 'boolean')
      fail('`afterHold` must be true or false');
    return {
      waitForBot: {
        ...(w.silenceMs !== undefined ? { silenceMs: w.silenceMs as number } : {}),
        ...(w.timeoutMs !== undefined ? { timeoutMs: w.timeoutMs as number } : {}),
        ...(w.afterHold !== undefined ? { afterHold: w.afterHold as boolean } : {}),
      },
    };
  }
  return fail(`unknown step: ${Object.keys(raw).join(', ') || '{}'}`);
}

/**
 * Validates parsed JSON as a {@link CallerScript}; throws {@link ParseError} naming the bad step.
 *
 * @example
 * ```ts
 * const script = parseCallerScript(JSON.parse(await readFile('call.json', 'utf8')), 'call.json');
 * ```
 */
export function parseCallerScript(value: unknown, source = 'script'): CallerScript {
  const raw = Array.isArray(value) ? { steps: value } : value;
  if (!isObj(raw) || !Array.isArray(raw.steps))
    throw new ParseError(source, 'expected { steps: [...] } or an array of steps');
  if (raw.lang !== undefined && typeof raw.lang !== 'string')
    throw new ParseError(source, '`lang` must be a string');
  if (raw.botSpeechRms !== undefined && !isMs(raw.botSpeechRms))
    throw new ParseError(source, '`botSpeechRms` must be a number >= 0');
  if (raw.sendSilence !== undefined && typeof raw.sendSilence !== 'boolean')
    throw new ParseError(source, '`sendSilence` must be true or false');
  const echo = raw.echo;
  if (
    echo !== undefined &&
    !(
      isObj(echo) &&
      typeof echo.gainDb === 'number' &&
      Number.isFinite(echo.gainDb) &&
      echo.gainDb <= 0 &&
      (echo.delayMs === undefined || isMs(echo.delayMs))
    )
  )
    throw new ParseError(source, '`echo` must be { gainDb: <= 0, delayMs?: ms >= 0 }');
  return {
    steps: raw.steps.map((s, i) => step(s, `${source}: step ${i + 1}`)),
    ...(raw.lang !== undefined ? { lang: raw.lang as string } : {}),
    ...(raw.botSpeechRms !== undefined ? { botSpeechRms: raw.botSpeechRms as number } : {}),
    ...(raw.sendSilence !== undefined ? { sendSilence: raw.sendSilence as boolean } : {}),
    ...(isObj(echo)
      ? {
          echo: {
            gainDb: echo.gainDb as number,
            ...(echo.delayMs !== undefined ? { delayMs: echo.delayMs as number } : {}),
          },
        }
      : {}),
  };
}
