/**
 * `voxstate kb ingest <path...>` reads Markdown, text and FAQ (JSONL, CSV) files into the
 * knowledge base, embedding them with the local model and, when configured, the cloud model;
 * `voxstate kb search "<text>"` runs the hybrid retriever and prints the passages with their
 * scores and the index and layer that found them. Without a local model both fall back to
 * keyword search and say so once.
 *
 * @module
 */

import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Registry } from 'prom-client';
import { inferenceConfigFromEnv } from '../../config/inference.js';
import { ConfigError } from '../../errors.js';
import { cloudEmbedderFromConfig } from '../../knowledge/cloud-embedder.js';
import { kbDir, knowledgeConfigFromEnv } from '../../knowledge/config.js';
import { type IngestProgress, type IngestSummary, ingest } from '../../knowledge/ingest.js';
import { createKnowledgeRuntime } from '../../knowledge/knowledge-runtime.js';
import { isKbLanguage } from '../../knowledge/language.js';
import { openLocalEmbedding } from '../../knowledge/local-embedding.js';
import { KnowledgeStore } from '../../knowledge/store.js';
import type { Embedder } from '../../providers/embeddings/embedder.js';
import type { Logger } from '../../telemetry/logger.js';
import {
  type CommandIo,
  type CommandSpec,
  commandLogger,
  numberOption,
  parseCommand,
  processIo,
  reportErrors,
  UsageError,
} from '../io.js';

