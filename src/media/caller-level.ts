/**
 * Tells the caller's own voice from voices further away (a café's babble, a television, people
 * in the next room).
 *
 * To a voice detector, background voices are speech like the caller's: babble on the line wakes
 * Silero as surely as the caller does. While the bot talks that is a barge-in that stops the
 * answer; while the caller talks it holds their utterance open long after they stopped (the
 * turns bench saw a question answered 13 s late); between turns it starts utterances of nobody.
 * But the caller speaks into the handset; the other voices reach it from across the room,
 * 10-20 dB quieter. The gate learns the caller's own speech level from the call itself (the
 * energy of the voiced windows of their utterances, said while the bot was silent) and says when
 * voice is too quiet to be theirs: more than `marginDb` under that level. Until the caller has
 * said enough to learn from (their first half second of the call), every voice counts.
 *
 * The level is a high percentile of the energies learned, over the caller's recent speech: their
 * loud syllables stand out of babble that slipped into an utterance, and the level follows a
 * caller who moves the handset or raises their voice. The driver learns only windows the gate
 * accepts, so babble that goes on for a long time does not become the caller's level. But a
 * caller whose voice drops for good (a speakerphone, a handset held away) must not meet a deaf
 * bot: after `relearnAfterMs` of voice turned away with none accepted, the level is forgotten
 * and learned again.
 *
 * Energies are mean squares of 16-bit samples over a short span (the echo gate's
 * `callerEnergy`).
 *
 * @module
 */

/** Options of {@link CallerLevel}. */
export interface CallerLevelOptions {
  /** Voice this many dB or more under the caller's level is not the caller's. 0: off. Default 12. */
  marginDb?: number;
  /** Windows of the caller's speech learned before the gate acts. Default 15 (about half a second). */
  minWindows?: number;
  /** Windows of the caller's speech remembered (the most recent). Default 400 (about 13 s). */
  memory?: number;
  /** The percentile of the remembered energies taken as the caller's level. Default 0.8. */
  percentile?: number;
  /**
   * Voice turned away (outside the bot's turn) with none accepted after which the level is
   * forgotten and learned again, ms. Default 4000.
   */
  relearnAfterMs?: number;
}

/** The caller's speech level of one call, and the gate it makes. */
export class CallerLevel {
  readonly #marginDb: number;
  readonly #minWindows: number;
  readonly #memory: number;
  readonly #percentile: number;
  readonly #relearnAfterMs: number;
  /** Voice turned away since the last voice accepted, ms. */
  #turnedAwayMs = 0;
  /** Learned energies in dB, oldest first (which one to forget next). */
  readonly #learned: number[] = [];
  /** The same energies in ascending order (the percentile), kept sorted as they come and go. */
  readonly #sorted: number[] = [];

  constructor(options: CallerLevelOptions = {}) {
    this.#marginDb = options.marginDb ?? 12;
    this.#minWindows = options.minWindows ?? 15;
    this.#memory = Math.max(1, options.memory ?? 400);
    this.#percentile = Math.min(1, Math.max(0, options.percentile ?? 0.8));
    this.#relearnAfterMs = options.relearnAfterMs ?? 4_000;
  }

  /**
   * Notes `ms` of voice outside the bot's turn that the gate `accepted` or turned away; returns
   * true when it forgot the level (see the module header).
   */
  heard(accepted: boolean, ms: number): boolean {
    if (accepted) {
      this.#turnedAwayMs = 0;
      return false;
    }
    this.#turnedAwayMs += ms;
    if (this.#turnedAwayMs < this.#relearnAfterMs) return false;
    this.#turnedAwayMs = 0;
    this.#learned.length = 0;
    this.#sorted.length = 0;
    return true;
  }

  /** Learns one voiced window of the caller's own speech (said while the bot was silent). */
  learn(energy: number): void {
    if (!(energy > 0)) return;
    const db = toDb(energy);
    this.#learned.push(db);
    this.#sorted.splice(lowerBound(this.#sorted, db), 0, db);
    if (this.#learned.length > this.#memory) {
      const oldest = this.#learned.shift() as number;
      this.#sorted.splice(lowerBound(this.#sorted, oldest), 1);
    }
  }

  /** The caller's speech level in dB (of 16-bit energy), once enough of it is learned. */
  levelDb(): number | undefined {
    const sorted = this.#sorted;
    if (sorted.length < this.#minWindows) return undefined;
    return sorted[Math.min(sorted.length - 1, Math.floor(this.#percentile * sorted.length))];
  }

  /**
   * How far `energy` lies from the caller's level, dB (negative: quieter); undefined until the
   * level is learned.
   */
  relativeDb(energy: number): number | undefined {
    const level = this.levelDb();
    if (level === undefined) return undefined;
    return energy > 0 ? toDb(energy) - level : Number.NEGATIVE_INFINITY;
  }

  /**
   * True when voice of this energy may be the caller's: the gate is off, the level is not
   * learned yet, or it is less than `marginDb` under the level.
   */
  accepts(energy: number): boolean {
    if (this.#marginDb <= 0) return true;
    const relative = this.relativeDb(energy);
    return relative === undefined || relative > -this.#marginDb;
  }
}

/** The first index of ascending `values` whose value is not below `v`. */
function lowerBound(values: readonly number[], v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function toDb(energy: number): number {
  return 10 * Math.log10(energy);
}
