// Pod subresources that write: binding (the scheduler assigns a node) and eviction (a delete
// that policy may refuse; with no disruption budgets yet, it is the delete itself).
import { ApiError, successStatus } from '../../api/errors.js';
import { isRecord, nonEmptyString } from '../../api/objects.js';
import type { ApiObject, Condition, Pod } from '../../api/types.js';
import { readObjectBody } from '../body.js';
import { writeContext, type Handler } from '../core.js';
import { negotiate, OBJECT_OUTPUTS, send } from '../negotiate.js';
import { deleteOptions, writeQuery } from '../query.js';
import { deleteObject } from '../storage/delete.js';
import { timestamp } from '../storage/meta.js';
import { updateObject } from '../storage/update.js';

function checkBodyName(body: Record<string, unknown>, kind: string, name: string): Record<string, unknown> {
  if (body.kind !== undefined && body.kind !== kind) throw ApiError.badRequest(`the body must be a ${kind}, not ${JSON.stringify(body.kind)}`);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  if (meta.name !== undefined && meta.name !== name) {
    throw ApiError.badRequest(`the name of the ${kind} (${String(meta.name)}) does not match the pod on the URL (${name})`);
  }
  return meta;
}

function bindingTarget(body: unknown, name: string): { node: string; meta: Record<string, unknown> } {
  if (!isRecord(body)) throw ApiError.badRequest('the body must be a v1 Binding');
  const meta = checkBodyName(body, 'Binding', name);
  const target = isRecord(body.target) ? body.target : {};
  if (!nonEmptyString(target.name)) {
    throw ApiError.invalid('Binding', name, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  }
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') {
    throw ApiError.invalid('Binding', name, [{ reason: 'FieldValueNotSupported', field: 'target.kind', message: `Unsupported value: ${JSON.stringify(target.kind)}: supported values: "Node"` }]);
  }
  return { node: target.name, meta };
}

/** The pod bound to `node`: spec.nodeName set, the binding's annotations copied, PodScheduled true. */
function bound(current: ApiObject, node: string, meta: Record<string, unknown>, name: string): ApiObject {
  const pod = current as Pod;
  if (pod.metadata.deletionTimestamp !== undefined) {
    throw ApiError.conflict('pods', name, `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  if (pod.spec?.nodeName) throw ApiError.conflict('pods', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  if (nonEmptyString(meta.uid) && meta.uid !== pod.metadata.uid) {
    throw ApiError.conflict('pods', name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
  }
  // New copies of the parts that change only; `current` is left as read. A deep clone of every
  // pod bound cost more than the rest of the binding's own work.
  const scheduled: Condition = { type: 'PodScheduled', status: 'True', lastTransitionTime: timestamp() };
  const metadata = isRecord(meta.annotations) ? { ...pod.metadata, annotations: { ...pod.metadata.annotations, ...(meta.annotations as Record<string, string>) } } : { ...pod.metadata };
  return {
    ...pod,
    metadata,
    spec: { ...pod.spec!, nodeName: node },
    status: { ...pod.status, conditions: [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), scheduled] },
  } as Pod;
}

export const bindingHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const query = writeQuery(ctx.query);
  const name = target.name!;
  const { node, meta } = bindingTarget(await readObjectBody(ctx, core.maxBodyBytes), name);
  // The node name is immutable through updates; the binding is the one writer allowed to set it.
  await updateObject(
    core.storage,
    target.resource,
    { namespace: target.namespace, name, subresource: 'binding', admission: 'validate', transform: (current) => bound(current, node, meta, name) },
    writeContext(ctx, query),
  );
  send(ctx, 201, { ...successStatus(), code: 201 }, output);
};

export const evictionHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const name = target.name!;
  const body = await readObjectBody(ctx, core.maxBodyBytes);
  if (!isRecord(body)) throw ApiError.badRequest('the body must be a policy/v1 Eviction');
  checkBodyName(body, 'Eviction', name);
  const options = deleteOptions(ctx.query, body.deleteOptions);
  await deleteObject(core.storage, target.resource, target.namespace, name, options, writeContext(ctx, options));
  send(ctx, 201, { ...successStatus(), code: 201 }, output);
};
