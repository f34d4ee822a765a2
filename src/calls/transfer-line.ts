/**
 * What a call's telephony side offers for a transfer to a person (a `PhoneCall` on ARI has it
 * as `transfer`): blind hand-off into the dialplan or by redirect, and the steps of an attended
 * transfer (dial the agent into the app, speak to the agent alone, bridge caller and agent,
 * leave). The transfer actors use it without importing the telephony layer.
 *
 * @module
 */

/** Where a blind transfer sends the caller. */
export type BlindTarget =
  | { kind: 'dialplan'; context: string; extension: string; priority: number }
  | { kind: 'redirect'; endpoint: string };

/** Why an agent's leg did not answer. */
export type AgentDialFailure = 'noanswer' | 'busy' | 'failed' | 'hangup';

/** A call's transfer operations. Each rejects with a typed error naming what failed. */
export interface TransferLine {
  /** Hands the caller off (they leave the app); the call then ends with reason `transferred`. */
  handOff(target: BlindTarget, signal?: AbortSignal): Promise<void>;
  /**
   * Dials the agent's leg into the app and resolves when it answers. Rejects with a
   * `TransferError` (its `failure` says why) when it does not answer within `timeoutMs`, is
   * busy or hangs up; aborting `signal` hangs the ringing leg up.
   */
  dialAgent(endpoint: string, timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Takes the caller out of the bot's bridge and puts the answered agent in it. */
  agentOnly(): Promise<void>;
  /** Brings the caller back into the bridge with the agent (the bot still in it). */
  joinCaller(): Promise<void>;
  /** The bot leaves: caller and agent stay bridged; the call ends with reason `transferred`. */
  leave(): Promise<void>;
  /** Back to the caller: the agent's leg (if any) is hung up and the caller rejoins the bot. */
  resume(): Promise<void>;
  /** Calls `listener` when the agent's leg hangs up after it answered; returns the unsubscribe. */
  onAgentHangup(listener: () => void): () => void;
  /** Starts music on hold of class `music` for the caller (Asterisk's `channels/{id}/moh`). */
  startHold(music: string): Promise<void>;
  /** Stops the caller's music on hold (nothing when none plays); `bridge` and `resume` call it. */
  stopHold(): Promise<void>;
}
