import { describe, expect, it } from 'vitest';
import { findCandidates } from '../../src/answer/offline-answerer.js';

describe('offline answerer: chunk title lines', () => {
  it('never answers with a Markdown chunk title line (found end to end: "Do you deliver?")', () => {
    const passage = {
      id: 'delivery.md#1',
      score: 1,
      text: 'Delivery > Delivery hours and timing\n\nDeliveries run every day from 10:00 to 19:00, including Sunday. Orders placed before 17:00 are delivered the same day.',
    };
    const [best] = findCandidates('Do you deliver?', [passage]);
    expect(best?.text).toMatch(/^Deliveries run every day/);
    expect(findCandidates('Do you deliver?', [passage]).map((c) => c.text)).not.toContain(
      'Delivery > Delivery hours and timing',
    );
  });

  it('still reads a one-block passage and a title that ends a sentence', () => {
    const [only] = findCandidates('Do you deliver?', [
      { id: 'a', score: 1, text: 'We deliver every day.' },
    ]);
    expect(only?.text).toBe('We deliver every day.');
  });
});
