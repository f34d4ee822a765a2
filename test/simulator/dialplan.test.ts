/**
 * The simulator's dialplan model for several instances: calls spread over Stasis applications
 * by a rule, an unregistered application skipped (as `Stasis()` fails), a call an application
 * sends back with continueInDialplan entering the next one, and the end of the dialplan hanging
 * the channel up.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { roundRobin } from '../../src/simulator/sim-dialplan.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';

const AUTH = { Authorization: `Basic ${Buffer.from('voxstate:voxstate').toString('base64')}` };

describe('simulated dialplan over several Stasis applications', () => {
  let sim: SimulatedAsterisk;
  let url: string;
  const sockets: WebSocket[] = [];
  /** Events received per app. */
  const seen = new Map<string, Array<{ type: string; channel?: { id: string } }>>();

  const connectApp = async (app: string) => {
    const ws = new WebSocket(
      `${url.replace('http', 'ws')}/ari/events?app=${app}&api_key=voxstate:voxstate`,
    );
    seen.set(app, []);
    ws.on('message', (m) => seen.get(app)?.push(JSON.parse(String(m))));
    sockets.push(ws);
    await sim.waitForApp(app);
    return ws;
  };
  const started = (app: string) =>
    (seen.get(app) ?? []).filter((e) => e.type === 'StasisStart').map((e) => e.channel?.id);

  beforeEach(async () => {
    sim = new SimulatedAsterisk({ dialplan: roundRobin(['vox-1', 'vox-2']) });
    ({ url } = await sim.start());
  });
  afterEach(async () => {
    for (const ws of sockets.splice(0)) ws.close();
    await sim.stop();
  });

  it('spreads calls in turn, and skips an application that is not registered', async () => {
    await connectApp('vox-1');
    await connectApp('vox-2');
    const calls = [];
    for (let i = 0; i < 4; i++) calls.push(await sim.placeCall({}));
    await vi.waitFor(() => expect(started('vox-1').length + started('vox-2').length).toBe(4));
    expect(started('vox-1')).toEqual([calls[0]?.channelId, calls[2]?.channelId]);
    expect(started('vox-2')).toEqual([calls[1]?.channelId, calls[3]?.channelId]);

    sockets[0]?.close();
    await vi.waitFor(() => expect(sim.connectedApps).toEqual(['vox-2']));
    const fallback = await sim.placeCall({});
    await vi.waitFor(() => expect(started('vox-2')).toContain(fallback.channelId));

    sockets[1]?.close();
    await vi.waitFor(() => expect(sim.connectedApps).toEqual([]));
    await expect(sim.placeCall({})).rejects.toThrow("Stasis app 'vox-2', 'vox-1' doesn't exist");
  });

  it('continueInDialplan moves a call to the next application; past the last it is hung up', async () => {
    await connectApp('vox-1');
    await connectApp('vox-2');
    const call = await sim.placeCall({});
    await vi.waitFor(() => expect(started('vox-1')).toEqual([call.channelId]));
    const back = await fetch(`${url}/ari/channels/${call.channelId}/continue`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(back.status).toBe(204);
    await vi.waitFor(() => expect(started('vox-2')).toEqual([call.channelId]));
    expect(seen.get('vox-1')?.map((e) => e.type)).toEqual(['StasisStart', 'StasisEnd']);

    const again = await fetch(`${url}/ari/channels/${call.channelId}/continue`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(again.status).toBe(204);
    await call.ended;
    expect(sim.channels.has(call.channelId)).toBe(false);
  });
});
