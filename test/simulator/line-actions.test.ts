/**
 * The simulated Asterisk's line operations: music on hold on a channel (`POST/DELETE
 * channels/{id}/moh`: the person hears a tone instead of the bridge, the class is recorded) and
 * DTMF sent to the far end (`POST channels/{id}/dtmf`: each digit reaches the person, `w`
 * waits), with Asterisk's errors for a missing channel, a missing or bad `dtmf`. A scripted
 * person's `waitForDtmf` step goes on when the digits arrive, even if they came early.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CallerScriptRunner } from '../../src/simulator/caller-script.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';

const AUTH = { Authorization: `Basic ${Buffer.from('voxstate:voxstate').toString('base64')}` };

describe('simulated Asterisk: music on hold and DTMF', () => {
  let sim: SimulatedAsterisk;
  let ws: WebSocket;
  afterEach(async () => {
    ws?.close();
    await sim?.stop();
  });

  async function started() {
    sim = new SimulatedAsterisk({});
    const { url } = await sim.start();
    ws = new WebSocket(
      `${url.replace('http', 'ws')}/ari/events?app=voxstate&api_key=voxstate:voxstate`,
    );
    await new Promise((resolve) => ws.once('open', resolve));
    await sim.waitForApp('voxstate');
    const rest = async (method: string, path: string) => {
      const res = await fetch(`${url}/ari${path}`, { method, headers: AUTH });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const call = await sim.placeCall({ script: { steps: [{ pause: 60_000 }] } });
    return { rest, call };
  }

  it('music on hold: the person hears it from start to stop; a missing channel is 404', async () => {
    const { rest, call } = await started();
    expect((await rest('POST', '/channels/nope/moh')).status).toBe(404);
    expect((await rest('POST', `/channels/${call.channelId}/moh?mohClass=jazz`)).status).toBe(204);
    await vi.waitFor(() => expect(call.recording.samples('bot').length).toBeGreaterThan(320 * 5));
    expect((await rest('DELETE', `/channels/${call.channelId}/moh`)).status).toBe(204);
    const marks = call.recording.timeline.filter((e) => e.kind.startsWith('moh.'));
    expect(marks.map((e) => [e.kind, e.text])).toEqual([
      ['moh.start', 'jazz'],
      ['moh.stop', 'jazz'],
    ]);
    const heard = call.recording.samples('bot').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(call.recording.samples('bot').length).toBe(heard);
    // Stopping again is not an error (as in Asterisk).
    expect((await rest('DELETE', `/channels/${call.channelId}/moh`)).status).toBe(204);
  });

  it('DTMF reaches the person digit by digit; a missing or bad dtmf is 400', async () => {
    const { rest, call } = await started();
    expect((await rest('POST', `/channels/${call.channelId}/dtmf`)).status).toBe(400);
    expect((await rest('POST', `/channels/${call.channelId}/dtmf?dtmf=1x`)).status).toBe(400);
    const sent = await rest(
      'POST',
      `/channels/${call.channelId}/dtmf?dtmf=${encodeURIComponent('1w2#')}&between=20&duration=20`,
    );
    expect(sent.status).toBe(204);
    await vi.waitFor(() => expect(call.runner.dtmfReceived).toBe('12#'));
    const digits = call.recording.timeline.filter((e) => e.kind === 'caller.dtmf.received');
    expect(digits.map((e) => e.digit)).toEqual(['1', '2', '#']);
  });

  it('waitForDtmf goes on once the digits came, also when they came during an earlier step', () => {
    const runner = new CallerScriptRunner(
      {
        steps: [
          { pause: 100 },
          { waitForDtmf: { digits: '1', timeoutMs: 10_000 } },
          { waitForDtmf: { digits: '2', timeoutMs: 10_000 } },
          { hangup: true },
        ],
      },
      new Map(),
    );
    let hungUp = false;
    runner.on('hangup', () => {
      hungUp = true;
    });
    runner.receiveDtmf('1');
    for (let i = 0; i < 20; i++) runner.pull();
    expect(hungUp).toBe(false);
    runner.receiveDtmf('2');
    runner.pull();
    expect(hungUp).toBe(true);
  });
});
