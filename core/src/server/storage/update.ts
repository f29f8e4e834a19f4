// Update: read the stored object, build its replacement, admit it, write it only if it is still
// the stored version. A conflict the client did not ask for (no resourceVersion sent) is
// retried on the fresh object, as Kubernetes' GuaranteedUpdate does.
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import type { AdmissionOperation } from '../../kernel/contracts/admission.js';
import type { ServedResource } from '../resources.js';
import { asApiError, findObject, isCode, type Storage, type WriteContext } from './context.js';
import { keepSystemMeta, sameObject } from './meta.js';

/** How long an update keeps retrying conflicts it did not ask for, before answering 409. */
const RETRY_BUDGET_MS = 10_000;
const CONFLICT = 'the object has been modified; please apply your changes to the latest version and try again';

export interface UpdateSpec {
  readonly namespace?: string;
  readonly name: string;
  /** The version the client read: the update applies to that version only (else 409). */
  readonly resourceVersion?: string;
  /** The replacement for the stored object, defaulted and validated; may throw. */
  transform(current: ApiObject): ApiObject | Promise<ApiObject>;
  /** For kinds that allow PUT to create: called when there is no stored object. */
  create?: () => Promise<ApiObject>;
  readonly subresource?: string;
  /** 'full': mutate and validate hooks (a mutated object is validated again); 'validate': only that hook. */
  readonly admission: 'full' | 'validate';
}

export interface UpdateResult {
  object: ApiObject;
  created: boolean;
}

/**
 * A short random pause before retrying a conflict: the winning write may not be readable yet
 * (the store acknowledges it once durable), and contenders should not retry in lock step.
 */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(2 ** attempt, 50);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function conflictError(res: ServedResource, name: string): ApiError {
  return ApiError.conflict(res.groupResource, name, CONFLICT);
}

/** An object being deleted whose last finalizer is gone is deleted by the update that removes it. */
function finishesDeletion(res: ServedResource, obj: ApiObject): boolean {
  const meta = obj.metadata;
  if (meta.deletionTimestamp === undefined || meta.finalizers?.length || meta.deletionGracePeriodSeconds) return false;
  // A namespace also waits for the namespace loop's own finalizer (spec.finalizers).
  const isNamespace = res.group === '' && res.kind === 'Namespace';
  return !isNamespace || !(obj.spec as { finalizers?: string[] } | undefined)?.finalizers?.length;
}

function checkFinalizers(res: ServedResource, next: ApiObject, current: ApiObject): void {
  if (current.metadata.deletionTimestamp === undefined) return;
  const before = new Set(current.metadata.finalizers ?? []);
  const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length > 0) {
    throw ApiError.invalid({ group: res.group, kind: res.kind }, current.metadata.name, [
      { reason: 'FieldValueForbidden', field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}` },
    ]);
  }
}

async function admit(storage: Storage, res: ServedResource, spec: UpdateSpec, next: ApiObject, current: ApiObject, ctx: WriteContext): Promise<ApiObject> {
  const operation: AdmissionOperation = 'UPDATE';
  const admission = {
    operation,
    resource: res.def,
    subresource: spec.subresource,
    namespace: spec.namespace,
    name: spec.name,
    oldObject: current,
    user: ctx.user,
    dryRun: ctx.dryRun,
  };
  if (spec.admission === 'validate') {
    await storage.admission.validateOnly(next, admission);
    return next;
  }
  const admitted = await storage.admission.admit(next, admission, (o) => res.def.validate(o, current));
  if (admitted !== next || storage.corral.hooks.mutate.isUsed()) keepSystemMeta(admitted, current);
  return admitted;
}

export async function updateObject(storage: Storage, res: ServedResource, spec: UpdateSpec, ctx: WriteContext): Promise<UpdateResult> {
  const key = res.key(spec.namespace, spec.name);
  const deadline = Date.now() + RETRY_BUDGET_MS;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    const current = await findObject(storage, res, spec.namespace, spec.name);
    if (!current) {
      if (spec.create) return { object: await spec.create(), created: true };
      throw ApiError.notFound(res.groupResource, spec.name);
    }
    if (spec.resourceVersion !== undefined && spec.resourceVersion !== current.metadata.resourceVersion) {
      throw conflictError(res, spec.name);
    }
    const next = await spec.transform(current);
    keepSystemMeta(next, current);
    checkFinalizers(res, next, current);
    const admitted = await admit(storage, res, spec, next, current, ctx);
    const finishing = finishesDeletion(res, admitted);
    const allocated = ctx.dryRun || finishing ? undefined : await storage.allocations?.beforeUpdate(res, admitted, current);
    if (sameObject(admitted, current)) {
      await allocated?.undo();
      return { object: current, created: false };
    }
    if (ctx.dryRun) return { object: admitted, created: false };
    try {
      if (finishing) {
        const rv = current.metadata.resourceVersion;
        const last = (await storage.store.delete(key, rv === undefined ? {} : { resourceVersion: rv })) as ApiObject;
        await storage.allocations?.afterDelete(res, current);
        return { object: { ...admitted, metadata: { ...admitted.metadata, resourceVersion: last.metadata.resourceVersion } }, created: false };
      }
      const stored = (await storage.store.update(key, admitted)) as ApiObject;
      // Never throws: what it fails to give back, the repair loop does.
      void allocated?.commit();
      return { object: stored, created: false };
    } catch (err) {
      await allocated?.undo();
      if (isCode(err, 'Conflict') || isCode(err, 'NotFound')) {
        if (spec.resourceVersion !== undefined) throw conflictError(res, spec.name);
        await backoff(attempt);
        continue;
      }
      throw asApiError(err, res, spec.name);
    }
  }
  throw conflictError(res, spec.name);
}
