import type { ApiObject } from '../../api/index.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { Clock } from '../../client/informer/clock.js';
import type { Expectations } from '../../client/informer/Expectations.js';
import type { Informer } from '../../client/informer/Informer.js';

/** A kind, as `apiVersion` + `kind` (e.g. `apps/v1` + `ReplicaSet`). */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/** What `reconcile` may ask for: a later retry even though nothing changed. */
export interface ReconcileResult {
  readonly requeueAfterMs?: number;
}

/** A Normal or Warning Event about an object, as `kubectl describe` shows it. */
export interface EventRecorder {
  /** Fire and forget: a failed write is logged, never thrown; repeats within minutes are counted on one Event. */
  event(regarding: ApiObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/**
 * The shared caches of the controller manager: one informer per kind for all controllers, with
 * the indexes `namespace`, `ownerUid` (metadata.ownerReferences[].uid) and, for Pods, `nodeName`.
 * A kind named in any registration's `for`, `owns` or `watches` is synced before the first
 * `reconcile` call; any other registered kind starts on first use (await `waitForSync`).
 */
export interface SharedInformers {
  informer<T extends ApiObject = ApiObject>(kind: KindRef): Informer<T>;
}

/** Handed to every `reconcile` call. */
export interface ReconcileContext {
  /** Aborted when this process stops leading or shuts down: stop work and return. */
  readonly signal: AbortSignal;
  /** Writes go through the API like any client's (admission, validation, conflicts). */
  readonly client: ApiClient;
  /** Read from these caches, not from the API: they are what watches delivered so far. */
  readonly informers: SharedInformers;
  readonly events: EventRecorder;
  /**
   * This controller's own expectations (see Expectations): creates/deletes not yet seen. The
   * controller manager records what its informers observe of the `owns` kinds, keyed by the
   * controlling owner: creationObserved on each add, deletionObserved once per object (when
   * deletionTimestamp appears, or on the delete); it forgets a key when its object is deleted.
   * A controller only sets/raises expectations before its writes (and lowers them itself for a
   * write that failed), and never calls creationObserved/deletionObserved for observed objects.
   */
  readonly expectations: Expectations;
  /** Time, replaceable in tests: use it for every deadline and requeue computation. */
  readonly clock: Clock;
  /** Puts another key of this controller on its queue (after `afterMs`, default at once). */
  enqueue(key: string, afterMs?: number): void;
}

/**
 * More objects a controller reacts to, mapped to its own keys (e.g. a Pod to the Services that
 * select it, a Lease to its Node). `keys` runs on the event path against the caches: keep it cheap.
 */
export interface WatchRegistration {
  readonly kind: KindRef;
  keys(obj: ApiObject, informers: SharedInformers): readonly string[];
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
  /** Other kinds whose changes map to keys of this controller. */
  readonly watches?: readonly WatchRegistration[];
  /** Every key of `for` is queued again this often (a safety net; default never). */
  readonly resyncMs?: number;
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
