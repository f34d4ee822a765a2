import { describe, expect, test } from 'vitest';
import { assignFlags } from '../../src/config/flags.js';
import { callTurnTaking, turnTakingConfigFromEnv } from '../../src/config/turn-taking.js';
import { ConfigError } from '../../src/errors.js';

describe('turn-taking configuration', () => {
  test('defaults: fixed 500 ms (as before), adaptive bounds 250/800, no noise suppression', () => {
    const c = turnTakingConfigFromEnv({});
    expect(c.endOfTurn).toEqual({
      mode: 'fixed',
      silenceMs: 500,
      shortSilenceMs: 250,
      longSilenceMs: 800,
    });
    expect(c.noiseSuppression).toBe(false);
    expect(c.noisePool).toMatchObject({ minThreads: 1, maxThreads: 1, maxQueue: 512 });
  });

  test('variables set the policy and its silences', () => {
    const c = turnTakingConfigFromEnv({
      VOXSTATE_END_OF_TURN: 'adaptive',
      VOXSTATE_END_OF_TURN_SHORT_MS: '200',
      VOXSTATE_END_OF_TURN_LONG_MS: '900',
      VOXSTATE_END_SILENCE_MS: '600',
      VOXSTATE_NOISE_SUPPRESSION: 'true',
      VOXSTATE_NOISE_THREADS: '1-2',
      VOXSTATE_SPECULATIVE_RETRIEVAL: 'false',
    });
    expect(c.speculativeRetrieval).toBe(false);
    expect(c.endOfTurn).toEqual({
      mode: 'adaptive',
      silenceMs: 600,
      shortSilenceMs: 200,
      longSilenceMs: 900,
    });
    expect(c.noiseSuppression).toBe(true);
    expect(c.noisePool).toMatchObject({ minThreads: 1, maxThreads: 2 });
  });

  test('a wrong value names its variable', () => {
    expect(() => turnTakingConfigFromEnv({ VOXSTATE_END_OF_TURN: 'smart' })).toThrow(
      /VOXSTATE_END_OF_TURN/,
    );
    expect(() => turnTakingConfigFromEnv({ VOXSTATE_END_OF_TURN_SHORT_MS: '-5' })).toThrow(
      ConfigError,
    );
  });

  test('the eot and noise flags override the settings per call', () => {
    const c = turnTakingConfigFromEnv({});
    expect(callTurnTaking(c, {})).toEqual({
      endOfTurn: c.endOfTurn,
      noiseSuppression: false,
      preemptiveAnswers: false,
    });
    expect(callTurnTaking(c, { preempt: 'on' }).preemptiveAnswers).toBe(true);
    expect(
      callTurnTaking({ ...c, preemptiveAnswers: true }, { preempt: 'off' }).preemptiveAnswers,
    ).toBe(false);
    expect(
      callTurnTaking({ ...c, preemptiveAnswers: true }, { preempt: 'x' }).preemptiveAnswers,
    ).toBe(true);
    const on = callTurnTaking(c, { eot: 'adaptive', noise: 'on' });
    expect(on.endOfTurn.mode).toBe('adaptive');
    expect(on.noiseSuppression).toBe(true);
    const odd = callTurnTaking({ ...c, noiseSuppression: true }, { eot: 'magic', noise: 'off' });
    expect(odd.endOfTurn.mode).toBe('fixed');
    expect(odd.noiseSuppression).toBe(false);
    // A 50/50 rollout splits calls stably.
    const rollout = { eot: { adaptive: 50, fixed: 50 } };
    const modes = Array.from(
      { length: 200 },
      (_, i) => callTurnTaking(c, assignFlags(`call-${i}`, rollout)).endOfTurn.mode,
    );
    const adaptive = modes.filter((m) => m === 'adaptive').length;
    expect(adaptive).toBeGreaterThan(60);
    expect(adaptive).toBeLessThan(140);
  });
});
