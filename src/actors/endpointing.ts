/**
 * The endpointing actor: listens to the caller's audio, runs voice activity detection on the
 * VAD worker pool and turns the probabilities into `media.speech.start` and
 * `media.speech.end` for the call machine. The utterance's audio (with pre-roll) is stored in
 * the call session for the transcribe actor.
 *
 * While the bot speaks, and for the echo cooldown after, caller speech is an interruption: a
 * short stretch of clear voice that is neither the bot's own echo nor far quieter than the
 * caller's own speech pauses playback at once; more of it confirms the barge-in (playback is
 * discarded and the machine hears `media.speech.start`); a sound that stops first (a
 * backchannel) lets playback go on ({@link BargeInControl}). Outside the bot's turn, voices far
 * quieter than the caller (babble around them) are silence to the endpointer ({@link VoiceGate}).
 *
 * With a streaming speech-to-text engine, partial transcripts reach the endpointer (the
 * adaptive policy reads them), are emitted as `stt.partial` progress and go to `onPartial`
 * (speculative retrieval, preemptive answers). A pause asks the stream for an early final (a
 * flush): its settled text tells the end-of-turn policy whether the caller finished, and when
 * the pause ends the turn, it is the transcript (no second round trip).
 *
 * Time is the call's clock, not a count of frames: a line that sends nothing while the caller
 * is silent (Local channel, SIP silence suppression, DTX) still ends the utterance, because a
 * timer checks the endpointer's deadline when no audio comes ({@link FrameClock}).
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { type EventObject, fromCallback } from 'xstate';
import { int16ToFloat32 } from '../audio/pcm.js';
import type { EndpointingEvent, MediaEvent, SttProgressEvent } from '../calls/events.js';
import type { CallSession } from '../calls/session.js';
import type { EndpointerConfig } from '../config/endpointing.js';
import { errorKind, isAbortError } from '../errors.js';
import { BargeInControl } from '../media/barge-in.js';
import { frameEnergy, samplesEnergy } from '../media/echo-gate.js';
import { type EndOfTurnPolicy, Endpointer, type EndpointerEvent } from '../media/endpointer.js';
import { FrameClock } from '../media/frame-clock.js';
import { VAD_WINDOW_MS, type VadSession } from '../media/vad.js';
import { VoiceGate } from '../media/voice-gate.js';
import type { SttStream } from '../providers/stt/stt-engine.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { Language } from '../text/language.js';
import type { EndpointingInput } from './contracts.js';

/** Duration of one frame of a media connection (20 ms of 16 kHz audio). */
const FRAME_MS = 20;

/** Audio kept while nobody speaks: enough for the pre-roll of a start still being confirmed. */
const SILENT_KEEP_MS = 3_000;

/** Dependencies of {@link createEndpointingActor}. */
export interface EndpointingDeps {
  /** The call whose caller audio it listens to. */
  session: CallSession;
  /** A voice activity session for one call. */
  createVad: () => Pick<VadSession, 'process'>;
  endpointer?: Partial<EndpointerConfig>;
  /** How much silence ends a turn (default: the fixed `endpointer.endSilenceMs`). */
  endOfTurn?: EndOfTurnPolicy;
  registry?: Registry;
  logger?: Logger;
  /**
   * Opens a live STT stream for an utterance that starts (the call's engine streams), or
   * returns undefined. The caller's audio goes to it while they speak; the utterance carries it
   * to the transcribe actor.
   */
  openSttStream?: (callId: string) => SttStream | undefined;
  /** Called with each partial transcript of the utterance in progress (after the endpointer). */
  onPartial?: (partial: { text: string; stable: boolean; atMs: number }) => void;
  /** Silence inside an utterance after which the live stream is asked for an early final, ms. */
  earlyFinalAfterMs?: number;
  /** Called when the actor stops (hang-up): drops the work started on partials. */
  onClose?: () => void;
}

interface Frame {
  startMs: number;
  endMs: number;
  /** Clock time it arrived. */
  arrivedAtMs: number;
  /** Where it starts in the audio the connection received (20 ms a frame from its first; no gaps). */
  receivedMs: number;
  samples: Float32Array;
}

/**
 * Joins the frames that overlap `[startMs, endMs)` into one buffer (gaps are left out), and says
 * where they sit in the audio received.
 */
function collect(frames: readonly Frame[], startMs: number, endMs: number) {
  const parts = frames.filter((f) => f.endMs > startMs && f.startMs < endMs);
  const audio = new Float32Array(parts.reduce((n, f) => n + f.samples.length, 0));
  let offset = 0;
  for (const f of parts) {
    audio.set(f.samples, offset);
    offset += f.samples.length;
  }
  const [first, last] = [parts[0], parts.at(-1)];
  const received =
    first && last
      ? { startMs: first.receivedMs, endMs: last.receivedMs + last.endMs - last.startMs }
      : undefined;
  return { audio, received };
}

