import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * Runs short commands (`ip`) from a small long-lived Perl process instead of from the agent.
 * Node's spawn forks the agent and blocks its event loop until the child has exec'd; on a busy
 * node that is many milliseconds per command, and a burst of pods queues on it. The runner forks
 * a process of a few megabytes per command, which runs it, waits, and answers.
 *
 * One request per line: `<id> <argv> <stdin>`, hex-encoded (argv NUL-separated); the answer is
 * `<id> <exit status> <stdout> <stderr>` (hex, each cut at 1000 bytes so that an answer is one
 * atomic pipe write). A command's stdout is read before its stderr: the runner is for commands
 * that say little. The runner ends when its input closes.
 */
const RUNNER_SOURCE = String.raw`use strict; use POSIX ();
$SIG{CHLD} = 'IGNORE';
sub unhex { return pack('H*', defined $_[0] ? $_[0] : ''); }
sub slurp { my ($fh) = @_; local $/; my $s = <$fh>; return defined $s ? $s : ''; }
sub answer { my ($id, $status, $out, $err) = @_;
  syswrite(STDOUT, "$id $status " . unpack('H*', substr($out, 0, 1000)) . ' ' . unpack('H*', substr($err, 0, 1000)) . "\n"); }
while (my $line = <STDIN>) {
  chomp $line;
  my ($id, $argv, $in) = split / /, $line;
  my @argv = grep { length } split /\0/, unhex($argv);
  my $pid = fork();
  if (!defined $pid) { answer($id, 126, '', "fork: $!"); next; }
  next if $pid;
  $SIG{CHLD} = 'DEFAULT';
  pipe(my $ir, my $iw); pipe(my $or, my $ow); pipe(my $er, my $ew);
  my $child = fork();
  if (!defined $child) { answer($id, 126, '', "fork: $!"); POSIX::_exit(0); }
  if ($child == 0) {
    open(STDIN, '<&', $ir); open(STDOUT, '>&', $ow); open(STDERR, '>&', $ew);
    close($_) for ($ir, $iw, $or, $ow, $er, $ew);
    exec { $argv[0] } @argv;
    print STDERR "cannot run $argv[0]: $!\n";
    POSIX::_exit(127);
  }
  close($_) for ($ir, $ow, $ew);
  syswrite($iw, unhex($in)); close($iw);
  my $out = slurp($or); my $err = slurp($er);
  waitpid($child, 0);
  answer($id, ($? & 127) ? 128 + ($? & 127) : $? >> 8, $out, $err);
  POSIX::_exit(0);
}
`;

export interface CommandResult {
  /** The exit status (128 + the signal's number when killed by one). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex').toString('utf8');

export class CommandRunner {
  private child?: ChildProcessByStdio<Writable, Readable, null>;
  private readonly pending = new Map<number, { resolve(result: CommandResult): void; reject(err: Error): void }>();
  private nextId = 1;

  constructor(private readonly perl = 'perl') {}

  /** Runs `argv` with `input` on its stdin; rejects only when the runner itself is lost. */
  run(argv: readonly string[], input = ''): Promise<CommandResult> {
    if (argv.length === 0) throw new Error('command runner: no command given');
    for (const v of argv) if (v.includes('\0') || v === '') throw new Error(`command runner: an argument is empty or holds a NUL byte: ${JSON.stringify(argv)}`);
    const child = this.running();
    const id = this.nextId++;
    return new Promise<CommandResult>((resolve, reject) => {
      // Waiting for an answer keeps the process alive; an idle runner does not.
      if (this.pending.size === 0) (child.stdout as unknown as { ref?(): void }).ref?.();
      this.pending.set(id, { resolve, reject });
      child.stdin.write(`${id} ${hex(argv.map((a) => `${a}\0`).join(''))} ${hex(input)}\n`);
    });
  }

  /** Ends the runner (commands under way finish on their own). */
  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private running(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.child) return this.child;
    const child = spawn(this.perl, ['-e', RUNNER_SOURCE], { stdio: ['pipe', 'pipe', 'ignore'] });
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
      for (const { reject } of this.pending.values()) reject(new Error(`command runner (${this.perl}) ${why}`));
      this.pending.clear();
    };
    child.on('error', (err) => lost(`could not run: ${err.message}`));
    child.on('exit', (code, signal) => lost(`ended (${signal ?? `exit code ${code}`})`));
    child.stdin.on('error', () => undefined);
    // Neither the runner nor its pipes keep the agent's process alive.
    child.unref();
    (child.stdin as unknown as { unref?(): void }).unref?.();
    (child.stdout as unknown as { unref?(): void }).unref?.();
    return child;
  }

  private answer(line: string): void {
    const match = /^(\d+) (\d+) ([0-9a-f]*) ([0-9a-f]*)$/.exec(line);
    if (!match) return;
    const id = Number(match[1]);
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if (this.pending.size === 0) (this.child?.stdout as unknown as { unref?(): void } | undefined)?.unref?.();
    waiter.resolve({ code: Number(match[2]), stdout: unhex(match[3]!), stderr: unhex(match[4]!) });
  }
}
