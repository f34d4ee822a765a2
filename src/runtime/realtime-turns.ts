/**
 * The `endpointing` actor of a realtime call whose session detects the caller's turns
 * (`VOXSTATE_REALTIME_TURN_DETECTION=server_vad` or `semantic_vad`). No voice activity model runs
 * for the turns: the session's `input_audio_buffer.speech_started` becomes the machine's
 * `media.speech.start` (the same event the local endpointer sends; while the bot's interruptible
 * audio plays it is a barge-in: playback stops at once, counted and logged as in cascade mode)
 * and `speech_stopped` becomes `media.speech.end` with an utterance holding the turn's audio (kept
 * by {@link RealtimeInput}, for the cascade if the session fails before answering) and the
 * session's item of the turn, whose transcript the `transcribe` actor waits for. The bot's echo
 * is kept from the session's detection by the echo gate of {@link RealtimeInput}.
 *
 * The session opens with the greeting, at the start of the call; the caller's audio is heard from
 * then on. A session that cannot be opened, or fails later, leaves the call to the cascade's own
 * endpointing actor (local turn detection) from that moment.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { type CallbackActorLogic, type EventObject, fromCallback } from 'xstate';
import type { EndpointingInput } from '../actors/contracts.js';
import type { EndpointingEvent, MediaEvent, SttProgressEvent } from '../calls/events.js';
import type { CallSession } from '../calls/session.js';
import { BargeInControl } from '../media/barge-in.js';
import type { RealtimeSession } from '../providers/realtime/session.js';
import { SERVER_VAD_SILENCE_MS } from '../providers/realtime/session-config.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { RealtimeBrain } from './realtime-brain.js';

/** Caller audio kept before the session's speech start for a cascade transcription, ms. */
const PRE_ROLL_MS = 200;

type Events = EndpointingEvent | MediaEvent | SttProgressEvent;
type Logic = CallbackActorLogic<EventObject, EndpointingInput, Events>;

/**
 * The endpointing actor of a realtime call: the session's turns when it detects them, else
 * `cascade` (the local endpointer).
 *
 * @example
 * ```ts
 * endpointing: sessionTurnsActor(cascade.endpointing, session, brain, registry),
 * ```
 */
export function sessionTurnsActor(
  cascade: Logic,
  session: CallSession,
  brain: RealtimeBrain,
  registry?: Registry,
): Logic {
  const bargeIns = registry ? catalogCounter(registry, 'voxstate_barge_ins_total') : undefined;
  const local = cascade.config as unknown as (args: unknown) => (() => void) | undefined;
  return fromCallback<EventObject, EndpointingInput, Events>((args) => {
    if (!brain.serverTurns) return local(args);
    const { sendBack } = args;
    const bargeIn = new BargeInControl(session.playback, registry);
    let stopped = false;
    let rt: RealtimeSession | undefined;
    let cascadeCleanup: (() => void) | undefined;
    let startMs: number | undefined;

    const onStarted = ({ audioStartMs }: { audioStartMs: number }) => {
      startMs = audioStartMs;
      const now = session.playback.now();
      bargeIn.onset(now);
      const timing = bargeIn.confirm(now);
      if (timing) {
        bargeIns?.inc();
        session.timeline.bargedIn();
        session.log.add('barge_in', {
          atMs: Math.round(audioStartMs),
          detectionMs: Math.round(timing.decidedAtMs - timing.onsetAtMs),
          toSilenceMs: Math.round(timing.silentAtMs - timing.onsetAtMs),
          by: 'session',
        });
      }
      sendBack({ type: 'media.speech.start' });
    };
    const onStopped = ({ audioEndMs, itemId }: { audioEndMs: number; itemId: string }) => {
      const spokeFrom = startMs ?? audioEndMs;
      const from = Math.max(0, spokeFrom - PRE_ROLL_MS);
      startMs = undefined;
      const utteranceId = session.putUtterance({
        audio: brain.input?.audio(from, audioEndMs) ?? new Float32Array(0),
        startMs: from,
        endMs: audioEndMs,
      });
      brain.transcripts.noteTurn(utteranceId, itemId);
      session.timeline.speechEnded(
        brain.turnDetection === 'server_vad' ? SERVER_VAD_SILENCE_MS : undefined,
      );
      sendBack({
        type: 'media.speech.end',
        utteranceId,
        durationMs: Math.round(audioEndMs - spokeFrom),
      });
    };
    const detach = () => {
      rt?.off('caller.speech.started', onStarted);
      rt?.off('caller.speech.stopped', onStopped);
      brain.off('fallback', toCascade);
      rt = undefined;
    };
    const toCascade = () => {
      detach();
      if (stopped || cascadeCleanup) return;
      cascadeCleanup = local(args) ?? (() => {});
    };
    brain.ready().then(
      (session) => {
        if (stopped) return;
        if (!session || brain.fellBack) return toCascade();
        rt = session;
        rt.on('caller.speech.started', onStarted);
        rt.on('caller.speech.stopped', onStopped);
        brain.once('fallback', toCascade);
      },
      () => toCascade(),
    );
    return () => {
      stopped = true;
      detach();
      bargeIn.close();
      cascadeCleanup?.();
    };
  });
}
