import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import { toneAudio } from '../../src/simulator/caller-script.js';
import { runScriptedCalls } from '../../src/simulator/run-calls.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { AriApp } from '../../src/telephony/ari-app.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';

describe('runScriptedCalls', () => {
  let sim: SimulatedAsterisk;
  let ari: AriConnection;
  let audio: AudioSocketServer;
  let app: AriApp;

  beforeEach(async () => {
    sim = new SimulatedAsterisk();
    const { url } = await sim.start();
    audio = new AudioSocketServer();
    const { port } = await audio.listen();
    ari = await connectAri({ url, user: 'voxstate', password: 'voxstate', app: 'voxstate' });
    app = new AriApp({
      ari,
      media: { transport: 'audiosocket', server: audio, externalHost: `127.0.0.1:${port}` },
    });
    // A stand-in bot: answers each end of caller speech with 200 ms of tone, 100 ms later.
    app.on('call', (call) => {
      let loud = 0;
      let quiet = 0;
      call.media.on('audio', (frame) => {
        const level = Math.abs(frame.readInt16LE(100)) + Math.abs(frame.readInt16LE(300));
        if (level > 500) {
          loud++;
          quiet = 0;
        } else if (loud > 0 && ++quiet === 5) {
          loud = 0;
          const reply = Buffer.from(toneAudio(600, 200).buffer);
          for (let i = 0; i < 10; i++)
            setTimeout(() => call.media.send(reply.subarray(i * 640, (i + 1) * 640)), i * 20);
        }
      });
    });
    app.start();
  });
  afterEach(async () => {
    await app.stop();
    ari.close();
    await audio.close();
    await sim.stop();
  });

  it('runs concurrent scripted calls and measures each turn', async () => {
    const results = await runScriptedCalls({
      sim,
      app: 'voxstate',
      calls: 4,
      concurrency: 2,
      script: {
        steps: [
          { say: 'hi', audio: toneAudio(300, 200) },
          { waitForBot: { silenceMs: 100 } },
          { hangup: true },
        ],
      },
    });
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    for (const r of results) {
      expect(r.timedOut).toBe(false);
      expect(r.turns).toHaveLength(1);
      // 5 quiet frames (100 ms) of endpointing in the stand-in bot, plus transport.
      expect(r.turns[0]!.latencyMs).toBeGreaterThanOrEqual(80);
      expect(
        r.turns[0]!.latencyMs,
        'from the end of speech, not the start of the call',
      ).toBeLessThan(r.wallMs - 300);
    }
  });
});
