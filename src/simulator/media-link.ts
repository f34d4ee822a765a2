/**
 * The simulator's side of one externalMedia channel: what a simulated Asterisk does with the
 * media of an AudioSocket or RTP channel.
 *
 * @module
 */

/** Hooks the simulator gives a media link. */
export interface MediaLinkHooks {
  /**
   * The next 20 ms of audio heard in the bridge (slin16 LE, 640 bytes) to send to the app, or
   * undefined when nothing is sent this time (the caller is silent and suppresses silence).
   */
  pull(): Buffer | undefined;
  /** Audio the app sent (slin16 LE 16 kHz, any length). */
  onAudio(frame16k: Buffer): void;
  /** The app ended the media (AudioSocket hangup message or socket closed). */
  onClosedByApp(): void;
}

/** The simulator's end of one externalMedia channel. */
export interface MediaLink {
  readonly encapsulation: 'audiosocket' | 'rtp';
  /** Frames sent to the app so far. */
  readonly framesSent: number;
  /**
   * 20 ms slots in which nothing was sent (silence suppression); `(framesSent +
   * framesSuppressed) * 20` is this stream's media time in ms.
   */
  readonly framesSuppressed: number;
  /** Frames received from the app that the link dropped (e.g. slin16 over RTP, as Asterisk 22). */
  readonly framesDropped: number;
  /** Forwards a DTMF digit to the app where the transport carries it (AudioSocket). */
  sendDtmf(digit: string): void;
  /** Ends the media as Asterisk does when the channel hangs up. */
  close(): void;
  /** Fault injection: drop the transport abruptly (TCP reset). */
  reset(): void;
}
