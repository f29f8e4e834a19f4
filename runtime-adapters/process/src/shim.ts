import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitForFileOrEnd, writeFileAtomic } from './files.js';
import type { Launcher } from './launcher.js';
import { processRef } from './procs.js';

/**
 * The container shim: a small Perl program (perl is on every Debian system) that outlives the
 * agent. It runs the container's command as its child in a process group of its own, writes
 * the child's stdout and stderr to the log file in CRI's format (`<RFC3339Nano> <stream> <F|P>
 * <text>`), and when the child ends kills what is left of that group (as the end of a pid
 * namespace would) and records the exit status in `<dir>/exit`. It ignores TERM so that a stop
 * aimed at the container's group cannot lose the exit status.
 *
 * Inputs, NUL-separated files in the container directory: `argv` (what to exec), `env`
 * (NAME=value), `cgroups` (cgroup.procs files the child joins before exec). Once the child
 * exists the shim writes `<child pid> <start ms>` to `<dir>/started` (atomically).
 */
const SHIM_SOURCE = String.raw`use strict;
my ($dir, $log, $clock_nr) = @ARGV;
# The wall clock in (seconds, nanoseconds): clock_gettime by syscall number when the adapter
# knows it for this architecture (loading Time::HiRes doubles the shim's start-up cost).
sub now {
  if ($clock_nr) { my $ts = "\0" x 16; return unpack('q<q<', $ts) if syscall($clock_nr, 0, $ts) == 0; }
  require Time::HiRes; my $t = Time::HiRes::time(); my $s = int($t);
  return ($s, int(($t - $s) * 1e9));
}
sub now_ms { my ($s, $ns) = now(); return $s * 1000 + int($ns / 1e6); }
$SIG{$_} = 'IGNORE' for qw(TERM INT HUP PIPE QUIT);
sub list { my ($f) = @_; open(my $h, '<', $f) or return (); local $/; my $s = <$h>; close $h; return grep { length } split /\0/, (defined $s ? $s : ''); }
my @argv = list("$dir/argv");
my @env = list("$dir/env");
my @cgroups = list("$dir/cgroups");
die "corral shim: no command in $dir/argv\n" unless @argv;
open(my $logfh, '>>', $log) or die "corral shim: cannot open log file $log: $!\n";
pipe(my $out_r, my $out_w) or die "corral shim: pipe: $!\n";
pipe(my $err_r, my $err_w) or die "corral shim: pipe: $!\n";
my $pid = fork();
die "corral shim: fork: $!\n" unless defined $pid;
if ($pid == 0) {
  setpgrp(0, 0);
  close $out_r; close $err_r; close $logfh;
  open(STDIN, '<', '/dev/null');
  open(STDOUT, '>&', $out_w); open(STDERR, '>&', $err_w);
  close $out_w; close $err_w;
  for my $f (@cgroups) {
    my $h;
    unless (open($h, '>', $f) and print($h "$$\n") and close($h)) { print STDERR "corral: cannot join cgroup $f: $!\n"; exit 126; }
  }
  $SIG{$_} = 'DEFAULT' for qw(TERM INT HUP PIPE QUIT);
  %ENV = ();
  for (@env) { my ($k, $v) = split /=/, $_, 2; $ENV{$k} = $v; }
  exec { $argv[0] } @argv;
  print STDERR "corral: cannot run $argv[0]: $!\n";
  exit 127;
}
setpgrp($pid, $pid);
close $out_w; close $err_w;
{
  my $sh;
  my $ok = open($sh, '>', "$dir/started.tmp") && print($sh "$pid " . now_ms() . "\n") && close($sh) && rename("$dir/started.tmp", "$dir/started");
  unless ($ok) { kill 'KILL', -$pid; die "corral shim: cannot write $dir/started: $!\n"; }
}
open(STDOUT, '>', '/dev/null'); open(STDERR, '>', '/dev/null'); open(STDIN, '<', '/dev/null');
my %open = (stdout => $out_r, stderr => $err_r);
my %buf = (stdout => '', stderr => '');
sub stamp {
  my ($s, $ns) = now(); my @g = gmtime($s);
  return sprintf('%04d-%02d-%02dT%02d:%02d:%02d.%09dZ', $g[5] + 1900, $g[4] + 1, $g[3], $g[2], $g[1], $g[0], $ns);
}
sub emit {
  my ($stream, $final) = @_;
  my $now = stamp(); my $text = '';
  while ((my $i = index($buf{$stream}, "\n")) >= 0) {
    $text .= "$now $stream F " . substr($buf{$stream}, 0, $i) . "\n";
    substr($buf{$stream}, 0, $i + 1) = '';
  }
  if (length($buf{$stream}) >= 16384 || ($final && length($buf{$stream}))) { $text .= "$now $stream P $buf{$stream}\n"; $buf{$stream} = ''; }
  syswrite($logfh, $text) if length $text;
}
my ($status, $deadline);
while (%open) {
  my $bits = '';
  vec($bits, fileno($open{$_}), 1) = 1 for keys %open;
  my $ready = select(my $rout = $bits, undef, undef, 0.2);
  for my $stream (keys %open) {
    next unless $ready > 0 && vec($rout, fileno($open{$stream}), 1);
    my $n = sysread($open{$stream}, my $chunk, 65536);
    if (!$n) { emit($stream, 1); close $open{$stream}; delete $open{$stream}; next; }
    $buf{$stream} .= $chunk; emit($stream, 0);
  }
  if (!defined $status && waitpid($pid, 1) == $pid) {
    $status = $?;
    kill 'KILL', -$pid;
    $deadline = time() + 2;
  }
  last if defined $deadline && time() > $deadline;
}
emit($_, 1) for keys %buf;
unless (defined $status) { $status = (waitpid($pid, 0) == $pid ? $? : 255 << 8); kill 'KILL', -$pid; }
my $code = ($status & 127) ? 128 + ($status & 127) : ($status >> 8);
my $ended = now_ms();
open(my $eh, '>', "$dir/exit.tmp") or exit 1;
print $eh "$code $ended\n"; close $eh;
rename("$dir/exit.tmp", "$dir/exit");
exit 0;
`;

