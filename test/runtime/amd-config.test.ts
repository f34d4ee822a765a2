import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { AMD_DEFAULTS } from '../../src/media/amd/index.js';
import { runtimeConfigFromEnv } from '../../src/runtime/config.js';

function error(env: Record<string, string>): string {
  try {
    runtimeConfigFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no ConfigError');
}

describe('VOXSTATE_AMD_* in the runtime configuration', () => {
  it('off by default, with Asterisk defaults and hang-up on a machine', () => {
    expect(runtimeConfigFromEnv({}).amd).toEqual({
      enabled: false,
      params: AMD_DEFAULTS,
      noiseFloor: true,
      beep: true,
      onMachine: 'hangup',
      message: undefined,
    });
  });

  it("reads AMD()'s argument order; an empty place keeps its default", () => {
    const { amd } = runtimeConfigFromEnv({
      VOXSTATE_AMD: 'true',
      VOXSTATE_AMD_PARAMS: '3000,,300',
      VOXSTATE_AMD_ON_MACHINE: 'message',
      VOXSTATE_AMD_MESSAGE: '  Please call us back.  ',
    });
    expect(amd).toMatchObject({
      enabled: true,
      params: {
        initialSilenceMs: 3000,
        greetingMs: AMD_DEFAULTS.greetingMs,
        afterGreetingSilenceMs: 300,
      },
      onMachine: 'message',
      message: 'Please call us back.',
    });
  });

  it('bad values name the variable', () => {
    expect(error({ VOXSTATE_AMD_PARAMS: '2500,soon' })).toContain('VOXSTATE_AMD_PARAMS');
    expect(error({ VOXSTATE_AMD: 'true', VOXSTATE_AMD_ON_MACHINE: 'message' })).toContain(
      'VOXSTATE_AMD_MESSAGE',
    );
    expect(error({ VOXSTATE_AMD_ON_MACHINE: 'voicemail' })).toContain('VOXSTATE_AMD_ON_MACHINE');
  });
});
