/**
 * Recording of calls with consent, for the businesses that turn it on (`recording` in the
 * business data, see `src/calllog/recording-config.ts`).
 *
 * Before the call machine starts, the caller hears the consent announcement (synthesized through
 * the TTS cache, pre-warmed with the greetings, and played on the call's playback queue like any
 * other prompt). The opt-out digit during the announcement cancels it and the call goes on
 * unrecorded; a hang-up ends the call there. Otherwise a {@link StereoRecording} starts: the
 * caller's frames from the media connection, the bot's from the playback queue, both on the
 * playback clock. The opt-out digit later in the call stops it and deletes the file. At the end
 * of the call the file is finished in the background; `close()` waits for it. Each outcome is
 * logged, written to the call event log (`recording`) and counted in
 * `voxstate_recordings_total{result}`.
 *
 * @module
 */
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { consentText, type RecordingConfig, recordsCall } from '../calllog/recording-config.js';
import { recordingPathFor } from '../calllog/recordings.js';
import { StereoRecording } from '../calllog/stereo-recording.js';
import type { CallSession } from '../calls/session.js';
import { errorKind } from '../errors.js';
import type { PlaybackItem } from '../media/playback-item.js';
import type { Speech } from '../speech/create-speech.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';

/** Outcomes counted in `voxstate_recordings_total{result}`. */
export type RecordingResult = 'recorded' | 'opted_out' | 'failed' | 'abandoned';

/** Options of {@link CallRecordings}. */
export interface CallRecordingsOptions {
  config: RecordingConfig;
  /** The data folder; recordings go to `<dataDir>/recordings/<day>/<callId>.wav`. */
  dataDir: string;
  speech: Pick<Speech, 'tts'>;
  registry: Registry;
  logger: Logger;
}

interface Active {
  recording: StereoRecording;
  stopTaking: () => void;
}

/** How the consent announcement ended. */
type ConsentEnd = 'played' | 'opted_out' | 'hangup';

/**
 * The recordings of one runtime's calls.
 *
 * @example
 * ```ts
 * if (recordings.wants(session.flags)) await recordings.begin(session, 'en');
 * actor.start();
 * // when the call has ended:
 * recordings.end(session);
 * ```
 */
export class CallRecordings {
  readonly #options: CallRecordingsOptions;
  readonly #results;
  readonly #errors;
  readonly #active = new Map<string, Active>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #closing = new AbortController();

  constructor(options: CallRecordingsOptions) {
    this.#options = options;
    this.#results = catalogCounter(options.registry, 'voxstate_recordings_total');
    this.#errors = catalogCounter(options.registry, 'voxstate_errors_total');
  }

