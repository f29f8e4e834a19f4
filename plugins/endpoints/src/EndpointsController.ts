// The endpoints controller: one Endpoints object per Service with a selector, holding the
// addresses of the Pods it selects. Services without a selector are left alone, so Endpoints
// written by hand (an external database behind a Service) stay as they are.
import { deepEqual, isApiError, selectorFromSet, type ApiObject, type Endpoints, type Pod, type Service } from '@corral/core/api';
import { splitKey, type ResourceRef } from '@corral/core/client';
import type { ControllerRegistration, KindRef, ReconcileContext, SharedInformers } from '@corral/core/kernel';
import { computeSubsets, endpointsLabels } from './subsets.js';

export const SERVICE_KIND: KindRef = { apiVersion: 'v1', kind: 'Service' };
export const POD_KIND: KindRef = { apiVersion: 'v1', kind: 'Pod' };
export const ENDPOINTS_KIND: KindRef = { apiVersion: 'v1', kind: 'Endpoints' };

/** The Service's selector, or undefined when it has none (absent or empty: hand-managed). */
function selectorOf(service: Service) {
  const set = service.spec?.selector;
  return set && Object.keys(set).length > 0 ? selectorFromSet(set) : undefined;
}

/** Keys of the Services in the pod's namespace that select it. */
export function servicesSelecting(pod: ApiObject, informers: SharedInformers): string[] {
  const namespace = pod.metadata.namespace;
  if (!namespace) return [];
  const keys: string[] = [];
  for (const service of informers.informer<Service>(SERVICE_KIND).cache.byIndex('namespace', namespace)) {
    if (selectorOf(service)?.matches(pod.metadata.labels)) keys.push(`${namespace}/${service.metadata.name}`);
  }
  return keys;
}

/** A deleted Endpoints object of a Service with a selector: write it again. */
function recreateFor(endpoints: ApiObject, informers: SharedInformers): string[] {
  const key = `${endpoints.metadata.namespace}/${endpoints.metadata.name}`;
  if (informers.informer(ENDPOINTS_KIND).cache.get(key)) return [];
  const service = informers.informer<Service>(SERVICE_KIND).cache.get(key);
  return service && selectorOf(service) ? [key] : [];
}

function sameContent(current: Endpoints, wanted: Endpoints): boolean {
  return deepEqual(current.subsets ?? [], wanted.subsets ?? []) && deepEqual(current.metadata.labels ?? {}, wanted.metadata.labels ?? {});
}

export async function syncEndpoints(key: string, ctx: ReconcileContext, endpointsResource: ResourceRef): Promise<void> {
  const { namespace, name } = splitKey(key);
  const service = ctx.informers.informer<Service>(SERVICE_KIND).cache.get(key);
  const current = ctx.informers.informer<Endpoints>(ENDPOINTS_KIND).cache.get(key);
  if (!service) {
    // The Service is gone: its Endpoints go with it, as in Kubernetes.
    if (current) await ignoreNotFound(ctx.client.delete(endpointsResource, name, { namespace, signal: ctx.signal }));
    return;
  }
  const selector = selectorOf(service);
  if (!selector) return;
  const pods = ctx.informers
    .informer<Pod>(POD_KIND)
    .cache.byIndex('namespace', namespace)
    .filter((pod) => selector.matches(pod.metadata.labels));
  const wanted: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace, labels: endpointsLabels(service) },
    subsets: computeSubsets(service, pods),
  };
  if (!current) {
    await ctx.client.create(endpointsResource, wanted, { namespace, signal: ctx.signal });
    return;
  }
  if (sameContent(current, wanted)) return;
  const withWanted = (base: Endpoints): Endpoints => ({ ...base, metadata: { ...base.metadata, labels: wanted.metadata.labels }, subsets: wanted.subsets });
  try {
    await ctx.client.update(endpointsResource, withWanted(current), { namespace, signal: ctx.signal });
  } catch (err) {
    if (!isApiError(err, 'Conflict')) throw err;
    // The cache is behind, mostly by this controller's own last write. A rollout changes the
    // Endpoints several times a second, and a backed-off retry would leave a terminating pod
    // listed for longer: write on top of the latest instead.
    const latest = await ctx.client.get<Endpoints>(endpointsResource, name, { namespace, signal: ctx.signal });
    if (sameContent(latest, wanted)) return;
    await ctx.client.update(endpointsResource, withWanted(latest), { namespace, signal: ctx.signal });
  }
}

async function ignoreNotFound(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
  }
}

export interface EndpointsControllerOptions {
  /** The Endpoints resource the client writes to. */
  readonly endpointsResource: ResourceRef;
  /** Every Service is synced again this often (a safety net); 0: never. */
  readonly resyncMs: number;
  readonly workers: number;
}

export function endpointsController(options: EndpointsControllerOptions): ControllerRegistration {
  return {
    name: 'endpoints',
    for: SERVICE_KIND,
    watches: [
      { kind: POD_KIND, keys: servicesSelecting },
      { kind: ENDPOINTS_KIND, keys: recreateFor },
    ],
    ...(options.resyncMs > 0 ? { resyncMs: options.resyncMs } : {}),
    workers: options.workers,
    reconcile: (key, ctx) => syncEndpoints(key, ctx, options.endpointsResource),
  };
}
