/**
 * The folders of `src/` form layers along the data path: a folder imports only folders of lower
 * layers, so the folder-level import graph has no cycle. {@link LAYERS} is the table (lowest
 * first, with each folder's job); docs/architecture.md shows the same table (checked here). A new
 * folder must be placed in both, and an import against the table fails here, naming the
 * file-level imports that break it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ARCHITECTURE = fileURLToPath(new URL('../../docs/architecture.md', import.meta.url));

/** The layers of `src/`, lowest first. A folder may import only folders in lower rows. */
const LAYERS: readonly (readonly [folder: string, job: string][])[] = [
  [['errors', 'typed errors (errors.ts)']],
  [
    ['text', 'language detection, analyzers, stemming, speech chunking: pure text code'],
    ['audio', 'PCM, WAV, G.711, resampling, framing, wire formats: pure sample code'],
  ],
  [['config', 'the environment schema, its kinds and every default']],
  [['telemetry', 'logger, metric catalogue, log scrubbing, inspector']],
  [
    ['models', 'model folder, pulls, transformers environment'],
    ['cache', 'Redis connection and memory+Redis tiering'],
    ['prompts', 'system prompts, greetings and the phrase catalogue'],
    ['calllog', "a call's event log and its retention; call recordings"],
    ['dlq', 'dead-letter queue and offline buffer'],
    ['ops', 'ops HTTP server, default metrics, shutdown'],
  ],
  [
    ['workers', 'worker-thread handlers (VAD, Whisper, embeddings, espeak) and their pools'],
    ['cost', 'per-call cost ledger, prices, reports'],
  ],
  [['media', 'transports (AudioSocket, RTP), pacing, playback, VAD sessions and endpointing']],
  [['providers', 'LLM, speech-to-text, text-to-speech and embedding providers']],
  [
    ['knowledge', 'ingest, store, hybrid retrieval, prefetch'],
    ['speech', 'TTS service, its cache, fillers and pre-warm'],
  ],
  [['answer', 'answerers, routing, budgets, history']],
  [['calls', "one call's parts (session, timeline, turn log) and its event vocabulary"]],
  [
    ['actors', 'actor-logic makers, one per file, created per call'],
    ['tracing', 'OpenTelemetry traces of calls, built from the call timeline'],
    ['console', 'the web console: pages of live and recent calls, waterfalls, costs'],
  ],
  [['machines', 'the call machine and its regions']],
  [['telephony', 'ARI connection and the Stasis app']],
  [['runtime', 'wiring of shared parts, per-call actors, serve']],
  [['simulator', 'simulated Asterisk, simulated line, caller scripts']],
  [['evals', 'eval suites: scripted calls checked turn by turn, with their cost']],
  [['cli', 'the voxstate commands']],
];

/** One relative import from a file of one folder to a file of another. */
interface FolderEdge {
  from: string;
  to: string;
  /** `src/`-relative importer and imported file. */
  fromFile: string;
  toFile: string;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|[\s;])import\s*['"](\.[^'"]+)['"]/g;

/** The code of a file without its comment lines (TSDoc examples are not imports). */
function withoutComments(text: string): string {
  return text.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sourceFiles(join(dir, d.name))
      : /\.(ts|mts)$/.test(d.name) && !d.name.endsWith('.d.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

/** The top folder of a `src/` file (`errors` for `src/errors.ts`). */
function folderOf(root: string, file: string): string {
  return (relative(root, file).split(sep)[0] ?? '').replace(/\.m?ts$/, '');
}

/** Every relative import under `root` that crosses from one top folder to another. */
function folderEdges(root: string): FolderEdge[] {
  const edges: FolderEdge[] = [];
  for (const file of sourceFiles(root)) {
    for (const m of withoutComments(readFileSync(file, 'utf8')).matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec === undefined) continue;
      const target = resolve(dirname(file), spec).replace(/\.(m?)js$/, '.$1ts');
      if (!target.startsWith(root)) continue;
      const from = folderOf(root, file);
      const to = folderOf(root, target);
      if (from === to) continue;
      edges.push({ from, to, fromFile: relative(root, file), toFile: relative(root, target) });
    }
  }
  return edges;
}

/** The folder-level cycles (strongly connected components of more than one folder). */
function folderCycles(edges: readonly FolderEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)?.add(e.to);
    if (!next.has(e.to)) next.set(e.to, new Set());
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The edges that go to the same or a higher layer than their importer, as readable lines. */
function edgesAgainstLayers(
  edges: readonly FolderEdge[],
  layers: typeof LAYERS = LAYERS,
): string[] {
  const rank = new Map<string, number>();
  layers.forEach((row, i) => {
    for (const [folder] of row) rank.set(folder, i);
  });
  const bad: string[] = [];
  for (const e of edges) {
    const a = rank.get(e.from);
    const b = rank.get(e.to);
    if (a === undefined || b === undefined) continue;
    if (b >= a) {
      bad.push(`${e.fromFile} -> ${e.toFile} (${e.from}, layer ${a}, imports ${e.to}, layer ${b})`);
    }
  }
  return [...new Set(bad)].sort();
}

describe('src/ layers', () => {
  const edges = folderEdges(SRC);

  it('finds the imports it checks', () => {
    expect(edges.some((e) => e.from === 'runtime' && e.to === 'machines')).toBe(true);
    expect(edges.some((e) => e.from === 'workers' && e.to === 'audio')).toBe(true);
  });

  it('places every folder of src/ in the layer table', () => {
    const placed = new Set(LAYERS.flat().map(([folder]) => folder));
    const folders = new Set(sourceFiles(SRC).map((f) => folderOf(SRC, f)));
    expect([...folders].filter((f) => !placed.has(f)).sort()).toEqual([]);
    expect([...placed].filter((f) => !folders.has(f)).sort()).toEqual([]);
  });

  it('matches the layer table of docs/architecture.md', () => {
    const row = /^\| (\d+) \| `([a-z-]+)(?:\/|\.ts)` \|/;
    const documented = readFileSync(ARCHITECTURE, 'utf8')
      .split('\n')
      .flatMap((line) => {
        const m = row.exec(line);
        return m ? [`${m[1]} ${m[2]}`] : [];
      });
    const tested = LAYERS.flatMap((folders, i) => folders.map(([folder]) => `${i} ${folder}`));
    expect(documented).toEqual(tested);
  });

  it('has no folder-level import cycle', () => {
    const cycles = folderCycles(edges);
    const detail = cycles.map((c) =>
      [
        `cycle: ${c.join(' <-> ')}`,
        ...edges
          .filter((e) => c.includes(e.from) && c.includes(e.to))
          .map((e) => `  ${e.fromFile} -> ${e.toFile}`),
      ].join('\n'),
    );
    expect(detail, `folder cycles in src/:\n${detail.join('\n')}`).toEqual([]);
  });

  it('imports only from lower layers', () => {
    const bad = edgesAgainstLayers(edges);
    expect(bad, `imports against the layer table:\n${bad.join('\n')}`).toEqual([]);
  });

  it('reports an upward import with its files', () => {
    const upward: FolderEdge = {
      from: 'audio',
      to: 'media',
      fromFile: 'audio/wav.ts',
      toFile: 'media/pacer.ts',
    };
    expect(edgesAgainstLayers([...edges, upward])).toEqual([
      'audio/wav.ts -> media/pacer.ts (audio, layer 1, imports media, layer 6)',
    ]);
    expect(folderCycles([...edges, upward]).length).toBeGreaterThan(0);
  });
});
