/**
 * Scripted callees on outbound calls through the simulated Asterisk and the real ari-client:
 * the app originates, bridges the answered channel with its AudioSocket media, and runs
 * answering-machine detection on what it hears. A voicemail is MACHINE, its beep is found, and
 * the message sent after it reaches the machine; a person saying "Hello?" is HUMAN.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AmdResult,
  AnsweringMachineDetector,
  type MessagePoint,
  MessagePointDetector,
  samplesOf,
} from '../../src/media/amd/index.js';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import { createEspeakEngine, type EspeakEngine } from '../../src/providers/tts/espeak.js';
import { personCallee, voicemailCallee } from '../../src/simulator/callees.js';
import { toneAudio } from '../../src/simulator/caller-script.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';

let tts: EspeakEngine;
beforeAll(() => {
  tts = createEspeakEngine({ threads: 1 });
});
afterAll(async () => {
  await tts.close();
});

describe('outbound calls to scripted callees, with AMD on the media', () => {
  let sim: SimulatedAsterisk;
  let ari: AriConnection;
  let audio: AudioSocketServer;
  let port: number;

  beforeEach(async () => {
    sim = new SimulatedAsterisk({
      tts,
      endpoints: {
        'PJSIP/+15550001': voicemailCallee({
          beep: true,
          greeting: 'Please leave a message after the tone.',
          answerAfterMs: 200,
          recordMs: 3000,
        }),
        'PJSIP/+15550002': personCallee({ answerAfterMs: 200 }),
      },
    });
    const { url } = await sim.start();
    audio = new AudioSocketServer();
    ({ port } = await audio.listen());
    ari = await connectAri({ url, user: 'voxstate', password: 'voxstate', app: 'voxstate' });
    await sim.waitForApp('voxstate');
  });
  afterEach(async () => {
    ari.close();
    await audio.close();
    await sim.stop();
  });

  /** Originates `endpoint`, bridges it with AudioSocket media, and returns that media. */
  async function dialWithMedia(endpoint: string) {
    const answered = new Promise<string>((resolve) =>
      ari.client.on('StasisStart', (_e, ch) => {
        if (!ch.name.startsWith('AudioSocket/')) resolve(ch.id);
      }),
    );
    await ari.client.channels.originate({ endpoint, app: 'voxstate', timeout: 5 });
    const channelId = await answered;
    const uuid = randomUUID();
    const waiting = audio.waitFor(uuid, 3000);
    const media = await ari.client.channels.externalMedia({
      app: 'voxstate',
      external_host: `127.0.0.1:${port}`,
      format: 'slin16',
      encapsulation: 'audiosocket',
      transport: 'tcp',
      data: uuid,
    } as Parameters<typeof ari.client.channels.externalMedia>[0]);
    const conn = await waiting;
    const bridge = await ari.client.bridges.create({ type: 'mixing' });
    await ari.client.bridges.addChannel({ bridgeId: bridge.id, channel: [channelId, media.id] });
    return { conn, channelId };
  }

  it('a voicemail: MACHINE, then its beep; the message sent after the beep is recorded', async () => {
    const { conn } = await dialWithMedia('PJSIP/+15550001');
    const amd = new AnsweringMachineDetector();
    const points = new MessagePointDetector();
    let result: AmdResult | undefined;
    let point: MessagePoint | undefined;
    let sent = false;
    const send = () => {
      sent = true;
      const message = Buffer.from(toneAudio(600, 400, 6000).buffer);
      for (let i = 0; i < 20; i++)
        setTimeout(() => conn.send(message.subarray(i * 640, (i + 1) * 640)), i * 20);
    };
    conn.on('audio', (frame: Buffer) => {
      const samples = samplesOf(frame);
      result ??= amd.push(samples);
      if (result?.status === 'MACHINE') point ??= points.push(samples);
      if (point?.kind === 'beep' && !sent) send();
    });
    await vi.waitFor(() => expect(point?.kind).toBe('beep'), { timeout: 10_000 });
    expect(result?.status).toBe('MACHINE');
    const machine = [...sim.channels.values()].find((c) => c.runner)?.runner;
    await vi.waitFor(() =>
      expect(machine?.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true),
    );
    const beepAt = machine!.recording.timeline.find((e) => e.kind === 'caller.sound.start')!.atMs;
    const heardAt = machine!.recording.timeline.find((e) => e.kind === 'bot.audio.start')!.atMs;
    expect(heardAt).toBeGreaterThanOrEqual(beepAt + 500);
  });

  it('a person saying "Hello?": HUMAN soon after they stop', async () => {
    const { conn } = await dialWithMedia('PJSIP/+15550002');
    const amd = new AnsweringMachineDetector();
    let result: AmdResult | undefined;
    conn.on('audio', (frame: Buffer) => {
      result ??= amd.push(samplesOf(frame));
    });
    await vi.waitFor(() => expect(result).toBeDefined(), { timeout: 5000 });
    expect(result).toMatchObject({ status: 'HUMAN', cause: 'HUMAN-800-800' });
  });
});
