/**
 * Generates a Mermaid `stateDiagram-v2` and an actor legend from a machine definition, so the
 * diagram in `docs/call-machine.md` is drawn from the machine itself and can never drift from
 * it. Pure functions: `npm run docs:diagram` (scripts/diagram.ts) writes the result, and a test
 * regenerates it in memory to catch a stale doc.
 *
 * Mermaid is stricter than XState about names: state ids may not contain dots, dashes, colons
 * or spaces, are global across composite states, and transition labels may not contain `:`,
 * `;` or `#`. So ids are the state's key when that key is unique in the machine (else its path
 * joined with `_`), labels are reduced to a conservative character set, every state is declared
 * inside its parent before any edge refers to it, and edges are listed after the structure.
 *
 * @module
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { ParseError } from '../src/errors.js';

/** First line of the generated block in a document. */
export const GENERATED_BEGIN =
  '<!-- generated:begin (npm run docs:diagram; do not edit by hand) -->';
/** Last line of the generated block in a document. */
export const GENERATED_END = '<!-- generated:end -->';

/** Words the Mermaid state lexer reads as keywords where an id is expected. */
const RESERVED = /^(default.*|state|note|class|classdef|scale|direction|hide|end|click|style)$/i;

/** One drawn edge: source and target Mermaid ids and its label. */
export interface DiagramEdge {
  from: string;
  to: string;
  label: string;
}

/** What the generator knows about one state, in document order. */
export interface DiagramState {
  /** Mermaid id. */
  id: string;
  /** XState id, such as `call.active.conversation.listening`. */
  path: string;
  kind: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Invoked actors as `[invoke id, actor source]`. */
  invokes: Array<[string, string]>;
  /** Labels of transitions that run actions without leaving the state. */
  inPlace: string[];
}

/** The machine's states and edges, ready to render. */
export interface DiagramModel {
  states: DiagramState[];
  edges: DiagramEdge[];
  /** Mermaid lines of the nested state structure (without edges). */
  structure: string[];
}

/** Reduces text to characters that are safe in a Mermaid transition label. */
export function mermaidLabel(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_.,()[\] !=+*/-]+/g, ' ')
      // The lexer reads "direction LR" anywhere on a line as a layout statement.
      .replace(/\b(direction)(\s+)(TB|BT|RL|LR)\b/gi, '$1-$3')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Turns a state key or path into a Mermaid-safe id (letters, digits, `_`). */
export function mermaidId(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (id === '' || /^[0-9]/.test(id) || RESERVED.test(id)) id = `s_${id}`;
  return id;
}

function children(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states) as AnyStateNode[];
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...children(node).flatMap(allNodes)];
}

/**
 * Mermaid ids for every state below the root: the key when it is unique in the machine,
 * otherwise the shortest suffix of its path that is unique, joined with `_`.
 */
function assignIds(root: AnyStateNode): Map<AnyStateNode, string> {
  const nodes = allNodes(root).filter((n) => n !== root);
  const ids = new Map<AnyStateNode, string>();
  const paths = new Map(nodes.map((n) => [n, n.path as string[]]));
  for (let depth = 1; ; depth++) {
    const pending = nodes.filter((n) => !ids.has(n));
    if (pending.length === 0) break;
    const counts = new Map<string, number>();
    const candidate = new Map<AnyStateNode, string>();
    for (const n of nodes) {
      const path = paths.get(n) ?? [];
      const id = mermaidId(path.slice(-depth).join('_'));
      candidate.set(n, id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const n of pending) {
      const id = candidate.get(n) as string;
      const full = (paths.get(n) ?? []).length <= depth;
      if (counts.get(id) === 1 || full) ids.set(n, id);
    }
  }
  return ids;
}

/** A readable name for a guard: named guards by name, `and`/`or`/`not`/`stateIn` spelled out. */
export function guardLabel(guard: unknown, ids?: (path: string) => string): string {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && 'type' in guard) return String(guard.type);
  if (typeof guard === 'function') {
    const g = guard as { name?: string; guards?: unknown[]; stateValue?: unknown };
    if (Array.isArray(g.guards)) {
      const parts = g.guards.map((inner) => guardLabel(inner, ids));
      if (g.name === 'not') return `not ${parts[0] ?? ''}`;
      if (g.name === 'or') return parts.join(' or ');
      return parts.join(' and ');
    }
    if (g.stateValue !== undefined) {
      const value = typeof g.stateValue === 'string' ? g.stateValue : JSON.stringify(g.stateValue);
      const target = value.startsWith('#') && ids ? ids(value.slice(1)) : value;
      return `in ${target}`;
    }
    return g.name && g.name !== 'guard' ? g.name : 'inline guard';
  }
  return 'guard';
}

