/**
 * Placeholders the call machine registers in `setup()` for actors the runtime must provide.
 *
 * The machine definition carries no I/O of its own: the runtime (or a test) swaps in real
 * logic with `callMachine.provide({ actors })`. Running a placeholder is a wiring mistake, so
 * it fails at once with a {@link ConfigError} naming the missing actor, instead of pretending
 * to work.
 *
 * @module
 */
import { type EventObject, fromCallback, fromPromise } from 'xstate';
import { ConfigError } from '../errors.js';

function missing(name: string): ConfigError {
  return new ConfigError(
    `the call machine's "${name}" actor was not provided; use callMachine.provide({ actors: { ${name} } })`,
  );
}

/** A callback actor that fails when started. */
export function unprovidedCallback<
  TInput,
  TEmitted extends EventObject,
  TReceived extends EventObject = EventObject,
>(name: string) {
  return fromCallback<TReceived, TInput, TEmitted>(() => {
    throw missing(name);
  });
}

/** A promise actor that rejects when started. */
export function unprovidedPromise<TOutput, TInput, TEmitted extends EventObject = EventObject>(
  name: string,
) {
  return fromPromise<TOutput, TInput, TEmitted>(async () => {
    throw missing(name);
  });
}
