/** A business's `recording` settings: defaults, validation, consent per language, flags, digits. */
import { describe, expect, it } from 'vitest';
import {
  checkOptOutDigit,
  consentText,
  DEFAULT_CONSENT,
  parseRecordingConfig,
  recordsCall,
} from '../../src/calllog/recording-config.js';

describe('recording settings', () => {
  it('is off without a recording field, and off unless enabled', () => {
    expect(parseRecordingConfig({ name: 'x' })).toEqual({ enabled: false, consent: {} });
    expect(parseRecordingConfig({ recording: {} })).toEqual({ enabled: false, consent: {} });
    expect(recordsCall(parseRecordingConfig({ recording: {} }), {})).toBe(false);
  });

  it('names every bad field', () => {
    expect(() =>
      parseRecordingConfig(
        { recording: { enabled: 'yes', optOutDigit: '10', consent: { english: 'x' } } },
        'b.json',
      ),
    ).toThrow(
      /^b\.json: bad recording: recording\.enabled: .*; recording\.consent\.english: Invalid key in record; recording\.optOutDigit: a keypad digit$/,
    );
    expect(() => parseRecordingConfig({ recording: { enabled: true, extra: 1 } })).toThrow(
      /recording\.: .*extra/i,
    );
  });

  it("speaks the call's language, else English, else the default sentence", () => {
    const c = parseRecordingConfig({
      recording: { enabled: true, consent: { en: 'Recorded.', uk: 'Записується.' } },
    });
    expect(consentText(c, 'uk')).toBe('Записується.');
    expect(consentText(c, 'he')).toBe('Recorded.');
    expect(consentText({ enabled: true, consent: {} }, 'ru')).toBe(DEFAULT_CONSENT);
  });

  it('the recording flag turns a share of the calls off', () => {
    const on = parseRecordingConfig({ recording: { enabled: true } });
    expect(recordsCall(on, {})).toBe(true);
    expect(recordsCall(on, { recording: 'on' })).toBe(true);
    expect(recordsCall(on, { recording: 'off' })).toBe(false);
  });

  it('the opt-out digit may not also be a digit action', () => {
    const c = parseRecordingConfig({ recording: { enabled: true, optOutDigit: '9' } });
    expect(() => checkOptOutDigit(c, ['0', '9'], 'b.json')).toThrow(
      'b.json: recording.optOutDigit "9" is also a digit action (digits.9)',
    );
    expect(() => checkOptOutDigit(c, ['0', '*'])).not.toThrow();
    expect(() => checkOptOutDigit({ ...c, enabled: false }, ['9'])).not.toThrow();
  });
});
