import { LineHelper } from '@corral/core/net';

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
  private readonly helper: LineHelper;

  constructor(perl: string) {
    this.helper = new LineHelper(`runtime-process: the launcher (${perl})`, perl, ['-e', LAUNCHER_SOURCE]);
  }

  /** Starts `argv` detached; resolves with its pid once forked (see the class's note on exec failures). */
  async launch(request: LaunchRequest): Promise<number> {
    for (const v of [...request.argv, ...Object.entries(request.env).flat()]) {
      if (v.includes('\0')) throw new Error(`runtime-process: a value contains a NUL byte: ${JSON.stringify(v.slice(0, 40))}`);
    }
    const env = Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
    const answer = await this.helper.request(`${hex(nul(request.argv))} ${hex(nul(env))} ${hex(request.stdout)} ${hex(request.stderr)}`);
    const match = /^(ok|err) (.*)$/.exec(answer);
    if (match?.[1] === 'ok') return Number(match[2]);
    throw new Error(`runtime-process: ${match ? match[2] : `the launcher's answer cannot be read: ${JSON.stringify(answer.slice(0, 80))}`}`);
  }

  /** Ends the launcher (what it started runs on). */
  close(): void {
    this.helper.close();
  }
}