const SHIM_FILE = `shim-${createHash('sha256').update(SHIM_SOURCE).digest('hex').slice(0, 12)}.pl`;

/** Writes the shim into `rootDir` (named by its content, so an upgrade never edits a running one). */
export async function installShim(rootDir: string): Promise<string> {
  const path = join(rootDir, SHIM_FILE);
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing !== SHIM_SOURCE) await writeFileAtomic(path, SHIM_SOURCE);
  return path;
}

/** clock_gettime's syscall number per architecture (64-bit time_t); others use Time::HiRes. */
const CLOCK_GETTIME: Partial<Record<string, number>> = { x64: 228, arm64: 113, riscv64: 113 };

export interface ShimStarted {
  readonly shimPid: number;
  readonly pid: number;
  readonly startedAt: number;
}

const STARTED_TIMEOUT_MS = 10_000;

/** Starts the shim detached (through the launcher) and waits for it to report the container's pid. */
export async function startShim(launcher: Launcher, perl: string, shim: string, containerDir: string, logFile: string): Promise<ShimStarted> {
  const errors = join(containerDir, 'shim.err');
  let shimPid: number;
  try {
    shimPid = await launcher.launch({ argv: [perl, shim, containerDir, logFile, String(CLOCK_GETTIME[process.arch] ?? 0)], env: {}, stdout: '/dev/null', stderr: errors });
  } catch (err) {
    throw new Error(`runtime-process: cannot start the container shim (${perl} ${shim}): ${(err as Error).message}`);
  }
  const outcome = await waitForFileOrEnd(containerDir, 'started', await processRef(shimPid), STARTED_TIMEOUT_MS);
  const match = outcome === 'found' ? /^(\d+) (\d+)\n/.exec(await readFile(join(containerDir, 'started'), 'utf8').catch(() => '')) : null;
  if (!match) {
    const why = outcome === 'timeout' ? `no report within ${STARTED_TIMEOUT_MS / 1000} s` : (await readFile(errors, 'utf8').catch(() => '')).trim() || 'no output';
    throw new Error(`runtime-process: the container shim for ${containerDir} failed: ${why}`);
  }
  return { shimPid, pid: Number(match[1]), startedAt: Number(match[2]) };
}

export interface ExitRecord {
  readonly exitCode: number;
  readonly finishedAt: number;
}

/** The exit status the shim recorded, if the container ended. */
export async function readExit(containerDir: string): Promise<ExitRecord | undefined> {
  const text = await readFile(join(containerDir, 'exit'), 'utf8').catch(() => undefined);
  const match = text && /^(-?\d+) (\d+)/.exec(text);
  return match ? { exitCode: Number(match[1]), finishedAt: Number(match[2]) } : undefined;
}

/** Records an exit the shim could not (it was killed too). */
export async function writeExit(containerDir: string, record: ExitRecord): Promise<void> {
  await writeFileAtomic(join(containerDir, 'exit'), `${record.exitCode} ${record.finishedAt}\n`);
}
