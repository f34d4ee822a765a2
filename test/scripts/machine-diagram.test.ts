/**
 * The generated call-machine diagram: the committed doc must match the machine, and the
 * Mermaid output must be structurally sound (ids Mermaid accepts, every state declared inside
 * its parent before edges use it, the parallel separator, hang-up edges, legend).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, and, createMachine, not, or, setup, stateIn } from 'xstate';
import {
  diagramModel,
  eventLabel,
  GENERATED_BEGIN,
  GENERATED_END,
  guardLabel,
  mermaidId,
  mermaidLabel,
  renderActorLegend,
  renderDiagramBlock,
  renderStateDiagram,
  replaceGeneratedBlock,
} from '../../scripts/machine-diagram.js';
import { ParseError } from '../../src/errors.js';
import { callMachine } from '../../src/machines/call.machine.js';

const DOC = fileURLToPath(new URL('../../docs/call-machine.md', import.meta.url));

const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL = /^[A-Za-z0-9_.,()[\] !=+*/-]+$/;

/** Checks what the Mermaid state grammar needs and returns the declared ids by parent. */
function checkMermaid(source: string): Map<string, string | undefined> {
  const lines = source.split('\n');
  expect(lines[0]).toBe('stateDiagram-v2');
  const parentOf = new Map<string, string | undefined>();
  const blocks = new Set<string>();
  const stack: string[] = [];
  let edges = 0;
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    if (line === '' || line === '--') continue;
    const open = /^state (\S+) \{$/.exec(line);
    if (open) {
      const id = open[1] as string;
      expect(id).toMatch(ID);
      // A state first named by an `[*] -->` edge in the same block is the same state.
      if (parentOf.has(id)) expect(parentOf.get(id), `state ${id} moved`).toBe(stack.at(-1));
      expect(blocks.has(id), `state ${id} declared twice`).toBe(false);
      blocks.add(id);
      parentOf.set(id, stack.at(-1));
      stack.push(id);
      continue;
    }
    if (line === '}') {
      expect(stack.pop(), 'unbalanced }').toBeDefined();
      continue;
    }
    const edge = /^(\S+) --> (\S+)(?: : (.+))?$/.exec(line);
    if (edge) {
      const [, from, to, label] = edge as unknown as [string, string, string, string | undefined];
      for (const end of [from, to]) {
        if (end === '[*]') continue;
        expect(end).toMatch(ID);
        // Edges after the structure must only name declared states, or Mermaid would create
        // them in the wrong composite.
        if (stack.length === 0 && from !== '[*]' && to !== '[*]') {
          expect(parentOf.has(end), `${end} used before it is declared`).toBe(true);
        } else if (!parentOf.has(end)) parentOf.set(end, stack.at(-1));
      }
      if (label !== undefined) expect(label).toMatch(LABEL);
      edges++;
      continue;
    }
    expect(line, `unexpected line "${line}"`).toMatch(ID);
    if (!parentOf.has(line)) parentOf.set(line, stack.at(-1));
  }
  expect(stack, 'unclosed state block').toEqual([]);
  expect(edges).toBeGreaterThan(0);
  return parentOf;
}

describe('docs/call-machine.md', () => {
  it('matches the call machine (regenerate with npm run docs:diagram)', async () => {
    const committed = await readFile(DOC, 'utf8');
    const fresh = replaceGeneratedBlock(
      committed,
      renderDiagramBlock(callMachine),
      'docs/call-machine.md',
    );
    if (fresh !== committed) {
      expect.fail('docs/call-machine.md is stale: run npm run docs:diagram');
    }
    expect(committed).toContain('## States');
  });
});

