// CPU time from /proc, for benchmarks that share the machine's cores with what they measure
// (and with whatever else runs): a process's own, and how busy the whole machine was.
import { readFileSync } from 'node:fs';

/** A process's CPU time in ms (utime + stime; clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Busy and total CPU time of the whole machine (all cores, in clock ticks). */
export function machineCpu(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}

/** The share of the machine's CPU time that was busy between two readings (0..1). */
export function busyBetween(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return (b.busy - a.busy) / Math.max(1, b.total - a.total);
}
