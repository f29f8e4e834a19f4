import { LineHelper } from '@corral/core/net';

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
  private readonly helper: LineHelper;

  constructor(perl = 'perl') {
    this.helper = new LineHelper(`command runner (${perl})`, perl, ['-e', RUNNER_SOURCE]);
  }

  /** Runs `argv` with `input` on its stdin; rejects only when the runner itself is lost. */
  async run(argv: readonly string[], input = ''): Promise<CommandResult> {
    if (argv.length === 0) throw new Error('command runner: no command given');
    for (const v of argv) if (v.includes('\0') || v === '') throw new Error(`command runner: an argument is empty or holds a NUL byte: ${JSON.stringify(argv)}`);
    const answer = await this.helper.request(`${hex(argv.map((a) => `${a}\0`).join(''))} ${hex(input)}`);
    const match = /^(\d+) ([0-9a-f]*) ([0-9a-f]*)$/.exec(answer);
    if (!match) throw new Error(`command runner: cannot read its answer ${JSON.stringify(answer.slice(0, 80))}`);
    return { code: Number(match[1]), stdout: unhex(match[2]!), stderr: unhex(match[3]!) };
  }

  /** Ends the runner (commands under way finish on their own). */
  close(): void {
    this.helper.close();
  }
}
