import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * Starts the adapter's long-lived processes (namespace holders, shims) from a small Perl process
 * instead of from the agent. Node's spawn forks the agent and then blocks its event loop until
 * the child has exec'd; on a busy node that wait is many milliseconds per process, and a burst of
 * pods spent seconds of the agent's time in it, holding up every other pod's work. The launcher
 * forks a process of a few megabytes and does not wait for the exec: a program that cannot
 * run says so in its stderr file and ends with 127, which the caller sees as it waits for the
 * program's own sign of life.
 *
 * One request per line: `<id> <argv> <env> <stdout file> <stderr file>`, each field hex-encoded
 * (argv and env NUL-separated); the answer is `<id> ok <pid>` once forked, or `<id> err
 * <message>`. The child gets a session of its own (it outlives the agent). The launcher ends
 * when its input closes.
 */
const LAUNCHER_SOURCE = String.raw`use strict; use POSIX ();
$| = 1;
# Children are reaped by the kernel: the agent watches them by pid, never by wait.
$SIG{CHLD} = 'IGNORE';
sub unhex { return pack('H*', $_[0]); }
while (my $line = <STDIN>) {
  chomp $line;
  my ($id, $argv, $env, $out, $err) = split / /, $line;
  my @argv = grep { length } split /\0/, unhex($argv);
  my @env = grep { length } split /\0/, unhex($env);
  ($out, $err) = (unhex($out), unhex($err));
  my $pid = fork();
  if (!defined $pid) { print "$id err fork: $!\n"; next; }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    POSIX::setsid();
    open(STDIN, '<', '/dev/null');
    open(STDERR, '>>', $err) or POSIX::_exit(127);
    open(STDOUT, '>>', $out) or do { print STDERR "cannot open $out: $!\n"; POSIX::_exit(127); };
    %ENV = ();
    for (@env) { my ($k, $v) = split /=/, $_, 2; $ENV{$k} = $v; }
    exec { $argv[0] } @argv;
    print STDERR "cannot run $argv[0]: $!\n";
    POSIX::_exit(127);
  }
  print "$id ok $pid\n";
}
`;

export interface LaunchRequest {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Files the program's stdout and stderr are appended to. */
  readonly stdout: string;
  readonly stderr: string;
}

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const nul = (values: readonly string[]) => values.map((v) => `${v}\0`).join('');

export class Launcher {
  private child?: ChildProcessByStdio<Writable, Readable, null>;
  private readonly pending = new Map<number, { resolve(pid: number): void; reject(err: Error): void }>();
  private nextId = 1;

  constructor(private readonly perl: string) {}

  /** Starts `argv` detached; resolves with its pid once forked (see the class's note on exec failures). */
  launch(request: LaunchRequest): Promise<number> {
    for (const v of [...request.argv, ...Object.entries(request.env).flat()]) {
      if (v.includes('\0')) throw new Error(`runtime-process: a value contains a NUL byte: ${JSON.stringify(v.slice(0, 40))}`);
    }
    const child = this.running();
    const id = this.nextId++;
    const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
    return new Promise<number>((resolve, reject) => {
      // Waiting for an answer keeps the process alive; an idle launcher does not.
      if (this.pending.size === 0) (child.stdout as unknown as { ref?(): void }).ref?.();
      this.pending.set(id, { resolve, reject });
      child.stdin.write(`${id} ${hex(nul(request.argv))} ${hex(nul(env))} ${hex(request.stdout)} ${hex(request.stderr)}\n`);
    });
  }

  /** Ends the launcher (what it started runs on). */
  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private running(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.child) return this.child;
    const child = spawn(this.perl, ['-e', LAUNCHER_SOURCE], { stdio: ['pipe', 'pipe', 'ignore'] });
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
      for (const { reject } of this.pending.values()) reject(new Error(`runtime-process: the launcher (${this.perl}) ${why}`));
      this.pending.clear();
    };
    child.on('error', (err) => lost(`could not run: ${err.message}`));
    child.on('exit', (code, signal) => lost(`ended (${signal ?? `exit code ${code}`})`));
    child.stdin.on('error', () => undefined);
    // Neither the launcher nor its pipes keep the agent's process alive.
    child.unref();
    (child.stdin as unknown as { unref?(): void }).unref?.();
    (child.stdout as unknown as { unref?(): void }).unref?.();
    return child;
  }

  private answer(line: string): void {
    const match = /^(\d+) (ok|err) (.*)$/.exec(line);
    if (!match) return;
    const waiter = this.pending.get(Number(match[1]));
    if (!waiter) return;
    this.pending.delete(Number(match[1]));
    if (this.pending.size === 0) (this.child?.stdout as unknown as { unref?(): void } | undefined)?.unref?.();
    if (match[2] === 'ok') waiter.resolve(Number(match[3]));
    else waiter.reject(new Error(`runtime-process: ${match[3]}`));
  }
}
