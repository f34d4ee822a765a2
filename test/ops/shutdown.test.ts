import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installGracefulShutdown } from '../../src/ops/shutdown.js';

describe('graceful shutdown', () => {
  it('stops accepting, waits for calls to end, flushes in order, resolves', async () => {
    const emitter = new EventEmitter();
    const order: string[] = [];
    let active = 2;
    let release!: () => void;
    const idle = new Promise<void>((r) => {
      release = r;
    });
    const s = installGracefulShutdown({
      emitter,
      stopAccepting: () => void order.push('stop'),
      activeCalls: () => active,
      waitForIdle: () => idle,
      flushers: [
        { name: 'store', flush: async () => void order.push('store') },
        { name: 'dlq', flush: async () => void order.push('dlq') },
      ],
    });
    emitter.emit('SIGTERM');
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['stop']);
    active = 0;
    release();
    const result = await s.done;
    expect(order).toEqual(['stop', 'store', 'dlq']);
    expect(result).toEqual({
      reason: 'SIGTERM',
      drained: true,
      remainingCalls: 0,
      flushed: { store: 'ok', dlq: 'ok' },
      forced: false,
    });
    s.dispose();
    expect(emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('stops waiting at the deadline and still flushes; a failing flusher is reported', async () => {
    const emitter = new EventEmitter();
    const s = installGracefulShutdown({
      emitter,
      stopAccepting: () => {},
      activeCalls: () => 1,
      drainTimeoutMs: 30,
      flushers: [{ name: 'store', flush: () => Promise.reject(new Error('lancedb down')) }],
    });
    emitter.emit('SIGINT');
    const result = await s.done;
    expect(result.drained).toBe(false);
    expect(result.remainingCalls).toBe(1);
    expect(result.flushed).toEqual({ store: 'lancedb down' });
    s.dispose();
  });

  it('aborts a flusher at its deadline with its own signal and goes on to the next', async () => {
    const emitter = new EventEmitter();
    let stoppedBy: unknown;
    const s = installGracefulShutdown({
      emitter,
      stopAccepting: () => {},
      activeCalls: () => 0,
      flushTimeoutMs: 20,
      flushers: [
        {
          name: 'slow',
          flush: (signal) =>
            new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                stoppedBy = signal.reason;
                resolve();
              });
            }),
        },
        { name: 'next', flush: async () => {} },
      ],
    });
    emitter.emit('SIGTERM');
    const result = await s.done;
    expect(result.flushed).toEqual({ slow: 'slow timed out after 20 ms', next: 'ok' });
    expect((stoppedBy as Error).name).toBe('TimeoutError');
    s.dispose();
  });

  it('a second signal forces', async () => {
    const emitter = new EventEmitter();
    const onForce = vi.fn();
    const flush = vi.fn(async () => {});
    const s = installGracefulShutdown({
      emitter,
      stopAccepting: () => {},
      activeCalls: () => 1,
      drainTimeoutMs: 60_000,
      flushers: [{ name: 'dlq', flush }],
      onForce,
    });
    emitter.emit('SIGTERM');
    await new Promise((r) => setTimeout(r, 10));
    emitter.emit('SIGTERM');
    const result = await s.done;
    expect(onForce).toHaveBeenCalledOnce();
    expect(result.forced).toBe(true);
    expect(result.drained).toBe(false);
    expect(flush).toHaveBeenCalledOnce();
    s.dispose();
  });

  it('shutdown() is idempotent', async () => {
    const stop = vi.fn();
    const s = installGracefulShutdown({
      emitter: new EventEmitter(),
      stopAccepting: stop,
      activeCalls: () => 0,
    });
    const [a, b] = await Promise.all([s.shutdown('test'), s.shutdown('again')]);
    expect(a).toBe(b);
    expect(stop).toHaveBeenCalledOnce();
    expect(a.reason).toBe('test');
  });
});