/** The options of `voxstate kb` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'kb',
  usage: [
    'voxstate kb ingest <path...>   ingest Markdown, .txt, FAQ .jsonl and FAQ .csv files or folders',
    'voxstate kb search "<text>"    search the knowledge base',
  ],
  subcommands: ['ingest', 'search'],
  options: {
    k: {
      type: 'string',
      value: '<n>',
      help: 'search: passages to show (default VOXSTATE_KB_TOP_K or 4)',
    },
    lang: {
      type: 'string',
      value: '<code>',
      help: 'search: prefer passages in this language (en, ru, uk, he)',
    },
    threshold: {
      type: 'string',
      value: '<x>',
      help: 'search: local similarity threshold (default VOXSTATE_KB_THRESHOLD or 0.78)',
    },
    'data-dir': {
      type: 'string',
      value: '<dir>',
      help: 'data folder (default VOXSTATE_DATA_DIR or ./data)',
    },
    'model-dir': {
      type: 'string',
      value: '<dir>',
      help: 'model folder (default VOXSTATE_MODEL_DIR or ./models)',
    },
    'no-local': { type: 'boolean', help: 'do not use the local embedding model' },
    'no-cloud': {
      type: 'boolean',
      help: 'do not use the cloud embedding model (VOXSTATE_CLOUD_EMBED_MODEL)',
    },
    json: { type: 'boolean', help: 'print JSON' },
  },
} satisfies CommandSpec;

type Env = Record<string, string | undefined>;

interface Options {
  k?: string;
  lang?: string;
  threshold?: string;
  'data-dir'?: string;
  'model-dir'?: string;
  'no-local'?: boolean;
  'no-cloud'?: boolean;
  json?: boolean;
  help?: boolean;
}

function progressBar(io: CommandIo): IngestProgress | undefined {
  if (!io.err.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: io.err as NodeJS.WriteStream,
      format: 'embedding [{bar}] {value}/{total} chunks',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0),
    grow: (n) => bar.setTotal(bar.getTotal() + n),
    advance: (n) => bar.increment(n),
    stop: () => bar.stop(),
  };
}

// Each problem was logged once as the ingest met it; the summary only counts them.
function printSummary(io: CommandIo, s: IngestSummary, json: boolean): void {
  if (json) {
    io.out.write(`${JSON.stringify({ ...s, errors: s.errors.map((e) => e.message) })}\n`);
    return;
  }
  const problems = [
    s.errors.length ? `${s.errors.length} malformed records skipped` : '',
    s.empty.length ? `${s.empty.length} empty files skipped` : '',
    s.refused.length ? `${s.refused.length} files refused` : '',
    s.repaired ? `${s.repaired} duplicate rows removed` : '',
  ].filter(Boolean);
  io.out.write(
    `ingested ${s.documents} documents, ${s.chunks} chunks in ${s.seconds.toFixed(2)} s: ` +
      `${s.embedded} embedded, ${s.reused} reused, ${s.skipped} in unchanged files, ${s.removed} removed` +
      `${problems.map((p) => `, ${p}`).join('')}\n` +
      `models: ${s.keywordOnly ? 'none (keyword search only)' : s.models.join(', ')}; version ${s.version}\n`,
  );
}

async function runIngest(
  paths: string[],
  o: Options,
  io: CommandIo,
  env: Env,
  logger: Logger,
): Promise<number> {
  if (paths.length === 0) {
    io.err.write('voxstate kb ingest: give at least one file or folder\n');
    return 1;
  }
  const missing = paths.find((p) => !existsSync(p));
  if (missing) throw new ConfigError(`no such file or folder: ${missing}`);
  const config = knowledgeConfigFromEnv(env);
  const registry = new Registry();
  const { local, unavailable } = o['no-local']
    ? { local: undefined, unavailable: 'disabled by --no-local' }
    : await openLocalEmbedding(inferenceConfigFromEnv(env), { registry, logger });
  const cloud = o['no-cloud'] ? undefined : cloudEmbedderFromConfig(config);
  const embedders = [local?.embedder, cloud].filter((e): e is Embedder => e !== undefined);
  if (!local && cloud) logger.warn(`${unavailable}: embedding with the cloud model only`);
  const store = await KnowledgeStore.open({ dir: kbDir(config) });
  try {
    const progress = progressBar(io);
    const summary = await ingest(paths, {
      store,
      embedders,
      logger,
      ...(progress ? { progress } : {}),
      ...(unavailable ? { noEmbedderReason: unavailable } : {}),
    });
    printSummary(io, summary, o.json ?? false);
    return summary.refused.length > 0 ? 1 : 0;
  } finally {
    store.close();
    await local?.close();
  }
}

async function runSearch(
  words: string[],
  o: Options,
  io: CommandIo,
  env: Env,
  logger: Logger,
): Promise<number> {
  const query = words.join(' ').trim();
  if (!query) throw new UsageError('search: give the text to search for');
  if (o.lang !== undefined && (!isKbLanguage(o.lang) || o.lang === 'und')) {
    throw new UsageError(`--lang "${o.lang}" is not supported (use en, ru, uk, he)`);
  }
  const config = knowledgeConfigFromEnv(env);
  if (o['no-cloud']) config.cloud = undefined;
  const k =
    numberOption(o as Record<string, string | boolean | undefined>, 'k', {
      min: 1,
      integer: true,
    }) ?? config.topK;
  const registry = new Registry();
  const { local, unavailable } = o['no-local']
    ? { local: undefined, unavailable: 'disabled by --no-local' }
    : await openLocalEmbedding(inferenceConfigFromEnv(env), { registry, logger });
  const kb = await createKnowledgeRuntime(config, {
    registry,
    logger,
    ...(local ? { localEmbedder: local.embedder } : {}),
    ...(unavailable ? { localUnavailable: unavailable } : {}),
  });
  try {
    const result = await kb.retriever.retrieve({
      query,
      k,
      ...(o.lang ? { language: o.lang } : {}),
    });
    if (o.json) {
      io.out.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    io.out.write(
      `layer: ${result.layer}${result.layer === 'cache' ? ` (computed by ${result.computedBy})` : ''}, ` +
        `best similarity ${result.similarity.toFixed(3)}, ${result.tookMs.toFixed(1)} ms, kb version ${result.version}\n`,
    );
    if (result.passages.length === 0)
      io.out.write('no passages found (is the knowledge base ingested?)\n');
    result.passages.forEach((p, i) => {
      const scores = [
        `score ${p.score.toFixed(3)}`,
        ...(p.similarity !== undefined ? [`cosine ${p.similarity.toFixed(3)}`] : []),
        ...(p.keywordScore !== undefined ? [`bm25 ${p.keywordScore.toFixed(2)}`] : []),
      ].join(', ');
      const text = p.text.replace(/\s+/gu, ' ');
      io.out.write(
        `\n${i + 1}. ${p.source} [${p.lang}] found by ${p.foundBy.join('+')} (${scores})\n   ${text.length > 300 ? `${text.slice(0, 300)}...` : text}\n`,
      );
    });
    return 0;
  } finally {
    await kb.close();
    await local?.close();
  }
}

/**
 * Runs `voxstate kb ...`; returns the exit code.
 *
 * @example
 * ```ts
 * await run(['ingest', 'examples/knowledge-base']);
 * await run(['search', 'do you deliver on sunday?', '--k', '3']);
 * ```
 */
export async function run(
  argv: string[],
  io: CommandIo = processIo(),
  env: Env = process.env,
): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const [sub, ...rest] = parsed.positionals;
  return reportErrors('kb', io, async () => {
    const threshold = numberOption(parsed.values, 'threshold', { min: -1, max: 1 });
    const merged: Env = {
      ...env,
      ...(values['data-dir'] ? { VOXSTATE_DATA_DIR: values['data-dir'] } : {}),
      ...(values['model-dir'] ? { VOXSTATE_MODEL_DIR: values['model-dir'] } : {}),
      ...(threshold !== undefined ? { VOXSTATE_KB_THRESHOLD: String(threshold) } : {}),
    };
    const logger = commandLogger(io, merged);
    return sub === 'ingest'
      ? await runIngest(rest, values, io, merged, logger)
      : await runSearch(rest, values, io, merged, logger);
  });
}

export type { CommandIo } from '../io.js';
