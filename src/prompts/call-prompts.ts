/**
 * A call's system prompts (seed 004). The compact prompt is built when the call is set up, from
 * business data already in memory, so nothing touches a database, a file or the network between
 * answering and greeting; the full prompt is built after the greeting by the prompt-upgrade
 * actor and used by every turn from then on. One object per call, held by the call's session.
 *
 * @module
 */

/** Builds one of a call's prompts. Pure and synchronous. */
export type PromptBuilder = () => string;

/**
 * The compact and full system prompts of one call.
 *
 * @example
 * ```ts
 * const prompts = new CallPrompts(
 *   () => buildCompactPrompt(business, call),
 *   () => buildFullPrompt(business, call),
 * );
 * prompts.systemPrompt(); // compact, until prompts.buildFull() ran
 * ```
 */
export class CallPrompts {
  /** Built at once, before the call is answered. */
  readonly compact: string;
  readonly #buildFull: PromptBuilder;
  #full: string | undefined;

  constructor(buildCompact: PromptBuilder, buildFull: PromptBuilder) {
    this.compact = buildCompact();
    this.#buildFull = buildFull;
  }

  /** The full prompt, once built. */
  get full(): string | undefined {
    return this.#full;
  }

  /** The prompt a turn that starts now uses: the full one once it has been built. */
  systemPrompt(): string {
    return this.#full ?? this.compact;
  }

  /** Builds the full prompt (once) and returns it. */
  buildFull(): string {
    this.#full ??= this.#buildFull();
    return this.#full;
  }
}
