import { describe, expect, it } from 'vitest';
import { serveLogFormat } from '../../src/cli/commands/serve.js';
import { ConfigError } from '../../src/errors.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { capture } from '../cli/helpers.js';

describe('log formats', () => {
  it('human: one short line per entry, the level in words, the error kept, fields and secrets out', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'human', destination: out });
    log.warn({ reason: 'same reason' }, 'no embedding model available (same reason)');
    log.error({ err: 'ECONNREFUSED', apiKey: 'sk-secret' }, 'close failed');
    log.info({ kind: 'stt', name: 'script' }, 'call started');
    log.debug('not shown');
    expect(out.text()).toBe(
      'warning: no embedding model available (same reason)\n' +
        'error: close failed: ECONNREFUSED\n' +
        'info: call started\n',
    );
  });

  it('pretty: time, level, message and every field, not JSON; secrets still redacted', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'pretty', destination: out });
    log.info({ callId: 'c1', password: 'hunter2' }, 'call started');
    const text = out.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: call started\n/);
    expect(text).toContain('callId: "c1"');
    expect(text).not.toContain('hunter2');
    expect(() => JSON.parse(text)).toThrow();
  });

  it('json stays one object per line', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out }).info({ callId: 'c1' }, 'call started');
    expect(JSON.parse(out.text())).toMatchObject({ level: 30, msg: 'call started', callId: 'c1' });
  });
});

describe('serve: the log format', () => {
  it('JSON unless stdout is a terminal, --pretty or VOXSTATE_LOG_PRETTY=1', () => {
    expect(serveLogFormat(false, {}, {})).toBe('json');
    expect(serveLogFormat(false, {}, { isTTY: true })).toBe('pretty');
    expect(serveLogFormat(true, {}, {})).toBe('pretty');
    expect(serveLogFormat(false, { VOXSTATE_LOG_PRETTY: '1' }, {})).toBe('pretty');
    expect(serveLogFormat(false, { VOXSTATE_LOG_PRETTY: '0' }, { isTTY: true })).toBe('json');
    expect(() => serveLogFormat(false, { VOXSTATE_LOG_PRETTY: 'maybe' }, {})).toThrow(ConfigError);
  });
});
