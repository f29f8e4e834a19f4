// The scale subresource: an autoscaling/v1 Scale view of a workload's replica count, read and
// written at the paths its definition names (`subresources.scale`).
import { ApiError } from '../../api/errors.js';
import { isRecord } from '../../api/objects.js';
import { prepareForUpdate } from '../../api/prepare.js';
import { labelSelectorAsSelector, selectorFromSet } from '../../api/selectors/Selector.js';
import type { ApiObject, LabelSelector } from '../../api/types.js';
import { readObjectBody, readPatchBody } from '../body.js';
import { writeContext, type Handler } from '../core.js';
import { negotiate, OBJECT_OUTPUTS, send } from '../negotiate.js';
import { applyPatch, MERGE_PATCH_CONTENT_TYPE, STRATEGIC_MERGE_PATCH_CONTENT_TYPE, supportsStrategicMerge } from '../patch/index.js';
import { writeQuery } from '../query.js';
import type { ServedResource } from '../resources.js';
import { getObject } from '../storage/context.js';
import { getPath, setPath } from '../storage/meta.js';
import { resourceVersionIn } from '../storage/replace.js';
import { conflictError, updateObject } from '../storage/update.js';
import type { Target } from '../target.js';

const SCALE_KIND = { group: 'autoscaling', kind: 'Scale' };

function selectorString(value: unknown): string {
  if (!isRecord(value)) return '';
  try {
    // A workload's selector has matchLabels/matchExpressions; a ReplicationController's is a map.
    if ('matchLabels' in value || 'matchExpressions' in value) return labelSelectorAsSelector(value as LabelSelector).toString();
    return selectorFromSet(value as Record<string, string>).toString();
  } catch {
    return '';
  }
}

function replicasAt(obj: ApiObject, path: string): number {
  const value = getPath(obj, path);
  return typeof value === 'number' ? value : 0;
}

export function toScale(res: ServedResource, obj: ApiObject): Record<string, unknown> {
  const paths = res.def.subresources.scale!;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const status: Record<string, unknown> = { replicas: replicasAt(obj, paths.statusReplicasPath) };
  const selector = paths.labelSelectorPath ? selectorString(getPath(obj, paths.labelSelectorPath)) : '';
  if (selector) status.selector = selector;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: replicasAt(obj, paths.specReplicasPath) },
    status,
  };
}

/** The replica count a Scale body asks for; 400/422 when it is not a proper Scale. */
function requestedReplicas(body: unknown, name: string): number {
  if (!isRecord(body)) throw ApiError.badRequest('the body must be an autoscaling/v1 Scale');
  if (body.kind !== undefined && body.kind !== 'Scale') throw ApiError.badRequest(`the body must be a Scale, not ${JSON.stringify(body.kind)}`);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== name) {
    throw ApiError.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
  }
  const replicas = isRecord(body.spec) ? body.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw ApiError.invalid(SCALE_KIND, name, [
      { reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be a non-negative integer` },
    ]);
  }
  return replicas;
}

async function scaleTo(core: Parameters<Handler>[0], ctx: Parameters<Handler>[1], target: Target, replicasOf: (current: ApiObject) => number, resourceVersion?: string): Promise<void> {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const query = writeQuery(ctx.query);
  const res = target.resource;
  const path = res.def.subresources.scale!.specReplicasPath;
  const result = await updateObject(
    core.storage,
    res,
    {
      namespace: target.namespace,
      name: target.name!,
      subresource: 'scale',
      resourceVersion,
      admission: 'full',
      transform: (current) => {
        const copy = structuredClone(current) as Record<string, unknown>;
        setPath(copy, path, replicasOf(current));
        return prepareForUpdate(res.def, copy, current, { namespace: target.namespace });
      },
    },
    writeContext(ctx, query),
  );
  send(ctx, 200, toScale(res, result.object), output);
}

export const getScaleHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const obj = await getObject(core.storage, target.resource, target.namespace, target.name!);
  send(ctx, 200, toScale(target.resource, obj), output);
};

export const updateScaleHandler: Handler = async (core, ctx, target) => {
  const body = await readObjectBody(ctx, core.maxBodyBytes);
  const replicas = requestedReplicas(body, target.name!);
  await scaleTo(core, ctx, target, () => replicas, resourceVersionIn(body));
};

export const patchScaleHandler: Handler = async (core, ctx, target) => {
  const { patch, contentType } = await readPatchBody(ctx, core.maxBodyBytes);
  // A Scale has no lists, so a strategic merge patch is a merge patch.
  const type = contentType === STRATEGIC_MERGE_PATCH_CONTENT_TYPE && !supportsStrategicMerge('Scale') ? MERGE_PATCH_CONTENT_TYPE : contentType;
  await scaleTo(core, ctx, target, (current) => {
    const scale = toScale(target.resource, current);
    const patched = applyPatch('Scale', scale, patch, type);
    const rv = resourceVersionIn(patched);
    if (rv !== undefined && rv !== current.metadata.resourceVersion) throw conflictError(target.resource, target.name!);
    return requestedReplicas(patched, target.name!);
  });
};
