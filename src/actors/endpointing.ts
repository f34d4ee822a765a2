/**
 * The endpointing actor: listens to the caller's audio, runs voice activity detection on the
 * VAD worker pool and turns the probabilities into `media.speech.start` and
 * `media.speech.end` for the call machine. The utterance's audio (with pre-roll) is stored in
 * the call session for the transcribe actor.
 *
 * While the bot speaks, and for the echo cooldown after, the endpointer demands stronger and
 * longer evidence before it reports speech, so the bot does not interrupt itself; a start it
 * does report then is a barge-in, and playback stops at once.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { type EventObject, fromCallback } from 'xstate';
import { errorKind, isAbortError } from '../errors.js';
import type { EndpointingEvent, MediaEvent } from '../machines/call.types.js';
import { int16ToFloat32 } from '../media/audio/pcm.js';
import { Endpointer, type EndpointerConfig, type EndpointerEvent } from '../media/endpointer.js';
import { VAD_WINDOW_MS, type VadSession } from '../media/vad.js';
import type { CallSession, CallSessions } from '../runtime/call-session.js';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import type { EndpointingInput } from './contracts.js';

const FRAME_MS = 20;
/** Audio kept while nobody speaks: enough for the pre-roll of a start still being confirmed. */
const SILENT_KEEP_MS = 2_000;

/** Dependencies of {@link createEndpointingActor}. */
export interface EndpointingDeps {
  sessions: CallSessions;
  /** A voice activity session for one call. */
  createVad: () => VadSession;
  endpointer?: Partial<EndpointerConfig>;
  registry?: Registry;
  logger?: Logger;
}

interface Frame {
  startMs: number;
  samples: Float32Array;
}

/** Joins the frames that overlap `[startMs, endMs)` into one buffer. */
function collect(frames: readonly Frame[], startMs: number, endMs: number): Float32Array {
  const parts = frames.filter((f) => f.startMs + FRAME_MS > startMs && f.startMs < endMs);
  const out = new Float32Array(parts.reduce((n, f) => n + f.samples.length, 0));
  let offset = 0;
  for (const f of parts) {
    out.set(f.samples, offset);
    offset += f.samples.length;
  }
  return out;
}

/**
 * Creates the `endpointing` actor logic.
 *
 * @example
 * ```ts
 * const endpointing = createEndpointingActor({ sessions, createVad: () => new VadSession(pools.vad) });
 * ```
 */
export function createEndpointingActor(deps: EndpointingDeps) {
  const bargeIns = deps.registry
    ? catalogCounter(deps.registry, 'voxstate_barge_ins_total')
    : undefined;
  const errors = deps.registry ? catalogCounter(deps.registry, 'voxstate_errors_total') : undefined;

  return fromCallback<EventObject, EndpointingInput, EndpointingEvent | MediaEvent>(
    ({ input, sendBack }) => {
      const session = deps.sessions.get(input.callId);
      if (!session) return () => {};
      const endpointer = new Endpointer(deps.endpointer);
      const keepMs = endpointer.config.maxUtteranceMs + endpointer.config.preRollMs + 1_000;
      const vad = deps.createVad();
      const controller = new AbortController();
      const frames: Frame[] = [];
      let audioMs = 0;
      let vadMs = 0;
      let speechStartMs: number | undefined;
      let failures = 0;

      const onEvent = (s: CallSession, ev: EndpointerEvent) => {
        if (ev.type === 'speech.start') {
          speechStartMs = ev.startMs;
          // A guarded start once the queue is idle (the echo cooldown after the bot finished)
          // interrupts nothing: it is not a barge-in.
          if (ev.bargeIn && !s.playback.idle) {
            bargeIns?.inc();
            s.timeline.bargedIn();
            s.log.add('barge_in', { atMs: Math.round(ev.atMs) });
            s.playback.stopAll({ atMs: s.playback.now() });
          }
          sendBack({ type: 'media.speech.start' });
          return;
        }
        speechStartMs = undefined;
        const audio = collect(frames, ev.startMs, ev.endMs);
        const utteranceId = s.putUtterance({ audio, startMs: ev.startMs, endMs: ev.endMs });
        s.timeline.speechEnded(ev.atMs - ev.endMs);
        sendBack({
          type: 'media.speech.end',
          utteranceId,
          durationMs: Math.round(ev.endMs - ev.startMs),
        });
      };

      const onAudio = (frame: Buffer) => {
        const samples = int16ToFloat32(frame);
        frames.push({ startMs: audioMs, samples });
        audioMs += FRAME_MS;
        const horizon = Math.max(
          audioMs - keepMs,
          speechStartMs !== undefined ? speechStartMs - FRAME_MS : audioMs - SILENT_KEEP_MS,
        );
        while (frames.length > 0 && (frames[0] as Frame).startMs < horizon) frames.shift();
        vad.process(samples, controller.signal).then(
          (probabilities) => {
            if (controller.signal.aborted) return;
            failures = 0;
            for (const p of probabilities) {
              vadMs += VAD_WINDOW_MS;
              for (const ev of endpointer.push(p, vadMs)) onEvent(session, ev);
            }
          },
          (err: unknown) => {
            if (controller.signal.aborted || isAbortError(err)) return;
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

      const onSpeaking = (speaking: boolean) => endpointer.setBotSpeaking(speaking, audioMs);
      const media = session.endpoint.media;
      media.on('audio', onAudio);
      session.playback.on('speaking', onSpeaking);
      return () => {
        controller.abort();
        media.off('audio', onAudio);
        session.playback.off('speaking', onSpeaking);
        frames.length = 0;
      };
    },
  );
}