  /** Whether a call with these flags is recorded (the business records; flag not `off`). */
  wants(flags: Record<string, string>): boolean {
    return recordsCall(this.#options.config, flags);
  }

  /**
   * Plays the consent announcement, then starts recording unless the caller opted out or hung
   * up. Never throws: a failure is logged and the call goes on unrecorded.
   */
  async begin(session: CallSession, language: string): Promise<void> {
    const { logger } = this.#options;
    let end: ConsentEnd;
    try {
      end = await this.#consent(session, language);
    } catch (err) {
      this.#failed(session, err, 'consent');
      return;
    }
    if (end === 'hangup') {
      this.#count(session, 'abandoned', { during: 'consent' });
      return;
    }
    if (end === 'opted_out') {
      this.#count(session, 'opted_out', { during: 'consent' });
      logger.info({ callId: session.id }, 'caller opted out of recording');
      return;
    }
    this.#start(session);
  }

  /** The call has ended: finishes its recording in the background. */
  end(session: CallSession): void {
    const active = this.#active.get(session.id);
    if (!active) return;
    this.#active.delete(session.id);
    active.stopTaking();
    const { recording } = active;
    if (recording.error) return;
    this.#track(
      recording.stop().then((summary) => {
        if (!summary.ok) return;
        this.#results.inc({ result: 'recorded' });
        this.#options.logger.info(
          {
            callId: session.id,
            recordingPath: session.recordingPath,
            durationMs: summary.durationMs,
          },
          'call recorded',
        );
      }),
    );
  }

  /** Ends the announcements in progress (their calls go on unrecorded, or end). */
  stopAnnouncements(): void {
    this.#closing.abort();
  }

  /** Ends the announcements in progress and waits for the files being finished. */
  async close(): Promise<void> {
    this.#closing.abort();
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async #consent(session: CallSession, language: string): Promise<ConsentEnd> {
    const { endpoint } = session;
    const { config, speech } = this.#options;
    const gone = () => endpoint.ended || endpoint.media.closed || this.#closing.signal.aborted;
    if (gone()) return 'hangup';
    const { audio } = await speech.tts.synthesizeAll(consentText(config, language), {
      language,
      format: 'slin16',
      signal: this.#closing.signal,
    });
    if (gone()) return 'hangup';
    const item = session.playback.enqueue('prompt', audio, { label: 'consent' });
    session.log.add('recording', { result: 'consent' });
    return new Promise<ConsentEnd>((resolve) => {
      const finish = (how: ConsentEnd) => {
        session.playback.off('item.ended', onEnded);
        endpoint.off('dtmf', onDigit);
        endpoint.off('hangup', onHangup);
        endpoint.media.off('close', onHangup);
        this.#closing.signal.removeEventListener('abort', onHangup);
        if (how !== 'played') item.cancel();
        resolve(how);
      };
      const onEnded = (ended: PlaybackItem) => {
        if (ended === item) finish('played');
      };
      const onDigit = (digit: string) => {
        if (digit === config.optOutDigit) finish('opted_out');
      };
      const onHangup = () => finish('hangup');
      session.playback.on('item.ended', onEnded);
      endpoint.on('dtmf', onDigit);
      endpoint.once('hangup', onHangup);
      endpoint.media.once('close', onHangup);
      this.#closing.signal.addEventListener('abort', onHangup, { once: true });
    });
  }

  #start(session: CallSession): void {
    const { endpoint, playback } = session;
    const recordingPath = recordingPathFor(session.id, session.startedAt);
    const recording = new StereoRecording({
      file: join(this.#options.dataDir, recordingPath),
      now: () => playback.now(),
      onError: (err) => {
        this.#active.get(session.id)?.stopTaking();
        this.#active.delete(session.id);
        if (recording.dataBytes === 0) session.recordingPath = undefined;
        this.#failed(session, err, 'write');
        this.#track(recording.stop());
      },
    });
    const onCaller = (frame: Buffer) => recording.caller(frame);
    const onBot = (frame: Buffer) => recording.bot(frame);
    const onDigit = (digit: string) => {
      if (digit !== this.#options.config.optOutDigit) return;
      this.#active.get(session.id)?.stopTaking();
      this.#active.delete(session.id);
      session.recordingPath = undefined;
      this.#track(recording.discard());
      this.#count(session, 'opted_out', { during: 'call' });
      this.#options.logger.info({ callId: session.id }, 'caller opted out of recording');
    };
    endpoint.media.on('audio', onCaller);
    playback.on('frame', onBot);
    endpoint.on('dtmf', onDigit);
    const stopTaking = () => {
      endpoint.media.off('audio', onCaller);
      playback.off('frame', onBot);
      endpoint.off('dtmf', onDigit);
    };
    this.#active.set(session.id, { recording, stopTaking });
    session.recordingPath = recordingPath;
    session.log.add('recording', { result: 'started', path: recordingPath });
  }

  #failed(session: CallSession, err: unknown, stage: 'consent' | 'write'): void {
    const message = (err as Error).message;
    this.#errors.inc({ kind: errorKind(err), component: 'recording' });
    this.#count(session, 'failed', { during: stage });
    this.#options.logger.warn(
      { callId: session.id, err: message, stage },
      'recording failed; the call goes on unrecorded',
    );
  }

  #count(session: CallSession, result: RecordingResult, fields: Record<string, string> = {}): void {
    this.#results.inc({ result });
    session.log.add('recording', { result, ...fields });
  }

  #track(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined);
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}
