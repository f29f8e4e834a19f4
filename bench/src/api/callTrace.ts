// Where the paced run's slow calls spent their time: the client's timestamps (from the load
// thread) joined with the server's (from ServerProbe) by call, cut into segments, averaged over
// the slowest 1% and set beside the median call.
import { percentile, round } from '../stats.js';
import type { ServerSide } from './serverProbe.js';

/** One call as the load thread saw it; times in epoch ms. */
export interface ClientSide {
  method: string;
  name: string;
  /** When the schedule said the call should start. */
  due: number;
  /** When the request was handed to the HTTP agent. */
  sent: number;
  answered: number;
}

const SEGMENTS = ['clientLag', 'toServer', 'beforeStore', 'storeRead', 'storeWrite', 'betweenStore', 'afterStore', 'toClient'] as const;
type Segment = (typeof SEGMENTS)[number];

export interface TraceSummary {
  /** What each segment is. */
  legend: Record<Segment, string>;
  traced: number;
  slowest1pct: { calls: number; byMethod: Record<string, number>; latencyMs: number; meanMs: Record<Segment, number> };
  medianMs: Record<Segment, number>;
}

const LEGEND: Record<Segment, string> = {
  clientLag: 'due to handed to the HTTP agent (load thread late)',
  toServer: 'handed to the agent to the server reading the headers (socket wait, server loop busy)',
  beforeStore: 'headers read to the first store call (body, decode, admission)',
  storeRead: 'store get (the read before a patch)',
  storeWrite: 'store create/update (the etcd txn)',
  betweenStore: 'between store calls (patch, admission, validation)',
  afterStore: 'last store answer to the response finished (encode, write)',
  toClient: 'response finished to the client having read it',
};

function segments(c: ClientSide, s: ServerSide): Record<Segment, number> | undefined {
  if (s.out === undefined || s.store.length === 0) return undefined;
  const first = Math.min(...s.store.map((x) => x.start));
  const last = Math.max(...s.store.map((x) => x.end));
  const span = (ops: string[]) => s.store.filter((x) => ops.includes(x.op)).reduce((a, x) => a + (x.end - x.start), 0);
  const read = span(['get']);
  const write = span(['create', 'update', 'delete']);
  return {
    clientLag: c.sent - c.due,
    toServer: s.in - c.sent,
    beforeStore: first - s.in,
    storeRead: read,
    storeWrite: write,
    betweenStore: Math.max(0, last - first - read - write),
    afterStore: s.out - last,
    toClient: c.answered - s.out,
  };
}

const zero = (): Record<Segment, number> => Object.fromEntries(SEGMENTS.map((k) => [k, 0])) as Record<Segment, number>;

export function summarizeTrace(client: readonly ClientSide[], server: ReadonlyMap<string, ServerSide>): TraceSummary {
  const joined: Array<{ c: ClientSide; seg: Record<Segment, number> }> = [];
  for (const c of client) {
    const s = server.get(`${c.method} ${c.name}`);
    const seg = s && segments(c, s);
    if (seg) joined.push({ c, seg });
  }
  joined.sort((a, b) => b.c.answered - b.c.due - (a.c.answered - a.c.due));
  const slow = joined.slice(0, Math.max(1, Math.ceil(joined.length / 100)));
  const mean = zero();
  const byMethod: Record<string, number> = {};
  for (const { c, seg } of slow) {
    for (const k of SEGMENTS) mean[k] += seg[k] / slow.length;
    byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
  }
  const median = zero();
  for (const k of SEGMENTS) {
    mean[k] = round(mean[k], 2);
    median[k] = round(percentile(joined.map((j) => j.seg[k]), 50), 2);
  }
  const latency = slow.reduce((a, { c }) => a + c.answered - c.due, 0) / slow.length;
  return { legend: LEGEND, traced: joined.length, slowest1pct: { calls: slow.length, byMethod, latencyMs: round(latency, 2), meanMs: mean }, medianMs: median };
}
