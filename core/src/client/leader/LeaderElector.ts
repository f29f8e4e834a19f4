// Leader election through a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
// the leader writes renewTime every retry period; a standby takes the lease once it has seen the
// same record, unchanged, for a whole lease duration (measured on its own clock, so clock skew
// between machines does not matter), or at once when the holder released it. Every write is
// conditional on the resourceVersion read, so two candidates never both win. A leader that has
// not renewed within the renew deadline stops acting before its lease can expire for others.
import { ApiError } from '../../api/errors.js';
import type { Lease } from '../../api/types.js';
import type { ApiClient } from '../ApiClient.js';
import type { ResourceRef } from '../discovery.js';
import { realClock, type Clock } from '../informer/clock.js';

export const LEASES: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true, kind: 'Lease' };

export interface LeaderElectionTimings {
  /** How long a standby waits on an unchanged lease before taking it. Default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps acting without a successful renewal. Default 10 s. */
  renewDeadlineMs?: number;
  /** Between attempts to acquire or renew. Default 2 s. */
  retryPeriodMs?: number;
}

export interface LeaderElectorOptions extends LeaderElectionTimings {
  client: ApiClient;
  /** The Lease's name, e.g. corral-controller-manager. */
  name: string;
  /** Default kube-system. */
  namespace?: string;
  /** This candidate's holderIdentity; unique per process. */
  identity: string;
  /** Called on winning the lease, not awaited (renewal goes on meanwhile); `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called when leadership ends (lost, or stop()); awaited before stop() resolves. */
  onStoppedLeading(reason: 'leader-lost' | 'shutdown'): void | Promise<void>;
  /** Called when the observed holder changes (including to this candidate). */
  onNewLeader?(identity: string): void;
  /** Failed API calls (they are retried). */
  onError?(error: unknown): void;
  clock?: Clock;
}

const DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

