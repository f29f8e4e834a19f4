// Delete as Kubernetes does it: preconditions, admission, then either gone at once or only
// marked (deletionTimestamp) while finalizers remain, a bound pod's grace period runs, or a
// namespace is emptied by the namespace loop.
import { ApiError } from '../../api/errors.js';
import type { ApiObject, Pod } from '../../api/types.js';
import type { DeleteOptions } from '../query.js';
import type { ServedResource } from '../resources.js';
import { asApiError, findObject, isCode, type Storage, type WriteContext } from './context.js';
import { timestamp } from './meta.js';
import { backoff, conflictError } from './update.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
/** Namespaces the server keeps: deleting them is refused (403). */
export const PROTECTED_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

const MAX_ATTEMPTS = 50;

export interface DeleteResult {
  /** The object: its last state when deleted, the marked one when deletion is pending. */
  object: ApiObject;
  /** Gone from the store (or would be, for a dry run). */
  deleted: boolean;
}

function checkPreconditions(res: ServedResource, current: ApiObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  const name = current.metadata.name ?? '';
  if (pre?.uid !== undefined && pre.uid !== current.metadata.uid) {
    throw ApiError.conflict(res.groupResource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw ApiError.conflict(res.groupResource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion ?? ''}`);
  }
}

/** The finalizers the propagation policy asks for (the garbage collector honours them). */
function finalizersFor(current: ApiObject, policy: DeleteOptions['propagationPolicy']): string[] {
  const existing = current.metadata.finalizers ?? [];
  if (policy === undefined) return existing;
  const kept = existing.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (policy === 'Orphan') kept.push(ORPHAN_FINALIZER);
  if (policy === 'Foreground') kept.push(FOREGROUND_FINALIZER);
  return kept;
}

/**
 * A pod bound to a node waits for its agent to stop it: the grace period from the options, else
 * the pod's own (30 s default). Unbound or finished pods go at once.
 */
function gracePeriod(res: ServedResource, current: ApiObject, options: DeleteOptions): number {
  if (!res.rules.gracefulDeletion) return 0;
  const pod = current as Pod;
  if (!pod.spec?.nodeName) return 0;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
  return options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
}

function isNamespaceKind(res: ServedResource): boolean {
  return res.group === '' && res.kind === 'Namespace';
}

/** The marked object, or undefined when it should be deleted now. */
function marked(res: ServedResource, current: ApiObject, options: DeleteOptions): ApiObject | undefined {
  const finalizers = finalizersFor(current, options.propagationPolicy);
  const namespaceFinalizers = isNamespaceKind(res) ? ((current.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  const grace = gracePeriod(res, current, options);
  const meta = current.metadata;
  const pending = finalizers.length > 0 || namespaceFinalizers.length > 0;
  if (!pending && grace === 0) return undefined;

  const next: ApiObject = { ...current, metadata: { ...meta } };
  const nextMeta = next.metadata;
  if (finalizers.length > 0) nextMeta.finalizers = finalizers;
  else delete nextMeta.finalizers;
  const now = Date.now();
  const currentDeadline = meta.deletionTimestamp ? Date.parse(meta.deletionTimestamp) : Infinity;
  // A second delete may only shorten a running grace period.
  if (now + grace * 1000 < currentDeadline) {
    nextMeta.deletionTimestamp = timestamp(new Date(now + grace * 1000));
    nextMeta.deletionGracePeriodSeconds = grace;
    if (meta.deletionTimestamp === undefined && grace > 0) nextMeta.generation = (meta.generation ?? 1) + 1;
  }
  if (isNamespaceKind(res)) next.status = { ...(current.status as object | undefined), phase: 'Terminating' };
  return next;
}

export async function deleteObject(
  storage: Storage,
  res: ServedResource,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions,
  ctx: WriteContext,
): Promise<DeleteResult> {
  const key = res.key(namespace, name);
  if (isNamespaceKind(res) && PROTECTED_NAMESPACES.has(name)) {
    throw ApiError.forbidden(res.groupResource, name, 'this namespace may not be deleted');
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const current = await findObject(storage, res, namespace, name);
    if (!current) throw ApiError.notFound(res.groupResource, name);
    checkPreconditions(res, current, options);
    await storage.admission.validateOnly(current, {
      operation: 'DELETE',
      resource: res.def,
      namespace,
      name,
      oldObject: current,
      user: ctx.user,
      dryRun: ctx.dryRun,
    });
    const rv = current.metadata.resourceVersion;
    try {
      const next = marked(res, current, options);
      if (next) {
        if (ctx.dryRun) return { object: next, deleted: false };
        if (deepSameMarks(next, current)) return { object: current, deleted: false };
        return { object: (await storage.store.update(key, next)) as ApiObject, deleted: false };
      }
      if (ctx.dryRun) return { object: current, deleted: true };
      const last = (await storage.store.delete(key, rv === undefined ? {} : { resourceVersion: rv })) as ApiObject;
      await storage.allocations?.afterDelete(res, current);
      return { object: last, deleted: true };
    } catch (err) {
      if (isCode(err, 'Conflict')) {
        if (options.preconditions?.resourceVersion !== undefined) throw conflictError(res, name);
        await backoff(attempt);
        continue;
      }
      if (isCode(err, 'NotFound')) throw ApiError.notFound(res.groupResource, name);
      throw asApiError(err, res, name);
    }
  }
  throw conflictError(res, name);
}

/** Nothing to write when a repeated delete changes no mark. */
function deepSameMarks(next: ApiObject, current: ApiObject): boolean {
  const a = next.metadata;
  const b = current.metadata;
  return (
    a.deletionTimestamp === b.deletionTimestamp &&
    a.deletionGracePeriodSeconds === b.deletionGracePeriodSeconds &&
    JSON.stringify(a.finalizers ?? []) === JSON.stringify(b.finalizers ?? []) &&
    JSON.stringify(next.status) === JSON.stringify(current.status)
  );
}
