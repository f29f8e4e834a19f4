// A client that keeps asking a Service for the whole of a drill, one request after another, and
// remembers when each one failed: the drills assert on the failures of a window (while the
// server was down, after the killed replica was back, ...).
export interface Answer {
  ok: boolean;
  text: string;
}

export interface Failure {
  at: number;
  text: string;
}

export class Hammer {
  requests = 0;
  readonly failures: Failure[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  /** `ask` must never reject; an answer that is not `ok` or that `expected` refuses is a failure. */
  constructor(ask: () => Promise<Answer>, pauseMs: number, expected?: string) {
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        const res = await ask();
        this.requests++;
        if (!res.ok || (expected !== undefined && res.text !== expected)) this.failures.push({ at, text: res.text });
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  }

  /** The failures of requests started at or after `at`. */
  failedSince(at: number): Failure[] {
    return this.failures.filter((f) => f.at >= at);
  }

  /** The first failures, one a line with their time, for a test's message. */
  describe(failures: readonly Failure[] = this.failures, max = 10): string {
    return failures.slice(0, max).map((f) => `${new Date(f.at).toISOString()} ${f.text}`).join('\n');
  }

  /** Stops after the request under way; safe to call twice. */
  stop(): Promise<void> {
    this.running = false;
    return this.loop;
  }
}
