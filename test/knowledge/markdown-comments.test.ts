import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/knowledge/parsers/markdown.js';

describe('parseMarkdown: HTML comments', () => {
  it('never puts an HTML comment into chunk text, on one line or over several', () => {
    const md = [
      '<!-- internal: prices checked 2024-05, ask Anna before changing -->',
      '# Delivery',
      '',
      'We deliver daily. <!-- TODO: Sunday? --> Orders over $40 ship free.',
      '',
      '<!--',
      '## Old section',
      'Delivery used to cost $9.',
      '-->',
      'Couriers call 15 minutes ahead.<!-- a --><!-- b -->',
      '',
      '```html',
      '<!-- kept: this is code -->',
      '```',
    ].join('\n');
    const { chunks } = parseMarkdown(md, 'kb/delivery.md');
    expect(chunks.map((c) => c.title)).toEqual(['Delivery']);
    const text = chunks[0]!.text;
    expect(text).not.toMatch(/internal|TODO|Old section|\$9|<!-- a|<!-- b/u);
    expect(text).toContain('We deliver daily. Orders over $40 ship free.');
    expect(text).toContain('Couriers call 15 minutes ahead.');
    expect(text).toContain('<!-- kept: this is code -->');
    expect(chunks[0]!.line).toBe(4);
  });

  it('reads a comment left open as running to the end of the file, keeping what came before', () => {
    const { chunks } = parseMarkdown('# A\n\nText.\n\n<!-- draft\n\nmore', 'kb/a.md');
    expect(chunks.map((c) => c.text)).toEqual(['A\n\nText.']);
  });
});
