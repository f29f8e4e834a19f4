/** A kind, as `apiVersion` + `kind` (e.g. `apps/v1` + `ReplicaSet`). */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/** What `reconcile` may ask for: a later retry even though nothing changed. */
export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/** Handed to every `reconcile` call. The controller manager adds its client and caches here. */
export interface ReconcileContext {
  /** Aborted when this process stops leading or shuts down: stop work and return. */
  readonly signal: AbortSignal;
}

/**
 * A reconciler for one kind, registered through `registerControllers`. The controller manager
 * watches `kind` (and `owns`, mapped back to their owner), puts `namespace/name` keys on a work
 * queue and calls `reconcile` for each. Contract, as in Kubernetes controllers:
 * - level-triggered: read the current state, compare with what should be, act; extra calls are
 *   harmless;
 * - never called twice at once for one key; a throw requeues the key with backoff;
 * - never mutate an object from the cache: copy first.
 */
export interface ControllerRegistration {
  /** Unique among controllers, e.g. 'replicaset'; also the work queue's name. */
  readonly name: string;
  /** The kind whose objects are the keys. */
  readonly for: KindRef;
  /** Kinds whose changes requeue their controlling owner of kind `for` (e.g. Pods for ReplicaSets). */
  readonly owns?: readonly KindRef[];
  /** Concurrent workers; default 1. */
  readonly workers?: number;
  /** Run only while this process holds the controllers' lease; default true. */
  readonly leaderElection?: boolean;
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void>;
}

/** Why controllers start or stop: handed to `controllersStart` and `controllersStop`. */
export interface ControllerLifecycleEvent {
  /** 'startup' when leader election is off; 'leader-elected' / 'leader-lost' with it; 'shutdown'. */
  readonly reason: 'startup' | 'leader-elected' | 'leader-lost' | 'shutdown';
  /** This process's identity in the lease (hostname + pid by default). */
  readonly identity: string;
}