/** The label of an event descriptor: `done transcribe`, `after maxSilence`, `always`, ... */
export function eventLabel(
  eventType: string,
  delay?: unknown,
  ids?: (path: string) => string,
): string {
  if (delay !== undefined) {
    if (typeof delay === 'number') return `after ${delay}ms`;
    if (typeof delay === 'string') return `after ${delay}`;
    return 'after delay';
  }
  if (eventType === '') return 'always';
  const done = /^xstate\.done\.actor\.(.+)$/.exec(eventType);
  if (done) return `done ${done[1]}`;
  const error = /^xstate\.error\.actor\.(.+)$/.exec(eventType);
  if (error) return `error ${error[1]}`;
  const stateDone = /^xstate\.done\.state\.(.+)$/.exec(eventType);
  if (stateDone) {
    const path = stateDone[1] as string;
    return `done ${ids ? ids(path) : path}`;
  }
  return eventType;
}

/** Builds the diagram model (states, nested structure, edges) of a machine. */
export function diagramModel(machine: AnyStateMachine): DiagramModel {
  const root = machine.root as AnyStateNode;
  const ids = assignIds(root);
  const taken = new Set(ids.values());
  let rootId = mermaidId(root.id);
  while (taken.has(rootId)) rootId = `${rootId}_machine`;
  ids.set(root, rootId);
  const byPath = new Map(allNodes(root).map((n) => [n.id as string, n]));
  const idOf = (n: AnyStateNode): string => ids.get(n) as string;
  const idOfPath = (path: string): string => {
    const n = byPath.get(path);
    return n ? idOf(n) : mermaidId(path);
  };

  const states: DiagramState[] = [];
  const edges: DiagramEdge[] = [];
  const structure: string[] = [];

  const delayed = (node: AnyStateNode) =>
    new Map(
      (node.after as Array<{ eventType: string; delay: unknown }>).map((t) => [
        t.eventType,
        t.delay,
      ]),
    );

  function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
    const list: AnyTransitionDefinition[] = [];
    for (const group of (node.transitions as Map<string, AnyTransitionDefinition[]>).values()) {
      list.push(...group);
    }
    list.push(...((node.always ?? []) as AnyTransitionDefinition[]));
    return list;
  }

  function visit(node: AnyStateNode): void {
    const delays = delayed(node);
    const inPlace: string[] = [];
    const guardedEvents = new Set<string>();
    for (const t of transitionsOf(node)) {
      const event = eventLabel(t.eventType, delays.get(t.eventType), idOfPath);
      let label = event;
      if (t.guard !== undefined) {
        label = `${event} [${guardLabel(t.guard, idOfPath)}]`;
        guardedEvents.add(t.eventType);
      } else if (guardedEvents.has(t.eventType)) {
        label = `${event} [else]`;
      }
      label = mermaidLabel(label);
      if (!t.target || t.target.length === 0) {
        inPlace.push(label);
        continue;
      }
      for (const target of t.target) edges.push({ from: idOf(node), to: idOf(target), label });
    }
    if (node !== root) {
      states.push({
        id: idOf(node),
        path: node.id,
        kind: node.type,
        invokes: node.invoke.map((inv: { id: string; src: unknown }) => [
          inv.id,
          typeof inv.src === 'string' ? inv.src : 'inline',
        ]),
        inPlace,
      });
    }
    for (const child of children(node)) visit(child);
  }
  visit(root);

  function declare(node: AnyStateNode, indent: string): void {
    const kids = children(node);
    if (kids.length === 0) {
      structure.push(`${indent}${idOf(node)}`);
      return;
    }
    structure.push(`${indent}state ${idOf(node)} {`);
    body(node, `${indent}  `);
    structure.push(`${indent}}`);
  }

  function body(node: AnyStateNode, indent: string): void {
    const kids = children(node);
    if (node.type === 'parallel') {
      kids.forEach((kid, i) => {
        if (i > 0) structure.push(`${indent}--`);
        declare(kid, indent);
      });
      return;
    }
    for (const target of node.initial?.target ?? []) {
      structure.push(`${indent}[*] --> ${idOf(target)}`);
    }
    for (const kid of kids) declare(kid, indent);
    for (const kid of kids) {
      if (kid.type === 'final') structure.push(`${indent}${idOf(kid)} --> [*]`);
    }
  }
  // Mermaid accepts region separators only inside a state, and a root with transitions of its
  // own needs a box for them to start from: then the machine is drawn as one outer state.
  const rootHasEdges = edges.some((e) => e.from === rootId);
  if (root.type === 'parallel' || rootHasEdges) {
    structure.push(`  [*] --> ${rootId}`);
    structure.push(`  state ${rootId} {`);
    body(root, '    ');
    structure.push('  }');
  } else {
    body(root, '  ');
  }

  return { states, edges: mergeEdges(edges), structure };
}

