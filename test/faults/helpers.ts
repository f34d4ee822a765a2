/**
 * Shared pieces of the fault-injection tests: the dead-air
 * measure over a simulated caller's recording, and per-test Redis key prefixes with clean-up.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { vi } from 'vitest';
import type { RuntimeConfig } from '../../src/runtime/config.js';
import type { CallRecording } from '../../src/simulator/call-recording.js';

/** Resolves once `check` is true ({@link vi.waitFor}); an error naming `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Dead air of one caller turn, in media ms. */
export interface TurnDeadAir {
  text: string;
  /** Caller's end of speech to the first bot audio (undefined: the bot never spoke). */
  firstAudioMs: number | undefined;
  /** Longest silence between two bot audio runs before the caller's next step. */
  longestGapMs: number;
  /** The larger of the two (the end of the window when the bot never spoke). */
  worstMs: number;
}

/**
 * Dead air after each caller utterance, from the simulator's recording (media time): from the
 * end of speech to the first bot audio, and the gaps inside the bot's response up to the
 * caller's next utterance (or the end of the call). Silence after the bot's last audio of a
 * turn is the caller's turn, not dead air.
 */
export function deadAir(recording: CallRecording): TurnDeadAir[] {
  const tl = recording.timeline;
  const ends = tl.filter((e) => e.kind === 'caller.speech.end');
  return ends.map((end) => {
    const next = tl.find(
      (e) =>
        e.atMs > end.atMs &&
        (e.kind === 'caller.speech.start' || e.kind === 'caller.hangup' || e.kind === 'call.end'),
    );
    const windowEnd = next?.atMs ?? recording.durationMs;
    const bot = tl.filter(
      (e) =>
        (e.kind === 'bot.audio.start' || e.kind === 'bot.audio.end') &&
        e.atMs >= end.atMs &&
        e.atMs <= windowEnd,
    );
    const starts = bot.filter((e) => e.kind === 'bot.audio.start');
    const first = starts[0];
    let longestGapMs = 0;
    let lastEnd: number | undefined;
    for (const e of bot) {
      if (e.kind === 'bot.audio.end') lastEnd = e.atMs;
      else if (lastEnd !== undefined) {
        longestGapMs = Math.max(longestGapMs, e.atMs - lastEnd);
        lastEnd = undefined;
      }
    }
    const firstAudioMs = first ? first.atMs - end.atMs : undefined;
    return {
      text: end.text ?? '',
      firstAudioMs,
      longestGapMs,
      worstMs: Math.max(firstAudioMs ?? windowEnd - end.atMs, longestGapMs),
    };
  });
}

/** A unique Redis key prefix for one test. */
export function uniquePrefix(what: string): string {
  return `voxstate-fault-${what}-${randomUUID().slice(0, 8)}:`;
}

/** A direct Redis client (no prefix) for inspecting and cleaning a test's keys. */
export function inspectRedis(): Redis {
  return new Redis('redis://127.0.0.1:6379', { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Keys under `prefix` (full names). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** Deletes every key under `prefix`. */
export async function cleanRedis(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * The test configuration with the English phrases (greeting, fillers, apology...) pre-warmed
 * into the TTS cache at start, as in production: the filler then plays at once even when
 * several calls synthesize answers at the same time on a loaded machine.
 */
export function prewarmEnglish(config: RuntimeConfig): RuntimeConfig {
  return {
    ...config,
    speech: { ...config.speech, prewarm: true, languages: ['en'], formats: ['slin16'] },
  };
}
