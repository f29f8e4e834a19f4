import type { IMemberListResponse } from 'etcd3';

// A linearizable read makes etcd confirm its read index through raft and then wait until the
// member has applied every write before it: under a steady stream of writes that costs about
// one write's latency, and the API server reads before each update. On a cluster of one member
// a serializable read (the member's own applied state) is just as fresh: that member applies
// every write before acknowledging it, so a read that starts after a write's answer sees it.
// That holds only while the store talks to that member itself (not a proxy or load balancer,
// which may answer serializable reads from elsewhere or from a cache) and the cluster stays at
// one member, so both are checked, and checked again from time to time.

/** How often the member list is read again; a member added meanwhile is seen within this. */
const RECHECK_MS = 10_000;

/** `http://Host:2379/` and `host:2379` both as `http://host:2379`, to compare endpoints. */
export function normalizeEndpoint(url: string): string {
  try {
    const u = new URL(url.includes('://') ? url : `http://${url}`);
    return `${u.protocol}//${u.host}`;
  } catch {
    return url;
  }
}

/** Whether the cluster in `members` is one voting member whose client URLs include `endpoint`. */
export function isSoleMember(members: IMemberListResponse['members'], endpoint: string): boolean {
  if (members.length !== 1) return false;
  const [member] = members;
  if (!member || member.isLearner) return false;
  const want = normalizeEndpoint(endpoint);
  return member.clientURLs.some((u) => normalizeEndpoint(u) === want);
}

/** Decides, per read, whether a serializable read is as fresh as a linearizable one. */
export class LocalReads {
  private allowed = false;
  private checkedAt = 0;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly endpoints: readonly string[],
    private readonly listMembers: () => Promise<IMemberListResponse>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the member list now; any failure means linearizable reads until the next check. */
  check(): Promise<void> {
    this.checking ??= (async () => {
      try {
        const only = this.endpoints.length === 1 ? this.endpoints[0] : undefined;
        this.allowed = only !== undefined && isSoleMember((await this.listMembers()).members, only);
      } catch {
        this.allowed = false;
      } finally {
        this.checkedAt = this.now();
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  /** The answer for a read starting now; starts a fresh check in the background when due. */
  get serializable(): boolean {
    if (this.now() - this.checkedAt >= RECHECK_MS) void this.check();
    return this.allowed;
  }
}