/** Joins the labels of edges that share a source and a target, keeping first-seen order. */
function mergeEdges(edges: DiagramEdge[]): DiagramEdge[] {
  const merged = new Map<string, DiagramEdge>();
  for (const edge of edges) {
    const key = `${edge.from}->${edge.to}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...edge });
    else if (!seen.label.split(', ').includes(edge.label)) seen.label += `, ${edge.label}`;
  }
  return [...merged.values()];
}

/** The Mermaid `stateDiagram-v2` source of a machine. */
export function renderStateDiagram(machine: AnyStateMachine): string {
  const model = diagramModel(machine);
  const lines = ['stateDiagram-v2', ...model.structure, ''];
  for (const edge of model.edges) lines.push(`  ${edge.from} --> ${edge.to} : ${edge.label}`);
  return lines.join('\n');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A Markdown table of each state's kind, invoked actors (by id) and in-place transitions. */
export function renderActorLegend(machine: AnyStateMachine): string {
  const model = diagramModel(machine);
  const rows = [
    '| State | Kind | Runs (invoke id: actor) | Handled without leaving |',
    '| --- | --- | --- | --- |',
  ];
  for (const s of model.states) {
    const runs = s.invokes.map(([id, src]) => code(id === src ? id : `${id}: ${src}`)).join(', ');
    const inPlace = s.inPlace.map(code).join(', ');
    rows.push(`| ${code(s.path)} | ${s.kind} | ${runs || '-'} | ${inPlace || '-'} |`);
  }
  return rows.join('\n');
}

/** The whole generated block (markers, Mermaid diagram, legend) for a document. */
export function renderDiagramBlock(machine: AnyStateMachine): string {
  return [
    GENERATED_BEGIN,
    '',
    '```mermaid',
    renderStateDiagram(machine),
    '```',
    '',
    renderActorLegend(machine),
    '',
    GENERATED_END,
  ].join('\n');
}

/**
 * Replaces the generated block of `doc` with `block` and leaves the prose around it alone.
 *
 * @throws {ParseError} when the document has no `generated:begin` / `generated:end` markers.
 */
export function replaceGeneratedBlock(doc: string, block: string, source = 'document'): string {
  const begin = doc.indexOf('<!-- generated:begin');
  const endMarker = doc.indexOf(GENERATED_END, begin);
  if (begin < 0 || endMarker < 0) {
    throw new ParseError(
      source,
      `no generated block: add lines "${GENERATED_BEGIN}" and "${GENERATED_END}" where the diagram goes`,
    );
  }
  return doc.slice(0, begin) + block + doc.slice(endMarker + GENERATED_END.length);
}
