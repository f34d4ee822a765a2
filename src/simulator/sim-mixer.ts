/**
 * Mixing inside a simulated bridge that holds two or more scripted persons (a caller and an
 * agent, with or without the app's media channel): on every 20 ms tick of the shared media
 * clock each person says their next frame and hears the sum of everyone else's, the app's
 * audio included; a media channel in the bridge hears the sum of the persons. A bridge with
 * a single person needs no mixer: its media channel drives that person (sim-bridge-audio.ts).
 *
 * @module
 */

import type { ClockSubscriber, MediaClock } from './media-clock.js';
import type { SimBridge, SimChannel } from './sim-model.js';

/** Most app frames queued for one person (a burst beyond this is dropped, as a jitter buffer would). */
const MAX_QUEUED = 10;

/** Sum of 20 ms slin16 frames, clipped; undefined when none is given. */
export function mixFrames(frames: ReadonlyArray<Buffer | undefined>): Buffer | undefined {
  const present = frames.filter((f): f is Buffer => f !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  const out = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) {
    let v = 0;
    for (const f of present) if (i * 2 + 1 < f.length) v += f.readInt16LE(i * 2);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, v)), i * 2);
  }
  return out;
}

/** The mixer of one bridge with two or more scripted persons. */
export class BridgeMixer implements ClockSubscriber {
  readonly #members: () => SimChannel[];
  readonly #fromApp = new Map<string, Buffer[]>();
  #last: Array<Buffer | undefined> = [];

  /** `members` lists the bridge's channels now (it changes as channels come and go). */
  constructor(members: () => SimChannel[]) {
    this.#members = members;
  }

  /** Runs `framesDue` 20 ms steps. */
  tick(framesDue: number): void {
    for (let i = 0; i < framesDue; i++) this.#step();
  }

  /** What a media channel in the bridge hears now: the persons' last frames, mixed. */
  heardByMedia(): Buffer | undefined {
    return mixFrames(this.#last);
  }

  /** The app sent `frame` on a media channel of the bridge: every person hears it next tick. */
  fromApp(frame: Buffer): void {
    for (const p of this.#persons()) {
      const q = this.#fromApp.get(p.id) ?? [];
      if (q.length < MAX_QUEUED) q.push(frame);
      this.#fromApp.set(p.id, q);
    }
  }

  #persons(): SimChannel[] {
    return this.#members().filter((c) => c.runner !== undefined && !c.destroyed);
  }

  #step(): void {
    const persons = this.#persons();
    const said = persons.map((p) => p.runner?.pull());
    persons.forEach((p, i) => {
      const others = said.filter((_, j) => j !== i);
      const heard = mixFrames([...others, this.#fromApp.get(p.id)?.shift()]);
      if (heard && !p.moh) p.runner?.hear(heard);
    });
    this.#last = said;
  }
}

/** What keeping mixers in step with bridge membership needs from the simulator. */
export interface MixerHost {
  readonly channels: Map<string, SimChannel>;
  readonly bridges: Map<string, SimBridge>;
  readonly clock: MediaClock;
  readonly mixers: Map<string, BridgeMixer>;
}

/**
 * Starts bridge `bridgeId`'s mixer when it holds two or more scripted persons, and stops it
 * when it holds fewer or is gone. Call after every change of membership.
 */
export function refreshMixer(host: MixerHost, bridgeId: string): void {
  const bridge = host.bridges.get(bridgeId);
  const members = () =>
    (host.bridges.get(bridgeId)?.channels ?? [])
      .map((id) => host.channels.get(id))
      .filter((c): c is SimChannel => c !== undefined);
  const persons = bridge ? members().filter((c) => c.runner && !c.destroyed).length : 0;
  const mixer = host.mixers.get(bridgeId);
  if (persons >= 2 && !mixer) {
    const m = new BridgeMixer(members);
    host.mixers.set(bridgeId, m);
    host.clock.add(m);
  } else if (persons < 2 && mixer) {
    host.clock.remove(mixer);
    host.mixers.delete(bridgeId);
  }
}
