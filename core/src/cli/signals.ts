/** SIGINT and SIGTERM caught from the moment it is made; `release()` when no longer waited for. */
export interface SignalLatch {
  /** The first SIGINT or SIGTERM. After it, a second one ends the process the default way. */
  readonly next: Promise<NodeJS.Signals>;
  release(): void;
}

/**
 * Catches the first SIGINT or SIGTERM from now on. A long-running command makes it before its
 * start-up, so a signal that arrives meanwhile is answered once start-up is done (a clean stop)
 * rather than by the default death halfway.
 */
export function catchSignals(): SignalLatch {
  let release = (): void => undefined;
  const next = new Promise<NodeJS.Signals>((done) => {
    // Signal handlers alone do not keep Node running.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const off = (): void => {
      clearInterval(keepAlive);
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
    const on = (signal: NodeJS.Signals): void => {
      off();
      done(signal);
    };
    release = off;
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  return { next, release: () => release() };
}

/** Resolves with the first SIGINT or SIGTERM: the end of a long-running command. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return catchSignals().next;
}
