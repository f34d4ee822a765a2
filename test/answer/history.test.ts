import { describe, expect, it } from 'vitest';
import { appendMessage, appendTurn, emptyHistory } from '../../src/answer/history.js';

describe('conversation history', () => {
  it('keeps the last N turns', () => {
    let h = emptyHistory();
    for (let i = 0; i < 5; i++)
      h = appendTurn(h, `q${i}`, `a${i}`, { maxTurns: 2, maxChars: 1000 });
    expect(h.messages.map((m) => m.content)).toEqual(['q3', 'a3', 'q4', 'a4']);
  });

  it('keeps at most M characters and always starts with the caller', () => {
    let h = emptyHistory();
    h = appendTurn(h, 'a'.repeat(30), 'b'.repeat(30), { maxTurns: 10, maxChars: 50 });
    expect(h.messages).toEqual([]);
    h = appendTurn(h, 'short?', 'yes.', { maxTurns: 10, maxChars: 50 });
    expect(h.messages[0]!.role).toBe('user');
    expect(h.messages.reduce((n, m) => n + m.content.length, 0)).toBeLessThanOrEqual(50);
  });

  it('is plain data that survives JSON', () => {
    const h = appendTurn(emptyHistory(), 'q', 'a');
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
  });

  it('does not store an empty answer', () => {
    const h = appendTurn(emptyHistory(), 'q', '  ');
    expect(h.messages).toEqual([{ role: 'user', content: 'q' }]);
    expect(appendMessage(h, { role: 'user', content: 'q2' }).messages).toHaveLength(2);
  });
});
