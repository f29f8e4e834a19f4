// The service account controller (Kubernetes' serviceaccounts-controller): every namespace that
// is not being deleted holds the ServiceAccounts named in the options, `default` unless told
// otherwise. A namespace is the key; a missing account is created, and an account deleted from
// a live namespace comes back. Accounts the controller did not make are never touched.
import { isApiError, type ApiObject, type Namespace, type ServiceAccount } from '@corral/core/api';
import type { ResourceRef } from '@corral/core/client';
import type { ControllerRegistration, KindRef, ReconcileContext } from '@corral/core/kernel';

export const NAMESPACE_KIND: KindRef = { apiVersion: 'v1', kind: 'Namespace' };
export const SERVICE_ACCOUNT_KIND: KindRef = { apiVersion: 'v1', kind: 'ServiceAccount' };
const NAMESPACES: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false, kind: 'Namespace' };

/** A namespace on its way out: nothing may be created in it, so nothing is. */
export function isTerminating(ns: Namespace): boolean {
  return ns.metadata.deletionTimestamp !== undefined || ns.status?.phase === 'Terminating';
}

/** An account of one of `names` was deleted or changed: its namespace is the key to check. */
function namespaceOf(names: ReadonlySet<string>) {
  return (sa: ApiObject): string[] => {
    const namespace = sa.metadata.namespace;
    return namespace && names.has(sa.metadata.name ?? '') ? [namespace] : [];
  };
}

/** Whether namespace `name` is, per the API rather than the cache, gone or on its way out. */
async function namespaceEnding(name: string, ctx: ReconcileContext): Promise<boolean> {
  try {
    return isTerminating(await ctx.client.get<Namespace>(NAMESPACES, name, { signal: ctx.signal }));
  } catch (err) {
    if (isApiError(err, 'NotFound')) return true;
    throw err;
  }
}

/**
 * Creates the accounts of `names` missing from namespace `key`. The cache may be behind the
 * store, so AlreadyExists is success; a namespace that began terminating or vanished since the
 * cache saw it refuses the write (Forbidden, NotFound), which is the outcome wanted anyway. A
 * Forbidden for any other reason is an error, retried.
 */
export async function syncServiceAccounts(key: string, ctx: ReconcileContext, names: readonly string[], resource: ResourceRef): Promise<void> {
  const ns = ctx.informers.informer<Namespace>(NAMESPACE_KIND).cache.get(key);
  if (!ns || isTerminating(ns)) return;
  const accounts = ctx.informers.informer<ServiceAccount>(SERVICE_ACCOUNT_KIND).cache;
  for (const name of names) {
    if (accounts.get(`${key}/${name}`)) continue;
    const account: ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: key } };
    try {
      await ctx.client.create(resource, account, { namespace: key, signal: ctx.signal });
    } catch (err) {
      if (isApiError(err, 'AlreadyExists')) continue;
      if ((isApiError(err, 'Forbidden') || isApiError(err, 'NotFound')) && (await namespaceEnding(key, ctx))) return;
      throw err;
    }
  }
}

export interface ServiceAccountsControllerOptions {
  /** The ServiceAccount resource the client writes to. */
  readonly serviceAccountResource: ResourceRef;
  /** The accounts every namespace gets. */
  readonly names: readonly string[];
  readonly workers: number;
}

export function serviceAccountsController(options: ServiceAccountsControllerOptions): ControllerRegistration {
  const names = [...new Set(options.names)];
  return {
    name: 'serviceaccount',
    for: NAMESPACE_KIND,
    watches: [{ kind: SERVICE_ACCOUNT_KIND, keys: namespaceOf(new Set(names)) }],
    workers: options.workers,
    reconcile: (key, ctx) => syncServiceAccounts(key, ctx, names, options.serviceAccountResource),
  };
}