/**
 * Creates the `endpointing` actor logic.
 *
 * @example
 * ```ts
 * const endpointing = createEndpointingActor({ session, createVad: () => new VadSession(pools.vad) });
 * ```
 */
export function createEndpointingActor(deps: EndpointingDeps) {
  const bargeIns = deps.registry
    ? catalogCounter(deps.registry, 'voxstate_barge_ins_total')
    : undefined;
  const errors = deps.registry ? catalogCounter(deps.registry, 'voxstate_errors_total') : undefined;
  const backgroundVoice = deps.registry
    ? catalogCounter(deps.registry, 'voxstate_background_voice_seconds_total')
    : undefined;

  return fromCallback<
    EventObject,
    EndpointingInput,
    EndpointingEvent | MediaEvent | SttProgressEvent
  >(({ input, sendBack, emit }) => {
    const { session } = deps;
    const endpointer = new Endpointer(deps.endpointer, deps.endOfTurn);
    const keepMs = endpointer.config.maxUtteranceMs + endpointer.config.preRollMs + 1_000;
    const vad = deps.createVad();
    const controller = new AbortController();
    const clock = session.playback.clock;
    const frameClock = new FrameClock({ originMs: clock.now() });
    const frames: Frame[] = [];
    let heard = 0; // frames heard, where the connection does not count them
    let judgedMs = 0; // media time up to which the detector's probabilities have come back
    let speechStartMs: number | undefined;
    let live: SttStream | undefined;
    let failures = 0;
    /** VAD tasks whose probabilities have not come back: their audio is not judged yet. */
    let pending = 0;
    let timer: unknown;
    let timerAtMs = Number.POSITIVE_INFINITY;
    /** The silence the live stream was last asked to finalize at. */
    let flushedAtSilenceMs: number | undefined;
    /** End of the voice that flush covers: an utterance ending there needs no other flush. */
    let flushedVoiceEndMs: number | undefined;

    const c = endpointer.config;
    const gate = new VoiceGate({
      echoLossDb: c.bargeInEchoLossDb,
      callerLevelGateDb: c.callerLevelGateDb,
      threshold: c.threshold,
      windowMs: c.windowMs,
      ...(backgroundVoice ? { backgroundVoice } : {}),
      onRelearn: () => session.log.add('caller_level_relearned'),
    });
    const bargeIn = new BargeInControl(session.playback, deps.registry);
    endpointer.setLanguage(input.language as Language);

    /** Clock time of a media time in the recent past: when that audio arrived. */
    const clockOf = (mediaMs: number): number => {
      const f = frames.find((x) => x.startMs <= mediaMs && mediaMs < x.endMs);
      return f ? f.arrivedAtMs - (f.endMs - mediaMs) : frameClock.clockMs(mediaMs);
    };

    const onEvent = (s: CallSession, ev: EndpointerEvent) => {
      if (ev.type === 'speech.onset') {
        bargeIn.onset(clockOf(ev.onsetMs));
        return;
      }
      if (ev.type === 'speech.dropped') {
        const heldMs = bargeIn.dropped();
        if (heldMs !== undefined) s.log.add('barge_in_resumed', { heldMs: Math.round(heldMs) });
        return;
      }
      if (ev.type === 'speech.start') {
        speechStartMs = ev.startMs;
        flushedVoiceEndMs = undefined;
        // A guarded start with nothing left to interrupt (the bot finished during the echo
        // cooldown) is not a barge-in.
        const timing = ev.bargeIn ? bargeIn.confirm(clockOf(ev.onsetMs)) : undefined;
        if (timing) {
          bargeIns?.inc();
          s.timeline.bargedIn();
          const callerLevelDb = gate.relativeDb(ev.atMs);
          s.log.add('barge_in', {
            atMs: Math.round(ev.atMs),
            detectionMs: Math.round(timing.decidedAtMs - timing.onsetAtMs),
            toSilenceMs: Math.round(timing.silentAtMs - timing.onsetAtMs),
            ...(callerLevelDb !== undefined ? { callerLevelDb } : {}),
          });
        }
        live?.close();
        live = deps.openSttStream?.(input.callId);
        live?.push(collect(frames, ev.startMs, Number.POSITIVE_INFINITY).audio);
        if (live) void readPartials(live);
        sendBack({ type: 'media.speech.start' });
        return;
      }
      speechStartMs = undefined;
      const { audio, received } = collect(frames, ev.startMs, ev.endMs);
      const utteranceId = s.putUtterance({
        audio,
        startMs: ev.startMs,
        endMs: ev.endMs,
        ...(received ? { received } : {}),
        ...(live ? { live } : {}),
        ...(live && ev.reason === 'silence' && flushedVoiceEndMs === ev.endMs
          ? { liveAfterFlush: true }
          : {}),
      });
      flushedVoiceEndMs = undefined;
      live = undefined;
      s.timeline.speechEnded(ev.atMs - ev.endMs);
      sendBack({
        type: 'media.speech.end',
        utteranceId,
        durationMs: Math.round(ev.endMs - ev.startMs),
      });
    };

    /**
     * Feeds the partials of `stream` to the endpointer while it is the current utterance's;
     * its failures are the transcribe actor's (it finishes the stream).
     */
    const readPartials = async (stream: SttStream) => {
      try {
        for await (const ev of stream) {
          if (ev.type !== 'partial') continue;
          if (stream !== live || controller.signal.aborted) return;
          endpointer.setPartial(ev.text, ev.settled === true);
          const atMs = frameClock.mediaMs(clock.now());
          emit({ type: 'stt.partial', text: ev.text, stable: ev.stable });
          deps.onPartial?.({ text: ev.text, stable: ev.stable, atMs });
          if (pending === 0) for (const e of endpointer.advance(atMs)) onEvent(session, e);
          schedule();
        }
      } catch {
        // The transcribe actor sees the failure when it finishes the stream.
      }
    };

    /** At an end-of-turn candidate, asks the live stream once for an early final. */
    const maybeFlush = (nowMs: number) => {
      const from = endpointer.silenceFromMs() ?? Number.POSITIVE_INFINITY;
      if (
        !live ||
        from === flushedAtSilenceMs ||
        !(nowMs - from >= (deps.earlyFinalAfterMs ?? Infinity))
      )
        return;
      flushedAtSilenceMs = from;
      if (live.flush?.()) flushedVoiceEndMs = endpointer.markFlushed();
    };

    /** Arms one timer for the endpointer's next deadline (silence with no audio at all). */
    const schedule = () => {
      if (controller.signal.aborted) return;
      const deadline = endpointer.nextDeadlineMs();
      if (deadline === undefined || deadline >= timerAtMs) return;
      if (timer !== undefined) clock.clearTimeout(timer);
      timerAtMs = deadline;
      const delay = Math.max(0, frameClock.clockMs(deadline) - clock.now());
      timer = clock.setTimeout(onDeadline, delay);
    };
    const onDeadline = () => {
      timer = undefined;
      timerAtMs = Number.POSITIVE_INFINITY;
      // Audio still being judged is not silence: its result re-arms the timer.
      if (pending > 0 || controller.signal.aborted) return;
      for (const ev of endpointer.advance(frameClock.mediaMs(clock.now()))) onEvent(session, ev);
      schedule();
    };

    const onAudio = (frame: Buffer) => {
      const samples = int16ToFloat32(frame);
      const placed = frameClock.place(clock.now(), samples.length);
      heard++;
      const receivedMs = ((media.framesIn ?? heard) - 1) * FRAME_MS;
      frames.push({ ...placed, receivedMs, samples });
      live?.push(samples);
      gate.caller(placed.endMs, samplesEnergy(samples));
      // Silence goes once judged: a lagging detector must not lose speech it has not seen yet.
      const horizon = Math.max(placed.endMs - keepMs, speechStartMs ?? judgedMs - SILENT_KEEP_MS);
      while (frames.length > 0 && (frames[0] as Frame).endMs <= horizon) frames.shift();
      pending++;
      vad.process(samples, controller.signal).then(
        (probabilities) => {
          pending--;
          if (controller.signal.aborted) return;
          failures = 0;
          probabilities.forEach((p, i) => {
            const endMs = placed.windowEndsMs[i] ?? placed.endMs;
            judgedMs = endMs;
            const guarded = endpointer.isGuarded(endMs);
            const w = gate.judge(p, endMs, guarded);
            const events = endpointer.push(w.probability, endMs - VAD_WINDOW_MS, w.nearEnd);
            if (!guarded && endpointer.inSpeech) gate.learn(endMs, w.probability);
            for (const ev of events) onEvent(session, ev);
          });
          maybeFlush(placed.endMs);
          schedule();
        },
        (err: unknown) => {
          pending--;
          judgedMs = Math.max(judgedMs, placed.endMs);
          if (controller.signal.aborted || isAbortError(err)) return;
          schedule();
          failures++;
          errors?.inc({ kind: errorKind(err), component: 'vad' });
          if (failures === 1 || failures % 100 === 0) {
            deps.logger?.warn(
              { callId: input.callId, err: (err as Error).message, failures },
              'voice activity detection failed; the frame is skipped',
            );
          }
        },
      );
    };

    const onSpeaking = (speaking: boolean, atMs: number) =>
      endpointer.setBotSpeaking(speaking, frameClock.mediaMs(atMs));
    const format = session.playback.format;
    const onBotFrame = (frame: Buffer, atMs: number) =>
      gate.bot(frameClock.mediaMs(atMs), frameEnergy(frame, format));
    const media = session.endpoint.media;
    media.on('audio', onAudio);
    session.playback.on('speaking', onSpeaking);
    session.playback.on('frame', onBotFrame);
    return () => {
      controller.abort();
      if (timer !== undefined) clock.clearTimeout(timer);
      media.off('audio', onAudio);
      session.playback.off('speaking', onSpeaking);
      session.playback.off('frame', onBotFrame);
      bargeIn.close();
      live?.close();
      frames.length = 0;
      deps.onClose?.();
    };
  });
}
