// etcd's own view of a window: how long its WAL fsyncs and backend commits took, from the
// histograms on its /metrics page read before and after. Tells etcd's disk apart from the
// server's own waiting.
import { round } from '../stats.js';

const HISTOGRAMS = {
  walFsync: 'etcd_disk_wal_fsync_duration_seconds',
  backendCommit: 'etcd_disk_backend_commit_duration_seconds',
} as const;

type Name = keyof typeof HISTOGRAMS;

interface Histogram {
  /** Cumulative counts by upper bound (seconds), ascending. */
  buckets: Array<[number, number]>;
  sum: number;
  count: number;
}

export type EtcdSnapshot = Record<Name, Histogram>;

export interface EtcdWindow {
  count: number;
  meanMs: number;
  /** The bucket bound (ms) that 99% of the window's samples fall under. */
  p99UnderMs: number;
}

function parse(text: string, metric: string): Histogram {
  const buckets: Array<[number, number]> = [];
  let sum = 0;
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith(`${metric}_bucket`)) {
      const le = /le="([^"]+)"/.exec(line)?.[1];
      if (le) buckets.push([le === '+Inf' ? Infinity : Number(le), value]);
    } else if (line.startsWith(`${metric}_sum`)) sum = value;
    else if (line.startsWith(`${metric}_count`)) count = value;
  }
  return { buckets: buckets.sort((a, b) => a[0] - b[0]), sum, count };
}

/** Reads etcd's histograms now. */
export async function etcdSnapshot(endpoint: string): Promise<EtcdSnapshot> {
  const res = await fetch(`${endpoint}/metrics`);
  if (!res.ok) throw new Error(`etcd metrics at ${endpoint}/metrics: HTTP ${res.status}`);
  const text = await res.text();
  return { walFsync: parse(text, HISTOGRAMS.walFsync), backendCommit: parse(text, HISTOGRAMS.backendCommit) };
}

function window(before: Histogram, after: Histogram): EtcdWindow {
  const count = after.count - before.count;
  const want = count * 0.99;
  let p99 = Infinity;
  for (const [bound, n] of after.buckets) {
    const earlier = before.buckets.find(([b]) => b === bound)?.[1] ?? 0;
    if (n - earlier >= want) {
      p99 = bound;
      break;
    }
  }
  return { count, meanMs: count > 0 ? round(((after.sum - before.sum) / count) * 1000, 3) : 0, p99UnderMs: round(p99 * 1000, 3) };
}

/** What etcd's disk did between two snapshots. */
export function etcdWindow(before: EtcdSnapshot, after: EtcdSnapshot): Record<Name, EtcdWindow> {
  return { walFsync: window(before.walFsync, after.walFsync), backendCommit: window(before.backendCommit, after.backendCommit) };
}