describe('call machine diagram', () => {
  const source = renderStateDiagram(callMachine);
  const model = diagramModel(callMachine);

  it('declares every state once, inside its parent', () => {
    const parentOf = checkMermaid(source);
    const root = callMachine.root;
    const walk = (node: typeof root, parent: string | undefined): number => {
      let count = 0;
      for (const child of Object.values(node.states)) {
        const id = model.states.find((s) => s.path === child.id)?.id as string;
        expect(id, child.id).toBeDefined();
        expect(parentOf.has(id), `${child.id} missing`).toBe(true);
        // Children of a parallel state sit in Mermaid's region dividers, not in the state.
        if (node.type !== 'parallel') expect(parentOf.get(id), child.id).toBe(parent);
        count += 1 + walk(child, id);
      }
      return count;
    };
    const everyNode = (node: typeof root): number =>
      Object.values(node.states).reduce((n, child) => n + 1 + everyNode(child), 0);
    expect(walk(root, undefined)).toBe(everyNode(root));
    expect(model.states).toHaveLength(everyNode(root));
    expect(everyNode(root)).toBeGreaterThan(30);
  });

  it('separates the parallel regions of active with --', () => {
    expect(source).toMatch(
      /state active \{\n {4}state conversation \{[\s\S]*\n {4}--\n {4}state prompt \{/,
    );
    expect(source.match(/^\s*--$/gm)).toHaveLength(1);
  });

  it('draws initial and final states', () => {
    expect(source).toContain('  [*] --> active\n');
    expect(source).toMatch(/state conversation \{\n\s+\[\*\] --> greeting/);
    expect(source).toMatch(/state prompt \{\n\s+\[\*\] --> compact/);
    expect(source).toContain('  ended --> [*]');
    // A parallel state has no single initial child.
    expect(source).not.toMatch(/state active \{\n\s+\[\*\]/);
  });

  it('draws hang-up once on active, which covers every state', () => {
    const hangup = model.edges.find((e) => e.from === 'active' && e.to === 'ended');
    expect(hangup?.label.split(', ')).toEqual(
      expect.arrayContaining(['media.hangup', 'error media', 'error endpointing']),
    );
    expect(source).toMatch(/^ {2}active --> ended : media\.hangup, error media/m);
  });

  it('labels guards, delays, invoke completions and barge-in', () => {
    const lines = source.split('\n').map((l) => l.trim());
    expect(lines).toContain('pending --> hearing : media.speech.start [isInbound]');
    expect(lines).toContain('speaking --> hearing : media.speech.start [bargeInOnGreeting]');
    expect(lines).toContain('waiting --> reprompt : after maxSilence [mayRepromptSilence]');
    expect(lines).toContain('waiting --> goodbye : after maxSilence [else]');
    expect(lines).toContain('conversation --> goodbye : after maxCallDuration [notSayingGoodbye]');
    expect(lines).toContain(
      'transcribing --> goodbye : done transcribe [transcriptEmpty and tooManyNotUnderstood]',
    );
    expect(lines).toContain('transcribing --> apology : error transcribe');
    expect(lines).toContain('answering --> hearing : media.speech.start');
    expect(lines).toContain('compact --> upgrading : greeting.ended');
  });

  it('lists every invoked actor by id in the legend', () => {
    const legend = renderActorLegend(callMachine);
    for (const id of [
      'media',
      'endpointing',
      'greeting: speak',
      'filler: playFiller',
      'prefetch: prefetchEmbedding',
      'transcribe',
      'retrieve',
      'answer: streamAnswer',
      'goodbye: speak',
      'upgradePrompt',
    ]) {
      expect(legend).toContain(`\`${id}\``);
    }
    expect(legend).toMatch(
      /\| `call\.active` \| parallel \| `media`, `endpointing` \| `media\.dtmf \[digitDoes and notSayingGoodbye\]`, .*`media\.dtmf \[else\]` \|/,
    );
  });

  it('is deterministic', () => {
    expect(renderDiagramBlock(callMachine)).toBe(renderDiagramBlock(callMachine));
  });
});

describe('diagram edge cases', () => {
  const edgeMachine = setup({
    guards: { ready: () => true, busy: () => false },
    delays: { later: 10 },
  }).createMachine({
    id: 'edge-case',
    type: 'parallel',
    states: {
      a: {
        initial: 'idle',
        states: {
          idle: {
            on: {
              GO: { target: '#edge-case.b.idle', guard: and(['ready', not('busy')]) },
              'x:y;z#w': 'done',
            },
            after: { 250: 'state' },
          },
          state: { always: { target: 'idle', guard: or(['ready', stateIn('#edge-case.b.idle')]) } },
          done: { type: 'final' },
        },
        onDone: '#edge-case.b',
      },
      b: {
        initial: 'idle',
        states: {
          idle: { after: { later: { target: 'note', guard: 'ready' } } },
          note: { on: { BACK: 'idle', SELF: { actions: () => {} } } },
        },
      },
    },
  }) as unknown as AnyStateMachine;

  it('gives colliding keys their parent as prefix and escapes reserved words', () => {
    const ids = diagramModel(edgeMachine).states.map((s) => s.id);
    expect(ids).toEqual(['a', 'a_idle', 's_state', 'done', 'b', 'b_idle', 's_note']);
    expect(mermaidId('default')).toBe('s_default');
    expect(mermaidId('defaultCase')).toBe('s_defaultCase');
    expect(mermaidId('call.active-1 x')).toBe('call_active_1_x');
    expect(mermaidId('9lives')).toBe('s_9lives');
    expect(mermaidId('ended')).toBe('ended');
  });

  it('draws transitions to #ids in another region, guards, delays and always', () => {
    const source = renderStateDiagram(edgeMachine);
    checkMermaid(source);
    const lines = source.split('\n').map((l) => l.trim());
    expect(lines).toContain('a_idle --> b_idle : GO [ready and not busy]');
    expect(lines).toContain('a_idle --> done : x y z w');
    expect(lines).toContain('a_idle --> s_state : after 250ms');
    expect(lines).toContain('s_state --> a_idle : always [ready or in b_idle]');
    expect(lines).toContain('b_idle --> s_note : after later [ready]');
    expect(lines).toContain('a --> b : done a');
    // A parallel root is drawn as one outer state, as Mermaid has regions only inside states.
    expect(source).toMatch(/^ {2}\[\*\] --> edge_case\n {2}state edge_case \{\n {4}state a \{/m);
    expect(source).toMatch(/\n {4}--\n {4}state b \{/);
    expect(lines).toContain('done --> [*]');
    expect(source).not.toContain('SELF');
    expect(renderActorLegend(edgeMachine)).toContain('`SELF`');
  });

  it('draws a root with transitions of its own as an outer state', () => {
    const machine = createMachine({
      id: 'a',
      initial: 'a',
      on: { RESET: '.a' },
      states: { a: { on: { NEXT: 'b' } }, b: { type: 'final' } },
    });
    const source = renderStateDiagram(machine);
    checkMermaid(source);
    expect(source).toContain('  state a_machine {\n    [*] --> a\n');
    expect(source).toContain('  a_machine --> a : RESET');
    expect(source).toContain('  a --> b : NEXT');
  });

  it('reduces labels and guards to safe text', () => {
    expect(mermaidLabel('a: b; c # d\n%% e --> f')).toBe('a b c d e -- f');
    expect(mermaidLabel('turn direction LR')).toBe('turn direction-LR');
    expect(mermaidId('style')).toBe('s_style');
    expect(guardLabel('named')).toBe('named');
    expect(guardLabel({ type: 'withParams', params: { n: 1 } })).toBe('withParams');
    expect(guardLabel(() => true)).toBe('inline guard');
    expect(eventLabel('xstate.done.actor.transcribe')).toBe('done transcribe');
    expect(eventLabel('xstate.error.actor.transcribe')).toBe('error transcribe');
    expect(eventLabel('xstate.after.maxSilence.x', 'maxSilence')).toBe('after maxSilence');
    expect(eventLabel('')).toBe('always');
  });
});

describe('replaceGeneratedBlock', () => {
  it('replaces only the block between the markers', () => {
    const doc = `# Title\n\nintro\n\n${GENERATED_BEGIN}\nold\n${GENERATED_END}\n\nafter\n`;
    const next = replaceGeneratedBlock(doc, `${GENERATED_BEGIN}\nnew\n${GENERATED_END}`);
    expect(next).toBe(`# Title\n\nintro\n\n${GENERATED_BEGIN}\nnew\n${GENERATED_END}\n\nafter\n`);
    expect(replaceGeneratedBlock(next, `${GENERATED_BEGIN}\nnew\n${GENERATED_END}`)).toBe(next);
  });

  it('fails with a ParseError when the markers are missing', () => {
    expect(() => replaceGeneratedBlock('# no markers', 'x', 'docs/x.md')).toThrow(ParseError);
    expect(() => replaceGeneratedBlock('# no markers', 'x', 'docs/x.md')).toThrow(/docs\/x\.md/);
  });
});
