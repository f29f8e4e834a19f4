import { createWriteStream, type WriteStream } from 'node:fs';

// Where a pod's start-up time goes: the agent marks milestones (seen, sync started, network,
// sandbox, each container created and started, status written) when the environment names a
// file in CORRAL_AGENT_TRACE, as the startup benchmark does. One JSON line per milestone,
// `{ pod, step, at }` with `at` in wall-clock ms. A pod's marks stop once it was reported
// Running: what follows is no longer its start-up. Off, marking costs one call that does nothing.

export const TRACE_ENV = 'CORRAL_AGENT_TRACE';

export interface StartupTrace {
  /** Records `step` for the pod `uid` (`pod`: namespace/name) while it is starting. */
  mark(uid: string, pod: string, step: string): void;
  /** The pod runs: stop recording it. */
  finished(uid: string): void;
  close(): Promise<void>;
}

export const noTrace: StartupTrace = {
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
    if (!this.done.has(uid)) this.out.write(`${JSON.stringify({ pod, step, at: Date.now() })}\n`);
  }

  finished(uid: string): void {
    this.done.add(uid);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

export function startupTraceFromEnv(env: NodeJS.ProcessEnv = process.env): StartupTrace {
  const path = env[TRACE_ENV];
  return path ? new FileTrace(path) : noTrace;
}
