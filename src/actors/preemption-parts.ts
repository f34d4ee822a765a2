/**
 * Parts of a preemptive answer ({@link PreemptiveAnswer}, `./preemptive-answer.ts`): the tools
 * it offers the model (a call waits until the answer takes the preemption over), the synthesis
 * that replays its first sentence's audio, and what a cancelled one cost.
 *
 * @module
 */
import type { AnswerEvent } from '../answer/answerer.js';
import type { ToolRunner } from '../answer/tool-runner.js';
import type { LlmUsage } from '../cost/ledger.js';
import { estimateTokens } from '../providers/llm/stream-guard.js';
import type { SynthesizeOptions, TtsService, TtsSource } from '../speech/tts-service.js';
import type { ReplayStream } from './replay-stream.js';

/** The first sentence's audio, synthesized ahead and recorded. */
export interface FirstPiece {
  text: string;
  audio: ReplayStream<Buffer>;
  source: TtsSource | undefined;
}

/** Tools whose calls wait until the preemption is taken (a tool has effects outside the call). */
export function gatedTools(tools: ToolRunner, taken: Promise<void>): ToolRunner {
  return {
    specs: tools.specs,
    fillerAfterMs: (name) => tools.fillerAfterMs(name),
    timeoutMs: (name) => tools.timeoutMs(name),
    forCall: (line) => gatedTools(tools.forCall(line), taken),
    run: async (call, signal) => {
      await new Promise<void>((resolve, reject) => {
        const abort = () => reject(signal.reason);
        if (signal.aborted) abort();
        signal.addEventListener('abort', abort, { once: true });
        void taken.then(() => {
          signal.removeEventListener('abort', abort);
          resolve();
        });
      });
      return tools.run(call, signal);
    },
  };
}

/**
 * Synthesis that serves the recorded first sentence once (when asked for its text), and `tts`
 * for everything else.
 */
export function replayingTts(
  tts: Pick<TtsService, 'synthesize'>,
  firstPiece: () => FirstPiece | undefined,
): Pick<TtsService, 'synthesize'> {
  let used = false;
  return {
    synthesize(text: string, options: SynthesizeOptions) {
      const first = firstPiece();
      if (used || !first || first.text !== text) return tts.synthesize(text, options);
      used = true;
      return (async function* () {
        let told = false;
        for await (const chunk of first.audio) {
          if (!told && first.source) options.onSource?.(first.source);
          told = true;
          yield chunk;
        }
      })();
    },
  };
}

/**
 * What a cancelled preemption cost, marked wasted: the usage it reported, or an estimate of
 * what was sent (`promptChars`) and received; undefined when no model was asked.
 */
export function wastedUsage(
  events: readonly AnswerEvent[],
  promptChars: number,
): LlmUsage | undefined {
  let model: string | undefined;
  let chars = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let reported = false;
  for (const ev of events) {
    if (ev.type === 'model') model = ev.model;
    else if (ev.type === 'text') chars += ev.text.length;
    else if (ev.type === 'usage') {
      model = ev.model;
      inputTokens += ev.usage.inputTokens;
      outputTokens += ev.usage.outputTokens;
      reported = true;
    }
  }
  // No model asked yet (or the offline answerer): nothing was paid for.
  if (model === undefined) return undefined;
  if (!reported) {
    inputTokens = estimateTokens(promptChars);
    outputTokens = estimateTokens(chars);
  }
  return { model, inputTokens, outputTokens, wasted: true };
}
