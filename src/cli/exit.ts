/**
 * How the `voxstate` process ends once a command has finished: with the command's exit code as
 * soon as nothing is left running. Every command closes what it opened, so the process ends by
 * itself; should a dependency still hold a handle open, the process exits anyway after a grace
 * period and says on stderr what was still open (a bug to report, never a hang).
 *
 * @module
 */

/** Grace period after a command has finished, ms. */
export const EXIT_GRACE_MS = 2_000;

/**
 * Sets the exit code and arms an unreferenced timer that ends the process after `graceMs` if
 * something still keeps it alive.
 *
 * @example
 * ```ts
 * exitWhenDone(await main(argv)); // the process ends when its handles are closed, or in 2 s
 * ```
 */
export function exitWhenDone(
  code: number,
  options: { graceMs?: number; err?: NodeJS.WritableStream } = {},
): void {
  process.exitCode = code;
  const timer = setTimeout(() => {
    const open = process
      .getActiveResourcesInfo()
      .filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
    (options.err ?? process.stderr).write(
      `voxstate: still running ${options.graceMs ?? EXIT_GRACE_MS} ms after finishing ` +
        `(open: ${open.join(', ') || 'none'}); exiting\n`,
    );
    process.exit(code);
  }, options.graceMs ?? EXIT_GRACE_MS);
  timer.unref();
}
