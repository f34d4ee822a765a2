/**
 * What the speech-to-text fixture servers share: the scripted caller's text they "hear" (one
 * text per utterance, in order), realistic timing (partials every 100-200 ms while audio
 * arrives, the final 150-300 ms after the end of the utterance, jittered by a seeded generator)
 * and the failure settings (HTTP status at connect, stall, socket drop mid-utterance, slow).
 */

/** Behaviour of an STT fixture server; can be changed between utterances. */
export interface SttFakeOptions {
  /** Texts of the next utterances, taken in order (one per utterance). */
  texts?: string[];
  /** Text when `texts` is empty (default "hello"). */
  text?: string;
  /**
   * The text of an utterance from what the request carries (query parameters or form fields,
   * e.g. a tag naming the scripted caller), for concurrent callers; undefined falls through to
   * `texts` and `text`.
   */
  textFor?: (request: Record<string, string>) => string | undefined;
  /**
   * For a streaming connection, a source of its text asked again at every partial and final:
   * what the caller has said on this connection so far (a caller whose words are known only as
   * they come, e.g. a speech start on line noise that runs on into the words). Undefined falls
   * through to `textFor`. Only the Deepgram fixture reads it.
   */
  liveTextFor?: (request: Record<string, string>) => (() => string) | undefined;
  /** Interval between partials, ms, drawn from [min, max] (default [100, 200]). */
  partialEveryMs?: [number, number];
  /** End of utterance to the final, ms, drawn from [min, max] (default [150, 300]). */
  finalDelayMs?: [number, number];
  /** Extra delay before the final (a slow server), ms. */
  slowMs?: number;
  /** Answer the connection / request with this HTTP status and a provider-shaped error. */
  failWith?: number;
  /** Accept the connection and the audio, then never answer. */
  stall?: boolean;
  /** Destroy the socket once this much audio (ms) has arrived. */
  dropAfterAudioMs?: number;
  /** Speaking rate that reveals the words in partials, ms of audio per word (default 300). */
  msPerWord?: number;
  /**
   * Partials follow the caller's voice, as a real engine's do: only voiced audio (20 ms
   * blocks above -45 dBFS) reveals words, at `msPerWord` of voice each, up to the whole text
   * (the last word comes with the partial after it was spoken). Off (default): every byte of
   * audio counts and the last word only comes with the final.
   */
  followVoice?: boolean;
  /** Seed of the timing jitter (default 1). */
  seed?: number;
}

/** Seeded uniform numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The per-server state the helpers need. */
export class SttScript {
  readonly options: SttFakeOptions;
  readonly #random: () => number;

  constructor(options: SttFakeOptions) {
    this.options = options;
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** The text of the next utterance (`request`: its query parameters or form fields). */
  nextText(request: Record<string, string> = {}): string {
    return (
      this.options.textFor?.(request) ?? this.options.texts?.shift() ?? this.options.text ?? 'hello'
    );
  }

  /** A draw from [min, max]. */
  #between([min, max]: [number, number]): number {
    return Math.round(min + (max - min) * this.#random());
  }

  /** Delay to the next partial, ms. */
  partialDelayMs(): number {
    return this.#between(this.options.partialEveryMs ?? [100, 200]);
  }

  /** Delay from the end of the utterance to the final, ms. */
  finalDelayMs(): number {
    return this.#between(this.options.finalDelayMs ?? [150, 300]) + (this.options.slowMs ?? 0);
  }

  /**
   * The words of `text` a listener has heard after `audioMs` of audio (of voice, with
   * `followVoice`; without it never all of them).
   */
  heardSoFar(text: string, audioMs: number): string {
    const words = text.split(/\s+/).filter(Boolean);
    const cap = this.options.followVoice ? words.length : words.length - 1;
    const n = Math.min(cap, Math.floor(audioMs / (this.options.msPerWord ?? 300)));
    return words.slice(0, Math.max(0, n)).join(' ');
  }
}

/** Whether each 20 ms block of 16-bit PCM in `chunk` is voiced (above -45 dBFS). */
export function voiceBlocks(chunk: Buffer, rate = 16_000): boolean[] {
  const block = Math.round(rate / 50);
  const threshold = 32_768 * 10 ** (-45 / 20);
  const out: boolean[] = [];
  for (let at = 0; at + block * 2 <= chunk.length; at += block * 2) {
    let sum = 0;
    for (let i = at; i < at + block * 2; i += 2) sum += chunk.readInt16LE(i) ** 2;
    out.push(Math.sqrt(sum / block) > threshold);
  }
  return out;
}

/** The pieces of a scripted text a caller says with pauses between them (` | ` between them). */
export const scriptPieces = (text: string): string[] =>
  text
    .split('|')
    .map((p) => p.trim())
    .filter(Boolean);

/**
 * Silence that ends a piece, ms: longer than the pauses espeak-ng makes at a comma or a "...",
 * shorter than a scripted caller's pause between pieces (450-500 ms plus espeak-ng's own edges).
 */
export const PIECE_PAUSE_MS = 500;

/**
 * Where a scripted caller who says a text in pieces is, from the level of the audio (see
 * {@link voiceBlocks}): a piece's voice ends after {@link PIECE_PAUSE_MS} of silence, and the piece being said
 * counts as ended as soon as the caller is silent (a flush comes some 50 ms into a pause).
 */
export class PieceVoice {
  /** Voiced audio fed, ms. */
  voicedMs = 0;
  #ended = 0;
  #inVoice = false;
  #silentBlocks = 0;

  constructor(readonly rate = 16_000) {}

  /** Feeds 16-bit PCM at `rate`. */
  feed(chunk: Buffer): void {
    for (const voiced of voiceBlocks(chunk, this.rate)) {
      if (voiced) {
        this.voicedMs += 20;
        this.#inVoice = true;
        this.#silentBlocks = 0;
      } else if (this.#inVoice && ++this.#silentBlocks >= PIECE_PAUSE_MS / 20) {
        this.#ended++;
        this.#inVoice = false;
      }
    }
  }

  /**
   * Takes the pause the caller is in (if any) as the end of the piece being said, so that the
   * voice after it, however soon, is the next piece (a commit in the pause ended it).
   */
  endPiece(): void {
    if (this.#inVoice && this.#silentBlocks > 0) {
      this.#ended++;
      this.#inVoice = false;
    }
  }

  /** Pieces whose voice has ended (the one being said too once the caller is silent). */
  get ended(): number {
    return this.#ended + (this.#inVoice && this.#silentBlocks > 0 ? 1 : 0);
  }

  /** Pieces whose voice has started. */
  get started(): number {
    return this.#ended + (this.#inVoice ? 1 : 0);
  }
}

/** Milliseconds of 16-bit PCM in `chunk` (20 ms blocks) whose level is above -45 dBFS. */
export function voicedMs(chunk: Buffer, rate = 16_000): number {
  const block = Math.round(rate / 50);
  const threshold = 32_768 * 10 ** (-45 / 20);
  let voiced = 0;
  for (let at = 0; at + block * 2 <= chunk.length; at += block * 2) {
    let sum = 0;
    for (let i = at; i < at + block * 2; i += 2) sum += chunk.readInt16LE(i) ** 2;
    if (Math.sqrt(sum / block) > threshold) voiced += 20;
  }
  return voiced;
}

/** 16 kHz 16-bit mono PCM bytes to milliseconds. */
export const pcm16Ms = (bytes: number, rate = 16_000) => (bytes / 2 / rate) * 1000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
