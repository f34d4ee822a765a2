import { describe, expect, it } from 'vitest';
import {
  type CallResult,
  percentile,
  QUESTIONS,
  simulatedFirstPiece,
  turnFigures,
} from '../../bench/call-load.js';

describe('call benchmark helpers', () => {
  it('finds when the speech chunker releases the first piece of a scripted answer', () => {
    const latency = { llmFirstTokenMs: 150, llmChunkMs: 20 };
    for (const q of QUESTIONS) expect(simulatedFirstPiece(q.chunks, latency)).toBe(190);
    expect(simulatedFirstPiece(['One sentence only'], latency)).toBe(150);
  });

  it('splits a turn into provider time and the runtime own overhead', () => {
    const result: CallResult = {
      index: 0,
      wallMs: 1,
      turns: [
        {
          turn: 1,
          speechEndAtMs: 0,
          filler: 5,
          transcript: 2,
          retrieval: 6,
          first_answer_audio: 1_000,
          marks: { answer_start: 7, answer_first_piece: 207, tts_start: 208, answer_ready: 218 },
        },
        { turn: 2, speechEndAtMs: 5_000, filler: 4, transcript: 1 },
      ],
    };
    const [t, ...rest] = turnFigures(result, 190);
    expect(rest).toEqual([]);
    expect(t).toMatchObject({
      filler: 5,
      retrieval: 4,
      answererFirstPiece: 200,
      ttsFirstByte: 10,
      fillerWait: 782,
      overhead: 4,
      overheadVsSimulated: 14,
    });
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile([], 50)).toBeUndefined();
  });
});
