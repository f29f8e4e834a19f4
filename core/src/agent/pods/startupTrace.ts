import { createWriteStream, type WriteStream } from 'node:fs';

// Milestones of each pod's start-up (seen, sandbox, network, each container, status written),
// to find where the time between a pod's creation and its Running status goes. Off unless the
// environment names a file (CORRAL_AGENT_TRACE), as the startup benchmark does; then each
// milestone is one JSON line: { uid, pod, step, at } with `at` in wall-clock milliseconds.
// A pod's milestones stop once its Running status was written: later syncs are not start-up.

export const TRACE_ENV = 'CORRAL_AGENT_TRACE';

export interface StartupTrace {
  /** Records `step` for the pod `uid` (`pod` is namespace/name), unless it already runs. */
  mark(uid: string, pod: string, step: string): void;
  /** The pod runs: its start-up is over. */
  finished(uid: string): void;
  close(): Promise<void>;
}

const off: StartupTrace = {
  mark: () => undefined,
  finished: () => undefined,
  close: async () => undefined,
};

class FileTrace implements StartupTrace {
  private readonly out: WriteStream;
  private readonly done = new Set<string>();

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
    this.out.on('error', () => undefined);
  }

  mark(uid: string, pod: string, step: string): void {
    if (this.done.has(uid)) return;
    this.out.write(`${JSON.stringify({ uid, pod, step, at: Date.now() })}\n`);
  }

  finished(uid: string): void {
    this.done.add(uid);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/** The trace the environment asks for; one that records nothing when it asks for none. */
export function startupTraceFromEnv(env: NodeJS.ProcessEnv = process.env): StartupTrace {
  const path = env[TRACE_ENV];
  return path ? new FileTrace(path) : off;
}