export class LeaderElector {
  private readonly namespace: string;
  private readonly timings: Required<LeaderElectionTimings>;
  private readonly clock: Clock;
  private readonly stopping = new AbortController();
  private observed: { key: string; at: number; lease?: Lease } | undefined;
  private leadership: AbortController | undefined;
  private lastHolder: string | undefined;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.namespace = options.namespace ?? 'kube-system';
    this.timings = {
      leaseDurationMs: options.leaseDurationMs ?? DEFAULTS.leaseDurationMs,
      renewDeadlineMs: options.renewDeadlineMs ?? DEFAULTS.renewDeadlineMs,
      retryPeriodMs: options.retryPeriodMs ?? DEFAULTS.retryPeriodMs,
    };
    if (this.timings.renewDeadlineMs >= this.timings.leaseDurationMs) {
      throw new Error(`leader election for ${options.name}: the renew deadline (${this.timings.renewDeadlineMs} ms) must be shorter than the lease duration (${this.timings.leaseDurationMs} ms)`);
    }
    if (this.timings.retryPeriodMs >= this.timings.renewDeadlineMs) {
      throw new Error(`leader election for ${options.name}: the retry period (${this.timings.retryPeriodMs} ms) must be shorter than the renew deadline (${this.timings.renewDeadlineMs} ms)`);
    }
    this.clock = options.clock ?? realClock;
  }

  get identity(): string {
    return this.options.identity;
  }

  isLeader(): boolean {
    return this.leadership !== undefined && !this.leadership.signal.aborted;
  }

  /** The holder last seen in the lease ('' when released). */
  get leader(): string | undefined {
    return this.lastHolder;
  }

  /** Campaigns until stop(): acquire, lead while renewing, and campaign again after losing. */
  start(): void {
    this.running ??= this.run();
  }

  /** Stops campaigning; a leader stops acting, then releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      if (!(await this.acquire())) break;
      const leadership = (this.leadership = new AbortController());
      // Not awaited: starting may take long (caches to fill), and renewing must go on meanwhile.
      void Promise.resolve()
        .then(() => this.options.onStartedLeading(leadership.signal))
        .catch((err: unknown) => this.report(err));
      const lost = await this.renewLoop();
      leadership.abort();
      try {
        await this.options.onStoppedLeading(lost ? 'leader-lost' : 'shutdown');
      } catch (err) {
        this.report(err);
      }
      this.leadership = undefined;
      if (!lost) await this.release();
    }
  }

  /** Tries every retry period until it holds the lease; false when stopped first. */
  private async acquire(): Promise<boolean> {
    while (!this.stopping.signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await this.sleep(this.timings.retryPeriodMs);
    }
    return false;
  }

  /** Renews every retry period; true when the renew deadline passed without success (lost), false on stop. */
  private async renewLoop(): Promise<boolean> {
    let lastRenew = this.clock.now();
    while (!this.stopping.signal.aborted) {
      await this.sleep(this.timings.retryPeriodMs);
      if (this.stopping.signal.aborted) return false;
      const ok = await this.tryAcquireOrRenew();
      const now = this.clock.now();
      if (ok) lastRenew = now;
      else if (now - lastRenew >= this.timings.renewDeadlineMs || this.lastHolder !== this.identity) return true;
    }
    return false;
  }

  /** One attempt: create the lease, take an expired or released one, or renew ours. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const nowIso = new Date(now).toISOString();
    const leaseSeconds = Math.max(1, Math.ceil(this.timings.leaseDurationMs / 1000));
    const signal = AbortSignal.timeout(Math.max(1, this.timings.renewDeadlineMs - this.timings.retryPeriodMs));
    const { client, name } = this.options;
    let current: Lease;
    try {
      current = await client.get<Lease>(LEASES, name, { namespace: this.namespace, signal });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) return this.failed(err);
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace: this.namespace },
        spec: { holderIdentity: this.identity, leaseDurationSeconds: leaseSeconds, acquireTime: nowIso, renewTime: nowIso, leaseTransitions: 0 },
      };
      try {
        await client.create(LEASES, lease, { namespace: this.namespace, signal });
        this.observe(lease, now);
        return true;
      } catch (createErr) {
        return createErr instanceof ApiError && createErr.code === 409 ? false : this.failed(createErr);
      }
    }

    this.observe(current, now);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const mine = holder === this.identity;
    if (!mine && holder !== '' && this.observed!.at + this.timings.leaseDurationMs > now) return false;
    const next: Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: leaseSeconds,
        renewTime: nowIso,
        ...(mine ? {} : { acquireTime: nowIso, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    try {
      const written = await client.update<Lease>(LEASES, next, { namespace: this.namespace, signal });
      this.observe(written, now);
      return true;
    } catch (err) {
      return err instanceof ApiError && err.code === 409 ? false : this.failed(err);
    }
  }

  /** Gives the lease up: holderIdentity '' lets a standby take it on its next try. */
  private async release(): Promise<void> {
    const lease = this.observed?.lease;
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const nowIso = new Date(this.clock.now()).toISOString();
    try {
      await this.options.client.update(
        LEASES,
        { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: nowIso } },
        { namespace: this.namespace, signal: AbortSignal.timeout(this.timings.renewDeadlineMs) },
      );
    } catch (err) {
      this.report(err);
    }
  }

  /** Remembers when the lease's record last changed, on our clock. */
  private observe(lease: Lease, now: number): void {
    const spec = lease.spec ?? {};
    const key = `${spec.holderIdentity ?? ''}|${spec.renewTime ?? ''}|${spec.acquireTime ?? ''}`;
    if (this.observed?.key !== key) this.observed = { key, at: now, lease };
    else this.observed.lease = lease;
    const holder = spec.holderIdentity ?? '';
    if (holder !== this.lastHolder) {
      this.lastHolder = holder;
      if (holder) this.options.onNewLeader?.(holder);
    }
  }

  private failed(err: unknown): false {
    this.report(err);
    return false;
  }

  private report(err: unknown): void {
    try {
      this.options.onError?.(err);
    } catch {
      // a logger that throws must not end the campaign
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const handle = this.clock.setTimeout(done, ms);
      const onStop = (): void => {
        this.clock.clearTimeout(handle);
        done();
      };
      this.wake = onStop;
      function done(): void {
        resolve();
      }
    });
  }
}
