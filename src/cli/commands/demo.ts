/**
 * `voxstate demo`: the runtime, the simulated Asterisk and one scripted caller, on this machine
 * with no phone system and no API keys. It ingests the sample knowledge base, places the call,
 * prints a per-turn timeline (end of speech to filler, transcript, retrieval and first answer
 * audio) and writes the call's two-sided audio to a WAV file.
 *
 * Without Whisper weights in the model folder the demo uses the simulator's script text as the
 * transcript (`--stt=script`, labelled in the output); with them, the real Whisper path runs.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../errors.js';
import { isModelPresent } from '../../models/model-folder.js';
import type { TurnTiming } from '../../runtime/call-timeline.js';
import { runtimeConfigFromEnv, type SttChoice } from '../../runtime/config.js';
import { Runtime } from '../../runtime/runtime.js';
import { connectSimulatedLine, ingestSampleKnowledge } from '../../runtime/simulated-line.js';
import type { Turn } from '../../simulator/call-recording.js';
import { parseCallerScript } from '../../simulator/script-file.js';
import { createLogger } from '../../telemetry/logger.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const USAGE = `usage: voxstate demo [options]

  --script <file>     caller script (default examples/calls/demo-en.json)
  --language <code>   the call's language (default: the script's, else en)
  --stt <engine>      whisper | script (default: whisper when its model is present, else script)
  --out <file.wav>    where to write the call audio (default recordings/demo.wav)
  --json              print the result as one JSON object
`;

/** What the demo measured. */
export interface DemoResult {
  stt: SttChoice;
  answerer: string;
  endReason: string;
  greetingMs: number | undefined;
  turns: Array<{
    caller: string;
    bot: string;
    speechEndToFillerMs?: number;
    speechEndToTranscriptMs?: number;
    speechEndToRetrievalMs?: number;
    speechEndToFirstAnswerAudioMs?: number;
    heardByCallerMs?: number;
    bargeIn?: boolean;
  }>;
  wav: string;
  costTotal: number;
}

function ms(n: number | undefined): string {
  return n === undefined ? '   -' : `${Math.round(n)}`.padStart(4);
}

