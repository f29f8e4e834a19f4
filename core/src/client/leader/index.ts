// Leader election through a coordination.k8s.io/v1 Lease.
export { LeaderElector, LEASES } from './LeaderElector.js';
export type { LeaderElectionTimings, LeaderElectorOptions } from './LeaderElector.js';
export { defaultIdentity } from './identity.js';
export { leaderElectorFor } from './fromSettings.js';
export type { LeaderElectionSettings } from './fromSettings.js';
