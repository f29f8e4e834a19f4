import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * A small long-lived process (a Perl script, say) that answers numbered one-line requests, for
 * adapters that start many short or detached processes: Node's spawn forks the agent and blocks
 * its event loop until the child has exec'd, which on a busy node costs many milliseconds per
 * process, where a helper of a few megabytes forks cheaply.
 *
 * A request goes as `<id> <fields>\n` and its answer comes back as `<id> <answer>\n`; the helper
 * may answer out of order. The process starts on first use, is started again after it ends (the
 * requests under way then fail), and ends when its input closes. Neither it nor its pipes keep
 * the agent's process alive while no request waits.
 */
export class LineHelper {
  private child?: ChildProcessByStdio<Writable, Readable, null>;
  private readonly pending = new Map<number, { resolve(answer: string): void; reject(err: Error): void }>();
  private nextId = 1;

  /** `name` starts the errors it raises, e.g. "command runner (perl)". */
  constructor(
    private readonly name: string,
    private readonly program: string,
    private readonly args: readonly string[],
  ) {}

  /** Sends `fields` (one line, no newline) and resolves with the answer after its id. */
  request(fields: string): Promise<string> {
    const child = this.running();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      // Waiting for an answer keeps the process alive; an idle helper does not.
      if (this.pending.size === 0) (child.stdout as unknown as { ref?(): void }).ref?.();
      this.pending.set(id, { resolve, reject });
      child.stdin.write(`${id} ${fields}\n`);
    });
  }

  /** Ends the helper (what it started runs on). */
  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private running(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.child) return this.child;
    const child = spawn(this.program, [...this.args], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
        this.answer(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
      }
    });
    const lost = (why: string) => {
      if (this.child === child) this.child = undefined;
      for (const { reject } of this.pending.values()) reject(new Error(`${this.name} ${why}`));
      this.pending.clear();
    };
    child.on('error', (err) => lost(`could not run: ${err.message}`));
    child.on('exit', (code, signal) => lost(`ended (${signal ?? `exit code ${code}`})`));
    child.stdin.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?(): void }).unref?.();
    (child.stdout as unknown as { unref?(): void }).unref?.();
    return child;
  }

  private answer(line: string): void {
    const space = line.indexOf(' ');
    const id = Number(line.slice(0, space));
    const waiter = space > 0 ? this.pending.get(id) : undefined;
    if (!waiter) return;
    this.pending.delete(id);
    if (this.pending.size === 0) (this.child?.stdout as unknown as { unref?(): void } | undefined)?.unref?.();
    waiter.resolve(line.slice(space + 1));
  }
}