/** Runs the demo and returns what it measured. */
export async function runDemo(options: {
  script?: string;
  language?: string;
  stt?: SttChoice;
  out?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<DemoResult> {
  const env = options.env ?? process.env;
  const base = runtimeConfigFromEnv(env);
  const whisperPresent = isModelPresent(
    base.inference.modelDir,
    base.inference.whisper.id,
    base.inference.whisper.revision,
  );
  const stt: SttChoice =
    options.stt ??
    (env.VOXSTATE_STT as SttChoice | undefined) ??
    (whisperPresent ? 'whisper' : 'script');
  const scriptPath = resolve(options.script ?? join(ROOT, 'examples/calls/demo-en.json'));
  const script = parseCallerScript(JSON.parse(await readFile(scriptPath, 'utf8')), scriptPath);
  const language = options.language ?? script.lang?.slice(0, 2) ?? 'en';
  const logger = createLogger({
    level: env.VOXSTATE_LOG_LEVEL ?? 'warn',
    destination: process.stderr,
  });
  const runtime = await Runtime.create({
    config: { ...base, stt, speech: { ...base.speech, languages: [language] } },
    logger,
  });
  try {
    await ingestSampleKnowledge(runtime);
    const line = await connectSimulatedLine(runtime);
    try {
      const { sim: simCall, handle } = await line.placeCall(script, {
        language,
        callerNumber: '+15550100',
      });
      await Promise.race([simCall.ended, new Promise((r) => setTimeout(r, 120_000))]);
      const output = await handle.done;
      const heard = simCall.recording.turns();
      const timings = handle.session.timeline.turns();
      const history = handle.actor.getSnapshot().context.history;
      const wav = resolve(options.out ?? join(ROOT, 'recordings/demo.wav'));
      await mkdir(dirname(wav), { recursive: true });
      await writeFile(wav, simCall.recording.toWav('mix'));
      return {
        stt,
        answerer: runtime.answerer.kind,
        endReason: output.endReason,
        greetingMs: handle.session.timeline.greetingLatencyMs,
        turns: turnRows(heard, timings, history),
        wav,
        costTotal: handle.session.ledger.breakdown().total,
      };
    } finally {
      await line.close();
    }
  } finally {
    await runtime.close();
  }
}

function turnRows(
  heard: Turn[],
  timings: readonly TurnTiming[],
  history: ReadonlyArray<{ role: string; content: string }>,
): DemoResult['turns'] {
  const answers = history.filter((m) => m.role === 'assistant').map((m) => m.content);
  const questions = history.filter((m) => m.role === 'user').map((m) => m.content);
  return timings.map((t, i) => ({
    caller: heard[i]?.text ?? questions[i] ?? '',
    bot: t.bargeIn ? '' : (answers.shift() ?? ''),
    ...(t.filler !== undefined ? { speechEndToFillerMs: t.filler } : {}),
    ...(t.transcript !== undefined ? { speechEndToTranscriptMs: t.transcript } : {}),
    ...(t.retrieval !== undefined ? { speechEndToRetrievalMs: t.retrieval } : {}),
    ...(t.first_answer_audio !== undefined
      ? { speechEndToFirstAnswerAudioMs: t.first_answer_audio }
      : {}),
    ...(heard[i]?.latencyMs !== undefined ? { heardByCallerMs: heard[i]?.latencyMs } : {}),
    ...(t.bargeIn ? { bargeIn: true } : {}),
  }));
}

/** Prints the demo's result as a table. */
export function formatDemo(r: DemoResult): string {
  const lines = [
    '',
    `voxstate demo: one simulated call on the simulated Asterisk`,
    `  speech-to-text: ${r.stt}${r.stt === 'script' ? ' (SIMULATOR ONLY: transcripts are the caller script; run `voxstate models pull` for Whisper)' : ''}`,
    `  answers: ${r.answerer}${r.answerer === 'offline' ? ' (extractive, from the knowledge base; set OPENAI_API_KEY or ANTHROPIC_API_KEY for an LLM)' : ''}`,
    `  greeting: first audio ${ms(r.greetingMs).trim()} ms after answer`,
    '',
    '  turn  filler  transcript  retrieval  first answer  heard by caller   (ms after end of speech)',
  ];
  r.turns.forEach((t, i) => {
    lines.push(
      `  ${String(i + 1).padStart(4)}  ${ms(t.speechEndToFillerMs)}    ${ms(t.speechEndToTranscriptMs)}        ${ms(t.speechEndToRetrievalMs)}       ${ms(t.speechEndToFirstAnswerAudioMs)}          ${ms(t.heardByCallerMs)}${t.bargeIn ? '   (caller interrupted)' : ''}`,
    );
    lines.push(`        caller: ${t.caller}`);
    if (t.bot) lines.push(`        bot:    ${t.bot}`);
  });
  lines.push(
    '',
    `  call ended: ${r.endReason}; cost ${r.costTotal.toFixed(4)}`,
    `  audio: ${r.wav}`,
    '',
  );
  return lines.join('\n');
}

/** `voxstate demo`. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      script: { type: 'string' },
      language: { type: 'string' },
      stt: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.stt !== undefined && values.stt !== 'whisper' && values.stt !== 'script') {
    throw new ConfigError(`--stt must be "whisper" or "script", got "${values.stt}"`);
  }
  const result = await runDemo({
    ...(values.script ? { script: values.script } : {}),
    ...(values.language ? { language: values.language } : {}),
    ...(values.stt ? { stt: values.stt as SttChoice } : {}),
    ...(values.out ? { out: values.out } : {}),
  });
  process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatDemo(result));
  return 0;
}
