import type { RuntimeAdapter } from '../kernel/contracts/runtime.js';

/**
 * Asks the runtime for its containers once, so a daemon that is not running (docker, containerd)
 * stops `corral up` with the adapter's own message (which socket it tried, how to start the
 * daemon) instead of a node that warns forever. Answers the problem, or undefined.
 */
export async function runtimeProblem(runtime: RuntimeAdapter, timeoutMs = 15_000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((done) => {
    timer = setTimeout(() => done(`the ${runtime.name} runtime did not answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  try {
    return await Promise.race([
      runtime.listContainers().then(
        () => undefined,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
