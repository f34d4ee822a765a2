/**
 * Call recording with consent, end to end: the runtime, the real ari-client and the simulated
 * Asterisk, for a business whose `recording` is on. A recorded call (the caller hears the
 * consent first; the WAV has the caller's "speech", a pure tone, on the left and the bot's
 * greeting on the right, where they were on the line, and lasts as long as the call after the
 * consent), an opt-out by DTMF during the consent (no WAV) and one later in the call (the WAV
 * is deleted), then `voxstate calls list|show` and `voxstate maintenance` as processes on the
 * data folder those calls left.
 */
import { mkdtemp, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveRecordingPath } from '../../src/calllog/recordings.js';
import { type CallRecord, openCallStore } from '../../src/cost/store.js';
import { SAMPLE_BUSINESS_FILE } from '../../src/runtime/config.js';
import type { CallRecording } from '../../src/simulator/call-recording.js';
import { toneAudio } from '../../src/simulator/caller-script.js';
import { voxstate } from '../cli/voxstate-process.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { metricValue } from '../helpers/metrics.js';
import { readStereo } from '../helpers/wav.js';
import { within } from './helpers.js';

const CONSENT = 'This call is recorded. Press nine if you do not agree.';
const FRAME = 320;

/** Mean absolute sample of each 20 ms frame. */
function levels(samples: Int16Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + FRAME <= samples.length; i += FRAME) {
    let sum = 0;
    for (let j = i; j < i + FRAME; j++) sum += Math.abs(samples[j]!);
    out.push(sum / FRAME);
  }
  return out;
}

/** Ms of the first frame at or after `fromMs` louder than `level`. */
function firstLoud(frameLevels: number[], fromMs = 0, level = 300): number {
  const i = frameLevels.findIndex((v, f) => f * 20 >= fromMs && v > level);
  return i < 0 ? -1 : i * 20;
}

/** The shift (frames) of `part` into `whole` where their levels differ least. */
function bestShift(part: number[], whole: number[]): number {
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let shift = 0; shift < whole.length; shift++) {
    let score = 0;
    for (let i = 0; i < part.length; i++) score += Math.abs(part[i]! - (whole[i + shift] ?? 0));
    if (score < bestScore) {
      bestScore = score;
      best = shift;
    }
  }
  return best;
}

