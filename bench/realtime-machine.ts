/**
 * The `realtime` suite's end-of-speech half: scripted callers on the simulated Asterisk, the real
 * ari-client and runtime, the real call machine and endpointer, one call per brain, each asking
 * the same question `turns` times. A turn's figure is the call timeline's
 * `endpointing + first_answer_audio`: from the caller's last voiced audio to the first frame of
 * the answer (not the cascade's filler) going out. The cascade's LLM is the fixture OpenAI server,
 * the realtime brain's model the fixture Realtime server, with the same latency line.
 *
 * @module
 */
import type { Brain } from '../src/providers/realtime/config.js';
import type { CallerScript } from '../src/simulator/caller-script.js';
import { startCallRig } from '../test/fakes/call-rig.js';
import type { FakeRealtimeServer } from '../test/fakes/openai-realtime-server.js';
import { prewarmEnglish } from '../test/faults/helpers.js';

/** Where the machine run gets its models. */
export interface MachineRunOptions {
  brain: Brain;
  question: string;
  turns: number;
  /** The fixture OpenAI server (cascade). */
  llmBaseUrl: string;
  /** The fixture Realtime server (realtime brain). */
  realtime: Pick<FakeRealtimeServer, 'baseUrl' | 'ca'>;
  /** Who ends the caller's turns in realtime mode (default `local`). */
  turnDetection?: 'local' | 'server_vad';
}

function script(question: string, turns: number): CallerScript {
  const steps: CallerScript['steps'] = [];
  for (let i = 0; i < turns; i++) {
    steps.push({ waitForBot: { silenceMs: 2_500 } }, { say: question });
  }
  steps.push({ waitForBot: { silenceMs: 2_500 } }, { hangup: true });
  return { steps };
}

/** One call on a fresh rig; the end-of-speech-to-first-answer-audio figure of each turn, ms. */
export async function endOfSpeechThroughMachine(options: MachineRunOptions): Promise<number[]> {
  const rig = await startCallRig({
    configure: prewarmEnglish,
    env: {
      VOXSTATE_BRAIN: options.brain,
      OPENAI_API_KEY: 'bench',
      OPENAI_BASE_URL: options.llmBaseUrl,
      VOXSTATE_LLM_CHEAP_MODEL: 'openai:gpt-4o-mini',
      VOXSTATE_LLM_STRONG_MODEL: 'openai:gpt-4o-mini',
      VOXSTATE_ROUTING_CLASSIFIER: 'off',
      VOXSTATE_REALTIME_BASE_URL: options.realtime.baseUrl,
      VOXSTATE_REALTIME_CONNECT_TIMEOUT_MS: '10000',
      VOXSTATE_REALTIME_RESPONSE_TIMEOUT_MS: '10000',
      VOXSTATE_MAX_TURNS: String(options.turns + 5),
      VOXSTATE_REALTIME_TURN_DETECTION: options.turnDetection ?? 'local',
    },
    runtimeOptions: { realtimeWsOptions: { ca: options.realtime.ca } },
  });
  try {
    const call = await rig.placeCall(script(options.question, options.turns));
    const output = await call.handle.done;
    if (output.turns < options.turns) {
      throw new Error(
        `${options.brain}: ${output.turns} of ${options.turns} turns answered (${output.endReason})`,
      );
    }
    const fellBack = call.handle.session.log.events().some((e) => e.type === 'fallback');
    if (fellBack && options.brain === 'realtime') throw new Error('realtime call fell back');
    return call.handle.session.timeline
      .turns()
      .filter((t) => t.first_answer_audio !== undefined)
      .map((t) => (t.first_answer_audio ?? 0) + (t.endpointing ?? 0));
  } finally {
    await rig.close();
  }
}
