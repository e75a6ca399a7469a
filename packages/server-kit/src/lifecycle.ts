/**
 * Runs `stop` once, then exits, on SIGINT, SIGTERM, or when the process that started this one over
 * an IPC channel (the region runner, a test) is gone: a parent killed with SIGKILL must not leave
 * its services running. A stop that hangs is cut after `graceMs`.
 */
export function stopOnSignals(stop: () => Promise<void>, graceMs = 10_000): void {
  let stopping = false;
  const end = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), graceMs).unref();
    stop()
      .catch((err) => console.error(err instanceof Error ? err.message : err))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', end);
  process.once('SIGTERM', end);
  if (process.send) process.once('disconnect', end);
}
