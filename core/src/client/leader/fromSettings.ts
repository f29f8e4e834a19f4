// What a component's leader election is configured with, and the elector made from it: the
// controller manager and the scheduler each run one, on a Lease of their own.
import { LeaderElector, type LeaderElectionTimings, type LeaderElectorOptions } from './LeaderElector.js';

export interface LeaderElectionSettings extends LeaderElectionTimings {
  /** The Lease's name; default the component's own (corral-controller-manager, corral-scheduler). */
  leaseName?: string;
  /** Default kube-system. */
  namespace?: string;
}

/** An elector on `settings` (true: all defaults), on the Lease `defaultLease` unless they name another. */
export function leaderElectorFor(
  settings: true | LeaderElectionSettings,
  defaultLease: string,
  options: Omit<LeaderElectorOptions, 'name' | 'namespace' | keyof LeaderElectionTimings>,
): LeaderElector {
  const s = settings === true ? {} : settings;
  return new LeaderElector({
    ...options,
    name: s.leaseName ?? defaultLease,
    namespace: s.namespace,
    leaseDurationMs: s.leaseDurationMs,
    renewDeadlineMs: s.renewDeadlineMs,
    retryPeriodMs: s.retryPeriodMs,
  });
}
