/**
 * `voxstate call` with answering-machine detection (`VOXSTATE_AMD`) against the simulated
 * Asterisk's scripted callees: a person hears the greeting; a voicemail with a beep gets the
 * message after its beep; in hang-up mode a machine is hung up on before anything is said.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOutcome, run } from '../../src/cli/commands/call.js';
import { openCallStore } from '../../src/cost/store.js';
import type { CallRecording } from '../../src/simulator/call-recording.js';
import { personCallee, voicemailCallee } from '../../src/simulator/callees.js';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { capture, startSpeakingSim, tinyEnv } from '../cli/helpers.js';

const MESSAGE = 'This is the clinic. Please call us back about your appointment.';

describe('voxstate call with answering-machine detection', () => {
  let sim: SimulatedAsterisk;
  let closeSim: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  beforeAll(async () => {
    ({ sim, close: closeSim } = await startSpeakingSim({
      endpoints: {
        'PJSIP/person': personCallee({ answerAfterMs: 200 }),
        'PJSIP/voicemail': voicemailCallee({ beep: true, answerAfterMs: 200, recordMs: 8_000 }),
        'PJSIP/short-voicemail': voicemailCallee({
          beep: true,
          greeting: 'Leave a message.',
          answerAfterMs: 200,
          recordMs: 8_000,
        }),
      },
    }));
    ({ env, dataDir } = await tinyEnv(sim.url));
  }, 60_000);

  afterAll(async () => {
    await closeSim?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Runs `voxstate call --json` with `extra` settings; returns the outcome and the callee's recording. */
  async function call(endpoint: string, extra: NodeJS.ProcessEnv) {
    let recording: CallRecording | undefined;
    const watch = () => {
      for (const ch of sim.channels.values()) {
        if (ch.kind === 'outbound' && ch.runner) recording ??= ch.runner.recording;
      }
    };
    sim.on('request', watch);
    const out = capture();
    const err = capture();
    const code = await run([endpoint, '--json'], { out, err, env: { ...env, ...extra } });
    sim.off('request', watch);
    expect(err.text()).toBe('');
    expect(code).toBe(0);
    const kinds = recording?.timeline.map((e) => e.kind) ?? [];
    return { outcome: JSON.parse(out.text()) as CallOutcome, recording, kinds };
  }

  it('a person: HUMAN, then the bot greets them as without AMD', async () => {
    const { outcome, kinds, recording } = await call('PJSIP/person', { VOXSTATE_AMD: 'true' });
    expect(outcome.amd).toMatchObject({ status: 'HUMAN', action: 'call' });
    expect(outcome.endReason).toBe('hangup');
    expect(kinds).toContain('bot.audio.start');
    const saidAt = recording!.timeline.find((e) => e.kind === 'caller.speech.start')!.atMs;
    const greetedAt = recording!.timeline.find((e) => e.kind === 'bot.audio.start')!.atMs;
    expect(greetedAt).toBeGreaterThan(saidAt);
  }, 60_000);

  it('a voicemail with a beep, message mode: the message is recorded after the beep', async () => {
    const { outcome, recording } = await call('PJSIP/voicemail', {
      VOXSTATE_AMD: 'true',
      VOXSTATE_AMD_ON_MACHINE: 'message',
      VOXSTATE_AMD_MESSAGE: MESSAGE,
    });
    expect(outcome).toMatchObject({
      endReason: 'message',
      turns: 0,
      amd: { status: 'MACHINE', action: 'message', messageAt: 'beep' },
    });
    const beep = recording!.timeline.find((e) => e.kind === 'caller.sound.start');
    const heard = recording!.timeline.filter((e) => e.kind === 'bot.audio.start');
    expect(beep).toBeDefined();
    expect(heard.length).toBeGreaterThan(0);
    // The beep lasts 500 ms: the message (its sentences) starts once it has ended.
    for (const part of heard) expect(part.atMs).toBeGreaterThanOrEqual(beep!.atMs + 500);
    // We hung up after the message, before the machine's 8 s of recording ran out.
    expect(recording!.timeline.map((e) => e.kind)).not.toContain('caller.hangup');
    const store = await openCallStore({ dataDir });
    try {
      expect((await store.getCall(outcome.callId))?.endReason).toBe('message');
    } finally {
      store.close();
    }
  }, 60_000);

  it('a short greeting then a beep: the beep decides MACHINE and the message follows it', async () => {
    const { outcome, recording } = await call('PJSIP/short-voicemail', {
      VOXSTATE_AMD: 'true',
      VOXSTATE_AMD_ON_MACHINE: 'message',
      VOXSTATE_AMD_MESSAGE: MESSAGE,
    });
    expect(outcome).toMatchObject({
      endReason: 'message',
      amd: { status: 'MACHINE', action: 'message', messageAt: 'beep' },
    });
    expect(outcome.amd?.cause).toMatch(/^BEEP-1000-/);
    const beep = recording!.timeline.find((e) => e.kind === 'caller.sound.start')!;
    const heard = recording!.timeline.find((e) => e.kind === 'bot.audio.start')!;
    expect(heard.atMs).toBeGreaterThanOrEqual(beep.atMs + 500);
  }, 60_000);

  it('a voicemail, hang-up mode: MACHINE, hung up on without a word', async () => {
    const { outcome, kinds } = await call('PJSIP/voicemail', { VOXSTATE_AMD: 'true' });
    expect(outcome).toMatchObject({
      endReason: 'machine',
      turns: 0,
      amd: { status: 'MACHINE', action: 'hangup' },
    });
    expect(outcome.amd?.cause).toMatch(/^(LONGGREETING|MAXWORDS|MAXWORDLENGTH)-/);
    expect(kinds).not.toContain('bot.audio.start');
    expect(kinds).not.toContain('caller.hangup');
    expect(outcome.durationMs).toBeLessThan(8_000);
    // Recorded like any call: its record (end reason, AMD result in the event log).
    const store = await openCallStore({ dataDir });
    try {
      const record = await store.getCall(outcome.callId);
      expect(record).toMatchObject({ endReason: 'machine', turns: 0, direction: 'outbound' });
      const amd = record!.events.events.find((e) => e.type === 'amd');
      expect(amd?.fields).toMatchObject({ result: 'MACHINE', action: 'hangup' });
      expect(record!.events.events.map((e) => e.type)).toEqual(['started', 'amd', 'ended']);
    } finally {
      store.close();
    }
  }, 60_000);

  it('a bad setting: message mode without a message is a clear error', async () => {
    const out = capture();
    const err = capture();
    const code = await run(['PJSIP/voicemail'], {
      out,
      err,
      env: { ...env, VOXSTATE_AMD: 'true', VOXSTATE_AMD_ON_MACHINE: 'message' },
    });
    expect(code).toBe(1);
    expect(err.text()).toContain('VOXSTATE_AMD_MESSAGE');
    expect(out.text()).toBe('');
  }, 60_000);
});
