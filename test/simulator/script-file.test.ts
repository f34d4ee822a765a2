import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { parseCallerScript } from '../../src/simulator/script-file.js';

describe('parseCallerScript', () => {
  it('accepts every step kind', () => {
    const script = parseCallerScript({
      lang: 'ru',
      steps: [
        { waitForBot: {} },
        { say: 'Здравствуйте', lang: 'ru', interruptAfterMs: 500 },
        { dtmf: '12#', gapMs: 100 },
        { pause: 300 },
        { waitForBot: { silenceMs: 700, timeoutMs: 5000 } },
        { waitForBot: { afterHold: true } },
        { hangup: true },
      ],
    });
    expect(script.steps).toHaveLength(7);
    expect(script.steps[5]).toEqual({ waitForBot: { afterHold: true } });
    expect(script.lang).toBe('ru');
    expect(parseCallerScript([{ pause: 1 }]).steps).toEqual([{ pause: 1 }]);
    expect(parseCallerScript({ sendSilence: false, steps: [] }).sendSilence).toBe(false);
    expect(parseCallerScript({ echo: { gainDb: -20 }, steps: [] }).echo).toEqual({ gainDb: -20 });
  });

  it.each([
    [{ steps: [{ say: '' }] }, /step 1: `say`/],
    [{ steps: [{ pause: -1 }] }, /step 1: `pause`/],
    [{ steps: [{ pause: 1 }, { dtmf: '12x' }] }, /step 2: `dtmf`/],
    [{ steps: [{ hangup: 'yes' }] }, /`hangup` must be true/],
    [{ steps: [{ waitForBot: { afterHold: 1 } }] }, /`afterHold` must be true or false/],
    [{ steps: [{ sing: 'la' }] }, /unknown step: sing/],
    [{ nope: true }, /expected \{ steps/],
    [{ sendSilence: 'no', steps: [] }, /`sendSilence` must be true or false/],
    [{ echo: { gainDb: 6 }, steps: [] }, /`echo` must be/],
  ])('rejects %j', (value, message) => {
    expect(() => parseCallerScript(value, 'call.json')).toThrow(ParseError);
    expect(() => parseCallerScript(value, 'call.json')).toThrow(message);
  });
});