describe('recording with consent (runtime + real ari-client + simulated Asterisk)', () => {
  let rig: CallRig;
  let folder: string;
  let consentMs: number;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'voxstate-recording-'));
    const business = JSON.parse(await readFile(SAMPLE_BUSINESS_FILE, 'utf8'));
    const file = join(folder, 'business.json');
    await writeFile(
      file,
      JSON.stringify({
        ...business,
        recording: { enabled: true, consent: { en: CONSENT }, optOutDigit: '9' },
      }),
    );
    rig = await startCallRig({ env: { VOXSTATE_BUSINESS: file }, recordCalls: true });
    // As a running instance has them: the greetings and the consent in the TTS cache.
    const warmed = await rig.runtime.speech.prewarmFirst();
    expect(warmed.failed).toBe(0);
    const { audio } = await rig.runtime.speech.tts.synthesizeAll(CONSENT, {
      language: 'en',
      format: 'slin16',
    });
    consentMs = audio.length / 32;
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await rm(rig?.dataDir ?? '', { recursive: true, force: true });
    await rm(folder, { recursive: true, force: true });
  });

  /** The stored record of a call once the runtime has written it and finished its file. */
  async function storedCall(id: string): Promise<CallRecord> {
    return vi.waitFor(
      async () => {
        const store = await openCallStore({ dataDir: rig.dataDir });
        try {
          const record = await store.getCall(id);
          if (!record) throw new Error(`call ${id} not stored yet`);
          return record;
        } finally {
          store.close();
        }
      },
      { timeout: 20_000, interval: 100 },
    );
  }

  function firstBotAudio(recording: CallRecording, fromMs = 0): number {
    return recording.timeline.find((e) => e.kind === 'bot.audio.start' && e.atMs >= fromMs)!.atMs;
  }

  it('records both sides after the consent: caller left, greeting right, aligned', async () => {
    const { sim, handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 1_200, timeoutMs: 40_000 } },
        { say: 'Hello?', audio: toneAudio(500, 600) },
        { pause: 400 },
        { hangup: true },
      ],
    });
    await within(handle.done, 60_000, 'the recorded call');
    const record = await storedCall(handle.id);
    expect(record.recordingPath).toMatch(/^recordings\/\d{4}-\d{2}-\d{2}\/.+\.wav$/);
    const wav = await vi.waitFor(
      async () => {
        const data = await readFile(resolveRecordingPath(rig.dataDir, record.recordingPath!));
        readStereo(data); // the header is final once the file is finished
        return data;
      },
      { timeout: 10_000, interval: 100 },
    );
    const { left, right } = readStereo(wav);
    const line = sim.recording;

    // The caller heard the consent first: bot audio from its start for as long as the consent.
    const consentAt = firstBotAudio(line);
    const heard = levels(line.samples('bot'));
    const consentFrames = heard.slice(consentAt / 20, (consentAt + consentMs) / 20);
    expect(consentFrames.filter((v) => v > 100).length).toBeGreaterThan(consentFrames.length * 0.4);
    const recordingFrom = consentAt + consentMs;

    // The WAV starts when the consent ends and lasts until the call ended.
    const wavMs = (left.length / 16_000) * 1000;
    expect(Math.abs(wavMs - (line.durationMs - recordingFrom))).toBeLessThan(600);

    // Caller on the left: silent until the tone, which lies where the caller said it.
    const saidAt = line.timeline.find((e) => e.kind === 'caller.speech.start')!.atMs;
    const leftLevels = levels(left);
    const toneInWav = firstLoud(leftLevels);
    expect(Math.abs(toneInWav - (saidAt - recordingFrom))).toBeLessThan(300);
    expect(leftLevels.slice(toneInWav / 20, toneInWav / 20 + 25).every((v) => v > 1000)).toBe(true);

    // Bot on the right: the greeting, before the caller spoke. Where the bot audio the caller
    // heard matches the right channel best is where the recording started on the line; the tone
    // lies there too (both sides on one clock).
    const rightLevels = levels(right);
    const greetingInWav = firstLoud(rightLevels);
    expect(greetingInWav).toBeGreaterThanOrEqual(0);
    expect(greetingInWav).toBeLessThan(toneInWav);
    expect(rightLevels.slice(0, toneInWav / 20).filter((v) => v > 300).length).toBeGreaterThan(20);
    const shift = bestShift(rightLevels, heard);
    const lastBotBefore = (lv: number[], beforeMs: number) => {
      let at = -1;
      lv.forEach((v, f) => {
        if (f * 20 < beforeMs && v > 300) at = f * 20;
      });
      return at;
    };
    const gapOnLine = saidAt - lastBotBefore(heard, saidAt);
    const gapInWav = toneInWav - lastBotBefore(rightLevels, toneInWav);
    // Coarse (the consent lasts 3.4 s; its start on the line is found by level): the recording
    // began when the consent had been played, not before.
    expect(Math.abs(shift * 20 - recordingFrom)).toBeLessThan(600);
    // Over the whole call the line's clock and ours drift apart a little on a busy machine
    // (40-160 ms seen); the 1.2 s silence between the greeting and the tone is kept to within
    // the frame steps and both event loops' jitter (20-100 ms seen at a load average of 22). A
    // side laid end to end regardless of time, or placed by the other side's frame count, would
    // lose or stretch it by seconds.
    expect(Math.abs(toneInWav + shift * 20 - saidAt)).toBeLessThan(250);
    expect(Math.abs(gapInWav - gapOnLine)).toBeLessThan(200);

    const kinds = record.events.events.filter((e) => e.type === 'recording');
    expect(kinds.map((e) => e.fields?.result)).toEqual(['consent', 'started']);
    await vi.waitFor(async () =>
      expect(
        await metricValue(rig.registry, 'voxstate_recordings_total', { result: 'recorded' }),
      ).toBe(1),
    );
  }, 90_000);

  it('an opt-out during the consent: the call goes on, nothing is recorded', async () => {
    const { handle } = await rig.placeCall({
      steps: [
        { pause: 600 },
        { dtmf: '9' },
        { waitForBot: { silenceMs: 1_500, timeoutMs: 40_000 } },
        { hangup: true },
      ],
    });
    const output = await within(handle.done, 60_000, 'the opted-out call');
    expect(output.greeting).not.toBe('none');
    const record = await storedCall(handle.id);
    expect(record.recordingPath).toBeUndefined();
    const recording = record.events.events.filter((e) => e.type === 'recording');
    expect(recording.map((e) => e.fields)).toEqual([
      { result: 'consent' },
      { result: 'opted_out', during: 'consent' },
    ]);
    const days = await readdir(join(rig.dataDir, 'recordings')).catch(() => []);
    for (const day of days) {
      expect(await readdir(join(rig.dataDir, 'recordings', day))).not.toContain(`${handle.id}.wav`);
    }
  }, 90_000);

  it('an opt-out later in the call stops the recording and deletes it', async () => {
    const { handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 2_000, timeoutMs: 40_000 } },
        { dtmf: '9' },
        { pause: 600 },
        { hangup: true },
      ],
    });
    await within(handle.done, 60_000, 'the call opted out later');
    const record = await storedCall(handle.id);
    expect(record.recordingPath).toBeUndefined();
    expect(
      record.events.events.filter((e) => e.type === 'recording').map((e) => e.fields?.result),
    ).toEqual(['consent', 'started', 'opted_out']);
    const days = await readdir(join(rig.dataDir, 'recordings'));
    for (const day of days) {
      expect(await readdir(join(rig.dataDir, 'recordings', day))).not.toContain(`${handle.id}.wav`);
    }
    expect(
      await metricValue(rig.registry, 'voxstate_recordings_total', { result: 'opted_out' }),
    ).toBe(2);
  }, 90_000);

  it('a hang-up during the consent ends the call there: no greeting, nothing recorded', async () => {
    const { sim, handle } = await rig.placeCall({ steps: [{ pause: 800 }, { hangup: true }] });
    const output = await within(handle.done, 60_000, 'the call hung up during the consent');
    expect(output).toMatchObject({ endReason: 'hangup', turns: 0 });
    expect(output.greeting).not.toBe('spoken');
    // The caller heard the start of the consent, and nothing after they hung up.
    expect(sim.recording.timeline.map((e) => e.kind)).toContain('bot.audio.start');
    const record = await storedCall(handle.id);
    expect(record.recordingPath).toBeUndefined();
    expect(record.events.events.filter((e) => e.type === 'recording').map((e) => e.fields)).toEqual(
      [{ result: 'consent' }, { result: 'abandoned', during: 'consent' }],
    );
    expect(
      await metricValue(rig.registry, 'voxstate_recordings_total', { result: 'abandoned' }),
    ).toBe(1);
    expect(rig.runtime.activeCalls).toBe(0);
  }, 90_000);

  it('a disk that refuses the recording ends the recording, not the call', async () => {
    const folder = join(rig.dataDir, 'recordings');
    await rename(folder, `${folder}.kept`);
    await writeFile(folder, 'not a folder');
    try {
      const { handle } = await rig.placeCall({
        steps: [
          { waitForBot: { silenceMs: 1_200, timeoutMs: 40_000 } },
          { say: 'Hello?', audio: toneAudio(500, 400) },
          { pause: 400 },
          { hangup: true },
        ],
      });
      const output = await within(handle.done, 60_000, 'the call whose recording failed');
      expect(output).toMatchObject({ endReason: 'hangup', greeting: 'spoken' });
      const record = await storedCall(handle.id);
      expect(record.recordingPath).toBeUndefined();
      expect(
        record.events.events.filter((e) => e.type === 'recording').map((e) => e.fields),
      ).toEqual([
        { result: 'consent' },
        { result: 'started', path: expect.stringContaining(handle.id) },
        { result: 'failed', during: 'write' },
      ]);
      expect(
        await metricValue(rig.registry, 'voxstate_recordings_total', { result: 'failed' }),
      ).toBe(1);
      expect(
        await metricValue(rig.registry, 'voxstate_errors_total', {
          kind: 'storage',
          component: 'recording',
        }),
      ).toBe(1);
    } finally {
      await rm(folder, { force: true });
      await rename(`${folder}.kept`, folder);
    }
  }, 90_000);

  it('voxstate calls list|show read the calls; maintenance deletes old recordings', async () => {
    const env = { VOXSTATE_DATA_DIR: rig.dataDir, VOXSTATE_LOG_LEVEL: 'silent' };
    const list = await voxstate(['calls', 'list', '--json'], env);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const calls = JSON.parse(list.stdout) as Array<{
      id: string;
      recorded: boolean;
      caller: string;
    }>;
    expect(calls).toHaveLength(5);
    expect(calls.map((c) => c.recorded)).toEqual([false, false, false, false, true]); // newest first
    expect(calls.every((c) => c.caller === 'redacted')).toBe(true);
    const recorded = calls[4]!;

    const table = await voxstate(['calls', 'list', '--limit', '1'], env);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+started \(UTC\)\s+caller\s+duration/);
    expect(table.stdout.trim().split('\n')).toHaveLength(2);

    const show = await voxstate(['calls', 'show', recorded.id], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`call ${recorded.id}`);
    expect(show.stdout).toMatch(/recording {2}recordings\/\S+\.wav \(\d+\.\ds\)/);
    expect(show.stdout).toMatch(/recording\s+result=started/);
    expect(show.stdout).toContain('transcript: not shown (VOXSTATE_LOG_TRANSCRIPTS is off)');
    const shown = JSON.parse(
      (await voxstate(['calls', 'show', recorded.id, '--json'], env)).stdout,
    );
    expect(shown.recording).toMatchObject({ exists: true });
    expect(shown.events.map((e: { type: string }) => e.type)).toContain('ended');

    const missing = await voxstate(['calls', 'show', 'no-such-call'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`voxstate calls: no call "no-such-call" in ${rig.dataDir}\n`);

    // Retention: the recording, made 40 days ago as far as the disk knows, is deleted.
    const file = resolveRecordingPath(rig.dataDir, shown.recording.path);
    const old = (Date.now() - 40 * 86_400_000) / 1000;
    await utimes(file, old, old);
    const maintenance = await voxstate(['maintenance', '--json'], env);
    expect(maintenance.code).toBe(0);
    expect(JSON.parse(maintenance.stdout).recordings).toMatchObject({ deleted: 1, kept: 0 });
    const after = JSON.parse(
      (await voxstate(['calls', 'show', recorded.id, '--json'], env)).stdout,
    );
    expect(after.recording).toEqual({ path: shown.recording.path, exists: false });
  }, 120_000);
});
