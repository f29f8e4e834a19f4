// kubelet's crash-loop back-off, per pod and container: the first restart is immediate, then
// each waits twice as long as the one before (10 s to 5 min by default), counted from when the
// container finished; a container that ran long enough starts again from the first delay.

interface Entry {
  delayMs: number;
  /** The finish time of the container whose restart set this entry. */
  finishedAt: number;
}

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  resetMs: number;
}

export class CrashBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly settings: BackoffSettings) {}

  /** Milliseconds to wait before restarting a container that finished at `finishedAt`; 0: go now. */
  remaining(key: string, startedAt: number | undefined, finishedAt: number, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (startedAt !== undefined && finishedAt - startedAt >= this.settings.resetMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, finishedAt + e.delayMs - now);
  }

  /** Records a restart; the next one waits longer. */
  restarted(key: string, finishedAt: number): void {
    const e = this.entries.get(key);
    const delayMs = e ? Math.min(e.delayMs * 2, this.settings.maxMs) : this.settings.initialMs;
    this.entries.set(key, { delayMs, finishedAt });
  }

  /** The delay the next restart of `key` would wait, for messages. */
  delayOf(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  forgetPod(uid: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${uid}/`)) this.entries.delete(key);
  }
}
