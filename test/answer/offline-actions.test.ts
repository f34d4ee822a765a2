import { describe, expect, it } from 'vitest';
import { detectActionIntent } from '../../src/answer/action-intents.js';
import type { AnswerEvent } from '../../src/answer/answerer.js';
import { createOfflineAnswerer } from '../../src/answer/offline-answerer.js';
import { parseBusinessActions } from '../../src/answer/tool-config.js';
import { createToolRunner } from '../../src/answer/tool-runner.js';

const tools = createToolRunner({
  actions: parseBusinessActions({
    builtins: ['transfer_call', 'end_call'],
    transfer: { targets: { desk: { agent: 'PJSIP/agent' } } },
  }),
});

async function answer(query: string, language: string, withTools = true): Promise<AnswerEvent[]> {
  const answerer = createOfflineAnswerer({ phone: '+1 555 0142' });
  const out: AnswerEvent[] = [];
  for await (const e of answerer.answer({
    query,
    passages: [{ id: 'p', text: 'We open at nine on weekdays.', score: 0.9 }],
    history: [],
    system: '',
    language,
    signal: new AbortController().signal,
    ...(withTools ? { tools } : {}),
  })) {
    out.push(e);
  }
  return out;
}

describe('offline answerer actions', () => {
  it.each([
    ['Can I talk to a person please?', 'transfer_call'],
    ['Соедините меня с оператором', 'transfer_call'],
    ['Можна поговорити з людиною?', 'transfer_call'],
    ['אפשר לדבר עם נציג?', 'transfer_call'],
    ["Thanks, that's all. Bye!", 'end_call'],
    ['Спасибо, это всё, до свидания', 'end_call'],
    ['Дякую, це все', 'end_call'],
    ['תודה, זה הכל, להתראות', 'end_call'],
    ['When do you open?', undefined],
    ['Пока я жду, скажите часы работы', undefined],
  ])('%s -> %s', (phrase, intent) => {
    expect(detectActionIntent(phrase)).toBe(intent);
  });

  it('asks for a person: a short phrase, then the transfer action', async () => {
    const events = await answer('Can I speak to a person?', 'en');
    expect(events.filter((e) => e.type === 'text')).toEqual([
      { type: 'text', text: 'Of course, I am connecting you to a person now.' },
    ]);
    expect(events.find((e) => e.type === 'action')).toEqual({
      type: 'action',
      action: {
        type: 'call.transfer',
        mode: 'attended',
        target: 'desk',
        summary: 'The caller said: "Can I speak to a person?"',
      },
    });
  });

  it('goodbye ends the call without an answer of its own (the goodbye state speaks)', async () => {
    const events = await answer('Это всё, спасибо', 'ru');
    expect(events.some((e) => e.type === 'text')).toBe(false);
    expect(events.find((e) => e.type === 'action')).toEqual({
      type: 'action',
      action: { type: 'call.end', reason: 'caller_done' },
    });
  });

  it('without the built-in tools the phrase is answered as a question', async () => {
    const events = await answer('Can I talk to a person?', 'en', false);
    expect(events.some((e) => e.type === 'action')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'done', offline: true });
  });
});
