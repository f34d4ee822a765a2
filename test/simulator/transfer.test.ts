/**
 * The simulated Asterisk's transfer operations through the real ari-client (which builds its
 * API from the simulator's swagger documents): continueInDialplan to an extension that dials an
 * agent, redirect to an endpoint, create + dial of an agent's leg with Dial events, a leg that
 * rings out, and a three-party bridge whose audio is mixed.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from 'ari-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import { toneAudio } from '../../src/simulator/caller-script.js';
import type { CalleeBehavior, SimDialReport } from '../../src/simulator/simulated-asterisk.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';

/** An agent who says one line (a 700 Hz tone stands in for speech) and then listens. */
const AGENT: CalleeBehavior = {
  answerAfterMs: 150,
  script: {
    steps: [
      { pause: 100 },
      { say: 'Support, Dana speaking.', audio: toneAudio(700, 400) },
      { waitForBot: { silenceMs: 200, timeoutMs: 10_000 } },
    ],
  },
};

interface Seen {
  type: string;
  channel?: string;
  peer?: string;
  caller?: string;
  dialstatus?: string;
  state?: string;
  cause?: number;
}

describe('simulated transfers through the real ari-client', () => {
  let sim: SimulatedAsterisk;
  let ari: AriConnection;
  const seen: Seen[] = [];
  const dials: SimDialReport[] = [];

  beforeEach(async () => {
    seen.length = 0;
    dials.length = 0;
    sim = new SimulatedAsterisk({
      endpoints: {
        'PJSIP/agent-100': AGENT,
        'PJSIP/agent-200': { answer: false },
        'PJSIP/agent-300': { busy: true },
      },
      extensions: {
        '100@agents': { dial: 'PJSIP/agent-100', timeoutSec: 5 },
        '200@agents': { dial: 'PJSIP/agent-200', timeoutSec: 1 },
        '300@agents': { dial: 'PJSIP/agent-200', timeoutSec: 30 },
      },
    });
    sim.on('dial', (d) => dials.push(d));
    const { url } = await sim.start();
    ari = await connectAri({ url, user: 'voxstate', password: 'voxstate', app: 'voxstate' });
    ari.client.on('*' as 'StasisStart', (event) => {
      const e = event as unknown as Record<string, { id?: string; state?: string } | string>;
      const id = (k: string) => (e[k] as { id?: string } | undefined)?.id;
      seen.push({
        type: String(e.type),
        ...(id('channel') ? { channel: id('channel') } : {}),
        ...(id('peer') ? { peer: id('peer') } : {}),
        ...(id('caller') ? { caller: id('caller') } : {}),
        ...(typeof e.dialstatus === 'string' ? { dialstatus: e.dialstatus } : {}),
        ...((e.channel as { state?: string })?.state
          ? { state: (e.channel as { state: string }).state }
          : {}),
        ...(typeof e.cause === 'number' ? { cause: e.cause } : {}),
      });
    });
    await sim.waitForApp('voxstate');
  });
  afterEach(async () => {
    ari.close();
    await sim.stop();
  });

  const heardOther = (call: { recording: { timeline: Array<{ kind: string }> } }) =>
    call.recording.timeline.some((e) => e.kind === 'bot.audio.start');

  it('continueInDialplan to an extension: StasisEnd, the dialplan dials the agent, caller and agent hear each other', async () => {
    const caller = await sim.placeCall({
      script: {
        steps: [
          { waitForBot: { silenceMs: 200, timeoutMs: 10_000 } },
          { say: 'Hi Dana.', audio: toneAudio(500, 300) },
          { pause: 400 },
          { hangup: true },
        ],
      },
    });
    await vi.waitFor(() => expect(seen.some((e) => e.type === 'StasisStart')).toBe(true));
    await ari.client.channels.answer({ channelId: caller.channelId });
    await ari.client.channels.continueInDialplan({
      channelId: caller.channelId,
      context: 'agents',
      extension: '100',
      priority: 1,
    });
    await vi.waitFor(() =>
      expect(seen.some((e) => e.type === 'StasisEnd' && e.channel === caller.channelId)).toBe(true),
    );
    await vi.waitFor(() => expect(dials).toHaveLength(1), { timeout: 3000 });
    expect(dials[0]).toMatchObject({
      via: 'dialplan',
      endpoint: 'PJSIP/agent-100',
      status: 'ANSWER',
      callerChannelId: caller.channelId,
    });
    await caller.ended;
    const agent = dials[0]!.peer;
    await agent.ended;
    expect(heardOther(caller)).toBe(true);
    expect(heardOther(agent)).toBe(true);
    // The app was unsubscribed at StasisEnd: it saw nothing of the dial.
    expect(seen.filter((e) => e.type === 'Dial')).toEqual([]);
    await vi.waitFor(() => expect(sim.channels.size + sim.bridges.size).toBe(0));
  });

  it("the dialplan's Dial rings out (the caller is hung up, cause 19), or is cancelled when the caller hangs up while it rings", async () => {
    const first = await sim.placeCall({});
    const second = await sim.placeCall({});
    await vi.waitFor(() => expect(seen.filter((e) => e.type === 'StasisStart')).toHaveLength(2));
    await ari.client.channels.continueInDialplan({
      channelId: first.channelId,
      context: 'agents',
      extension: '200',
    });
    await ari.client.channels.continueInDialplan({
      channelId: second.channelId,
      context: 'agents',
      extension: '300',
    });
    await first.ended;
    await vi.waitFor(() => expect(dials.map((d) => d.status)).toEqual(['NOANSWER']), {
      timeout: 3000,
    });
    expect(dials[0]).toMatchObject({ via: 'dialplan', callerChannelId: first.channelId });
    expect(sim.channels.has(dials[0]!.peerChannelId)).toBe(false);
    const ringing = [...sim.channels.values()].find((c) => c.state === 'Ringing');
    expect(ringing?.name).toMatch(/^PJSIP\/agent-200-/);
    second.hangup();
    await vi.waitFor(() => expect(dials.map((d) => d.status)).toEqual(['NOANSWER', 'CANCEL']));
    await vi.waitFor(() => expect(sim.channels.size).toBe(0));
  });

  it('declares every new operation in the swagger documents ari-client builds its API from', async () => {
    const res = await fetch(`${sim.url}/ari/api-docs/channels.json?api_key=voxstate:voxstate`);
    const doc = (await res.json()) as {
      apis: Array<{ path: string; operations: Array<{ nickname: string; httpMethod: string }> }>;
    };
    const ops = doc.apis.flatMap((a) =>
      a.operations.map((o) => `${o.httpMethod} ${a.path} ${o.nickname}`),
    );
    expect(ops).toEqual(
      expect.arrayContaining([
        'POST /channels/create create',
        'POST /channels/{channelId}/dial dial',
        'POST /channels/{channelId}/redirect redirect',
        'POST /channels/{channelId}/continue continueInDialplan',
      ]),
    );
    const events = await fetch(`${sim.url}/ari/api-docs/events.json?api_key=voxstate:voxstate`);
    const models = ((await events.json()) as { models: Record<string, unknown> }).models;
    expect(models.Dial).toMatchObject({
      properties: { peer: { type: 'Channel' }, caller: { type: 'Channel' }, dialstatus: {} },
    });
    for (const name of ['create', 'dial', 'redirect', 'continueInDialplan']) {
      expect(typeof (ari.client.channels as unknown as Record<string, unknown>)[name]).toBe(
        'function',
      );
    }
  });

  it('continueInDialplan to a location with no extension hangs the channel up', async () => {
    const caller = await sim.placeCall({});
    await vi.waitFor(() => expect(seen.some((e) => e.type === 'StasisStart')).toBe(true));
    await ari.client.channels.continueInDialplan({
      channelId: caller.channelId,
      context: 'nowhere',
      extension: '999',
    });
    await caller.ended;
    expect(dials).toEqual([]);
  });

  it('redirect: 422 for another technology; to PJSIP/agent-100 the channel ends for the app and the caller reaches the agent', async () => {
    const caller = await sim.placeCall({
      script: {
        steps: [
          { waitForBot: { silenceMs: 200, timeoutMs: 10_000 } },
          { say: 'Hello.', audio: toneAudio(500, 300) },
          { pause: 300 },
          { hangup: true },
        ],
      },
    });
    await vi.waitFor(() => expect(seen.some((e) => e.type === 'StasisStart')).toBe(true));
    const wrong = await ari.client.channels
      .redirect({ channelId: caller.channelId, endpoint: 'SIP/agent-100' })
      .catch((e: Error) => e);
    expect(String((wrong as Error).message)).toMatch(/does not match channel technology/);
    await ari.client.channels.redirect({
      channelId: caller.channelId,
      endpoint: 'PJSIP/agent-100',
    });
    await vi.waitFor(() =>
      expect(seen.filter((e) => e.channel === caller.channelId).map((e) => e.type)).toEqual([
        'StasisStart',
        'ChannelHangupRequest',
        'StasisEnd',
        'ChannelDestroyed',
      ]),
    );
    await vi.waitFor(() => expect(dials[0]?.status).toBe('ANSWER'), { timeout: 3000 });
    expect(dials[0]?.via).toBe('redirect');
    await caller.ended;
    expect(heardOther(caller)).toBe(true);
    expect(heardOther(dials[0]!.peer)).toBe(true);
  });

  it("create + dial: the agent's leg rings and answers with Dial events; one that rings out is hung up with cause 19, a busy one with 17", async () => {
    const caller = await sim.placeCall({});
    const agent = await ari.client.channels.create({
      endpoint: 'PJSIP/agent-100',
      app: 'voxstate',
      appArgs: 'agent',
    });
    expect(agent.state).toBe('Down');
    await vi.waitFor(() =>
      expect(seen.find((e) => e.type === 'StasisStart' && e.channel === agent.id)?.state).toBe(
        'Down',
      ),
    );
    const dialEvents = new Promise<string[]>((resolve) => {
      const statuses: string[] = [];
      ari.client.on('Dial', (event) => {
        const ev = event as unknown as { peer: Channel; dialstatus: string };
        if (ev.peer.id !== agent.id) return;
        statuses.push(ev.dialstatus);
        if (ev.dialstatus === 'ANSWER') resolve(statuses);
      });
    });
    await ari.client.channels.dial({ channelId: agent.id, caller: caller.channelId, timeout: 5 });
    expect(await dialEvents).toEqual(['', 'RINGING', 'ANSWER']);
    expect(
      seen
        .filter((e) => e.type === 'ChannelStateChange' && e.channel === agent.id)
        .map((e) => e.state),
    ).toEqual(['Ringing', 'Up']);
    expect(seen.find((e) => e.type === 'Dial' && e.peer === agent.id)?.caller).toBe(
      caller.channelId,
    );
    const again = await ari.client.channels.dial({ channelId: agent.id }).catch((e: Error) => e);
    expect(String((again as Error).message)).toMatch(/cannot be dialed/);

    const silent = await ari.client.channels.create({
      endpoint: 'PJSIP/agent-200',
      app: 'voxstate',
    });
    await ari.client.channels.dial({ channelId: silent.id, timeout: 1 });
    const busy = await ari.client.channels.create({ endpoint: 'PJSIP/agent-300', app: 'voxstate' });
    await ari.client.channels.dial({ channelId: busy.id });
    await vi.waitFor(
      () => {
        const destroyed = (id: string) =>
          seen.find((e) => e.type === 'ChannelDestroyed' && e.channel === id)?.cause;
        expect(destroyed(silent.id)).toBe(19);
        expect(destroyed(busy.id)).toBe(17);
      },
      { timeout: 3000 },
    );
    const statusOf = (id: string) =>
      seen.filter((e) => e.type === 'Dial' && e.peer === id).map((e) => e.dialstatus);
    expect(statusOf(silent.id)).toEqual(['', 'RINGING', 'NOANSWER']);
    expect(statusOf(busy.id)).toEqual(['', 'BUSY']);
    expect(dials.map((d) => [d.endpoint, d.status])).toEqual(
      expect.arrayContaining([
        ['PJSIP/agent-100', 'ANSWER'],
        ['PJSIP/agent-200', 'NOANSWER'],
        ['PJSIP/agent-300', 'BUSY'],
      ]),
    );
  });

  it('hanging up a ringing leg cancels its dial', async () => {
    const leg = await ari.client.channels.create({ endpoint: 'PJSIP/agent-200', app: 'voxstate' });
    await ari.client.channels.dial({ channelId: leg.id, timeout: 10 });
    await vi.waitFor(() =>
      expect(seen.some((e) => e.type === 'Dial' && e.dialstatus === 'RINGING')).toBe(true),
    );
    await ari.client.channels.hangup({ channelId: leg.id });
    await vi.waitFor(() => expect(dials[0]?.status).toBe('CANCEL'));
  });

  it('a three-party bridge mixes caller, agent and the app; after the app leaves, caller and agent still hear each other', async () => {
    const audio = new AudioSocketServer();
    const { port } = await audio.listen();
    try {
      const caller = await sim.placeCall({
        script: {
          steps: [
            { pause: 200 },
            { say: 'caller', audio: toneAudio(500, 2_000) },
            { waitForBot: { silenceMs: 300, timeoutMs: 10_000 } },
          ],
        },
      });
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
      const loud: number[] = [];
      conn.on('audio', (f: Buffer) => {
        let peak = 0;
        for (let i = 0; i < f.length; i += 2) peak = Math.max(peak, Math.abs(f.readInt16LE(i)));
        loud.push(peak);
      });
      const agent = await ari.client.channels.create({
        endpoint: 'PJSIP/agent-100',
        app: 'voxstate',
      });
      await ari.client.channels.dial({ channelId: agent.id, timeout: 5 });
      await vi.waitFor(() => expect(dials[0]?.status).toBe('ANSWER'));
      const bridge = await ari.client.bridges.create({ type: 'mixing' });
      await ari.client.bridges.addChannel({
        bridgeId: bridge.id,
        channel: [caller.channelId, media.id, agent.id],
      });
      expect(sim.mixers.has(bridge.id)).toBe(true);
      const tone = Buffer.from(toneAudio(300, 20, 6000).buffer);
      for (let i = 0; i < 15; i++) conn.send(tone);
      const agentCall = dials[0]!.peer;
      // The agent (700 Hz) and the caller (500 Hz) overlap: the app hears them summed.
      await vi.waitFor(() => expect(Math.max(...loud)).toBeGreaterThan(12_000), { timeout: 3000 });
      await vi.waitFor(() => expect(heardOther(agentCall)).toBe(true));
      await vi.waitFor(() => expect(heardOther(caller)).toBe(true));
      await ari.client.channels.hangup({ channelId: media.id });
      await vi.waitFor(() => expect(sim.bridges.get(bridge.id)?.channels).toHaveLength(2));
      expect(sim.mixers.has(bridge.id)).toBe(true);
      const before = agentCall.recording.samples('bot').length;
      await vi.waitFor(() =>
        expect(agentCall.recording.samples('bot').length).toBeGreaterThan(before + 320 * 10),
      );
      caller.hangup();
      await vi.waitFor(() => expect(sim.mixers.has(bridge.id)).toBe(false));
    } finally {
      await audio.close();
    }
  });
});
