/**
 * Tracing cost: `npm run bench -- tracing [--json]`.
 *
 * What a call's timeline costs per turn with tracing off (no watcher: the timeline checks an
 * empty watcher list at each note) and on (the call tracer building the turn's spans into a
 * batch processor whose exporter drops them, so no I/O is measured), played side by side in
 * alternating rounds on the main thread. A turn is what the runtime tells a timeline for one
 * answered question: end of speech, filler, transcript, retrieval, the answer's marks, an LLM
 * request and its usage, two spoken pieces, the answer played. A third column tells every note to
 * a watcher that does nothing: an upper bound on what building the notes costs (off builds none).
 *
 * @module
 */
import type { ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { CallTimeline } from '../src/calls/timeline.js';
import { CallTracer } from '../src/tracing/call-tracer.js';

const TURNS_PER_CALL = 5;
const CALLS_PER_ROUND = 2_000;
const ROUNDS = 8;

/** Drops every span: the bench measures building spans, not sending them. */
class DropExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

function playCall(timeline: CallTimeline): void {
  timeline.answered();
  timeline.greetingAudio();
  for (let i = 0; i < TURNS_PER_CALL; i++) {
    timeline.speechEnded(300);
    timeline.progress({ type: 'filler.started' });
    timeline.mark('transcript');
    timeline.heard('are you open on sunday');
    timeline.mark('retrieval');
    timeline.progress({ type: 'answer.mark', mark: 'answer_start' });
    timeline.progress({ type: 'llm.request', provider: 'openai', model: 'gpt-x', attempt: 1 });
    timeline.progress({ type: 'answer.mark', mark: 'answer_first_piece' });
    timeline.progress({ type: 'answer.mark', mark: 'tts_start' });
    timeline.progress({ type: 'answer.mark', mark: 'answer_ready' });
    timeline.progress({ type: 'answer.audio.started' });
    timeline.progress({ type: 'llm.sentence', index: 0, text: 'Yes, from nine.' });
    timeline.progress({ type: 'llm.sentence', index: 1, text: 'Until five.' });
    timeline.progress({
      type: 'llm.usage',
      provider: 'openai',
      model: 'gpt-x',
      inputTokens: 800,
      outputTokens: 40,
    });
    timeline.markDetail('answer_played');
  }
  timeline.ended('hangup');
}

/** Tells every note to a watcher that does nothing: an upper bound on what the notes cost. */
const noop = { follow: (t: CallTimeline) => t.watch(() => {}) };

function round(tracer: Pick<CallTracer, 'follow'> | undefined): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS_PER_ROUND; i++) {
    const timeline = new CallTimeline();
    timeline.answered();
    tracer?.follow(timeline, { id: `c${i}`, direction: 'inbound', language: 'en' });
    playCall(timeline);
  }
  const ns = Number(process.hrtime.bigint() - start);
  return ns / (CALLS_PER_ROUND * TURNS_PER_CALL);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Runs the suite. */
export default async function run(): Promise<Record<string, unknown>> {
  const exporter = new DropExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(exporter, { maxQueueSize: 200_000, maxExportBatchSize: 4_096 }),
    ],
  });
  const tracer = new CallTracer({ tracer: provider.getTracer('bench') });
  round(undefined);
  round(tracer);
  const off: number[] = [];
  const watched: number[] = [];
  const on: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    off.push(round(undefined));
    watched.push(round(noop));
    on.push(round(tracer));
    await provider.forceFlush();
  }
  await provider.forceFlush();
  await provider.shutdown();
  const offNs = median(off);
  const onNs = median(on);
  const watchedNs = median(watched);
  return {
    turnsPerRound: CALLS_PER_ROUND * TURNS_PER_CALL,
    rounds: ROUNDS,
    offNsPerTurn: Math.round(offNs),
    noopWatcherNsPerTurn: Math.round(watchedNs),
    onNsPerTurn: Math.round(onNs),
    onMinusOffUsPerTurn: Number(((onNs - offNs) / 1_000).toFixed(2)),
    spansPerTurn: Number(
      (exporter.spans / ((ROUNDS + 1) * CALLS_PER_ROUND * TURNS_PER_CALL)).toFixed(2),
    ),
  };
}
