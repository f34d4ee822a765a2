/**
 * The simulator's AudioSocket: connects OUT to the app's `external_host` as Asterisk does, sends
 * the UUID message first, then one 0x12 slin16 message every 20 ms in real time (silence
 * included, unless the caller suppresses it: then nothing is sent while they are silent),
 * forwards DTMF as 0x03 messages, and hears the app's 0x12/0x10 audio.
 *
 * @module
 */

import net from 'node:net';
import { float32ToInt16, int16ToFloat32 } from '../audio/pcm.js';
import { resample } from '../audio/resample.js';
import { TelephonyError } from '../errors.js';
import {
  AudioSocketKind,
  AudioSocketParser,
  audioMessage,
  dtmfMessage,
  hangupMessage,
  uuidMessage,
} from '../media/audiosocket.js';
import type { ClockSubscriber, MediaClock } from './media-clock.js';
import type { MediaLink, MediaLinkHooks } from './media-link.js';

/** Connects to `host:port`; rejects with TelephonyError when the app is not listening. */
export function connectAudioSocket(
  externalHost: string,
  uuid: string,
  clock: MediaClock,
  hooks: MediaLinkHooks,
  connectTimeoutMs = 2_000,
): Promise<SimAudioSocketLink> {
  const idx = externalHost.lastIndexOf(':');
  const host = externalHost.slice(0, idx);
  const port = Number(externalHost.slice(idx + 1));
  if (idx < 0 || !Number.isInteger(port)) {
    return Promise.reject(
      new TelephonyError(`external_host must be host:port, got ${externalHost}`, {
        retryable: false,
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ''), port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TelephonyError(`AudioSocket connect to ${externalHost} timed out`));
    }, connectTimeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(
        new TelephonyError(`AudioSocket connect to ${externalHost}: ${err.message}`, {
          cause: err,
        }),
      );
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(new SimAudioSocketLink(socket, uuid, clock, hooks));
    });
  });
}

/** One simulated AudioSocket channel's TCP connection. */
export class SimAudioSocketLink implements MediaLink, ClockSubscriber {
  readonly encapsulation = 'audiosocket' as const;
  readonly #socket: net.Socket;
  readonly #clock: MediaClock;
  readonly #hooks: MediaLinkHooks;
  readonly #parser = new AudioSocketParser();
  #framesSent = 0;
  #framesSuppressed = 0;
  #framesDropped = 0;
  #closed = false;

  constructor(socket: net.Socket, uuid: string, clock: MediaClock, hooks: MediaLinkHooks) {
    this.#socket = socket;
    this.#clock = clock;
    this.#hooks = hooks;
    socket.write(uuidMessage(uuid));
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.#onClose());
    clock.add(this);
  }

  get framesSent(): number {
    return this.#framesSent;
  }

  get framesSuppressed(): number {
    return this.#framesSuppressed;
  }

  get framesDropped(): number {
    return this.#framesDropped;
  }

  tick(framesDue: number): void {
    if (this.#closed) return;
    for (let i = 0; i < framesDue; i++) {
      const frame = this.#hooks.pull();
      if (!frame) {
        this.#framesSuppressed++;
        continue;
      }
      this.#socket.write(audioMessage(frame, AudioSocketKind.Slin16));
      this.#framesSent++;
    }
  }

  sendDtmf(digit: string): void {
    if (!this.#closed) this.#socket.write(dtmfMessage(digit));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.remove(this);
    this.#socket.end(hangupMessage());
  }

  reset(): void {
    this.#closed = true;
    this.#clock.remove(this);
    this.#socket.resetAndDestroy();
  }

  #onData(chunk: Buffer): void {
    for (const msg of this.#parser.push(chunk)) {
      if (msg.kind === 'audio') {
        if (msg.type === AudioSocketKind.Slin16) this.#hooks.onAudio(msg.payload);
        else
          this.#hooks.onAudio(
            float32ToInt16(resample(int16ToFloat32(msg.payload), msg.sampleRate, 16_000)),
          );
      } else if (msg.kind === 'hangup') {
        this.#onClose();
        this.#socket.end();
      } else if (msg.kind !== 'dtmf') {
        this.#framesDropped++;
      }
    }
  }

  #onClose(): void {
    const wasOpen = !this.#closed;
    this.#closed = true;
    this.#clock.remove(this);
    if (wasOpen) this.#hooks.onClosedByApp();
  }
}
