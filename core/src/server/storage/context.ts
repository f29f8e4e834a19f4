import type { GroupResource } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import type { UserInfo } from '../../kernel/contracts/admission.js';
import type { Corral } from '../../kernel/Corral.js';
import { isStoreError, type StoreErrorCode } from '../../store/errors.js';
import type { Store } from '../../store/types.js';
import type { Admission } from '../admission.js';
import { fromStoreError } from '../errors.js';
import type { ServedResource } from '../resources.js';

/** What the namespace rules need to answer for a create. */
export interface NamespaceGate {
  /** Throws 404 when `namespace` does not exist, 403 (naming `what` and `name`) when it is being deleted. */
  checkCreate(namespace: string, what: GroupResource, name: string): Promise<void>;
}

/** What a write took from a range (a Service's ClusterIP, NodePorts) before it is stored. */
export interface Allocated {
  /** The write failed: give back what it took. */
  undo(): Promise<void>;
  /** The write is stored: give back what the replaced object held and this one does not. */
  commit(): Promise<void>;
}

/** Values the server assigns from shared ranges as objects are written (kinds it does not handle: undefined). */
export interface ObjectAllocations {
  beforeCreate(res: ServedResource, obj: ApiObject): Promise<Allocated | undefined>;
  beforeUpdate(res: ServedResource, obj: ApiObject, old: ApiObject): Promise<Allocated | undefined>;
  /**
   * `obj` is gone from the store: give back what it held at once, so a new object may take the
   * same values (a Service deleted and created again on its ClusterIP). Never throws; what it
   * fails to give back, the repair loop does.
   */
  afterDelete(res: ServedResource, obj: ApiObject): Promise<void>;
}

/** Everything the create/update/delete rules work with, built once per server. */
export interface Storage {
  readonly store: Store;
  readonly corral: Corral;
  readonly admission: Admission;
  readonly namespaces: NamespaceGate;
  readonly allocations?: ObjectAllocations;
}

/** Who writes and how. */
export interface WriteContext {
  readonly user?: UserInfo;
  readonly dryRun: boolean;
}

/** A StoreError as the Status that names the object (`pods "web" not found`); others as they are. */
export function asApiError(err: unknown, res: ServedResource, name: string): unknown {
  return isStoreError(err) ? fromStoreError(err, res.groupResource, name) : err;
}

/** Store calls for one object: StoreErrors become Statuses that name the object. */
export async function storeCall<T>(res: ServedResource, name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw asApiError(err, res, name);
  }
}

export function isCode(err: unknown, code: StoreErrorCode): boolean {
  return isStoreError(err, code);
}

export async function getObject(storage: Storage, res: ServedResource, namespace: string | undefined, name: string): Promise<ApiObject> {
  return (await storeCall(res, name, () => storage.store.get(res.key(namespace, name)))) as ApiObject;
}

/** The stored object, or undefined when there is none. */
export async function findObject(storage: Storage, res: ServedResource, namespace: string | undefined, name: string): Promise<ApiObject | undefined> {
  try {
    return (await storage.store.get(res.key(namespace, name))) as ApiObject;
  } catch (err) {
    if (isCode(err, 'NotFound')) return undefined;
    throw asApiError(err, res, name);
  }
}
